"""An incident's affected customers as a person may see them: tier, account manager, open cases, region; the
incidents touching a customer (their page) and an account manager's (their home); a customer's incidents and
goodwill in a period (a health review's facts)."""

from decimal import Decimal

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from incidents.lifecycles import ACTIVE
from incidents.models import AffectedCustomer, Goodwill, Incident
from intimacy_ops import access
from segments.models import ServiceCase


def _open_cases():
    counted = (
        ServiceCase.objects.filter(customer=OuterRef("customer_id"), resolved_at__isnull=True)
        .order_by()
        .values("customer")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def affected_for(user, incident: Incident):
    """The incident's affected customers this user sees (an account manager: their own), highest tier first,
    each with tier, account manager, region and open cases: one query per page, whatever its length."""
    return (
        access.visible(user, AffectedCustomer)
        .filter(incident=incident)
        .select_related("customer__segment", "customer__account_manager", "customer__region")
        .annotate(open_cases=_open_cases())
        .order_by("customer__segment__rank", "customer__name", "pk")
    )


def affected_count(user, incident: Incident) -> int:
    return access.visible(user, AffectedCustomer).filter(incident=incident).count()


def incidents_of_customer(user, customer) -> list[Incident]:
    """The incidents touching this customer that the user sees, active first, newest first."""
    touching = AffectedCustomer.objects.filter(customer=customer).values("incident")
    rows = access.visible(user, Incident).filter(pk__in=touching).select_related("owner")
    return sorted(rows.order_by("-started_at", "-pk")[:20], key=lambda i: i.status not in ACTIVE)


def active_for_manager(user):
    """Active incidents touching customers this account manager manages, with how many of theirs, newest first."""
    mine = AffectedCustomer.objects.filter(incident=OuterRef("pk"), customer__account_manager=user)
    counted = mine.order_by().values("incident").annotate(n=Count("pk")).values("n")
    return (
        access.visible(user, Incident)
        .filter(status__in=ACTIVE)
        .annotate(my_customers=Subquery(counted, output_field=IntegerField()))
        .filter(my_customers__gt=0)
        .order_by("-started_at", "-pk")
    )


def customer_period(user, customer, *, since, until) -> dict:
    """The incidents touching a customer that started in a period, and the goodwill it was given in it (a health
    review's facts, keyaccounts): two aggregate queries over what the user sees."""
    touching = AffectedCustomer.objects.filter(customer=customer).values("incident")
    incidents = (
        access.visible(user, Incident)
        .filter(pk__in=touching, started_at__date__gte=since, started_at__date__lte=until)
        .aggregate(
            incidents=Count("pk"),
            critical=Count("pk", filter=Q(severity=Incident.Severity.CRITICAL)),
            active=Count("pk", filter=Q(status__in=ACTIVE)),
        )
    )
    goodwill = (
        access.visible(user, Goodwill)
        .filter(customer=customer, given_at__date__gte=since, given_at__date__lte=until)
        .aggregate(
            goodwill=Count("pk"),
            credited=Coalesce(Sum("amount", filter=Q(kind=Goodwill.Kind.CREDIT)), Value(Decimal("0"))),
            expedited=Count("pk", filter=Q(kind=Goodwill.Kind.EXPEDITE)),
        )
    )
    return {**incidents, **goodwill}
