"""Every read of the exceptions app, for the API and the pages alike: scoped by `access`, with their joins, in
constant queries."""

from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from exceptions.models import (
    CostEntry,
    ExceptionRequest,
    ExceptionTransition,
    ExtensionRequest,
    Process,
    ProcessVersion,
    RiskRating,
    RoutingThreshold,
    StandardOptionSignal,
)
from intimacy_ops import access
from intimacy_ops.accounts import delegation
from intimacy_ops.accounts.models import Region
from intimacy_ops.accounts.roles import Role
from intimacy_ops.accounts.selectors import people_with_role
from segments.models import Customer

ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=14, decimal_places=2))
Status = ExceptionRequest.Status


def _actual_cost():
    # A subquery, not a join: the list stays one row per request whatever the number of entries.
    total = (
        CostEntry.objects.filter(exception=OuterRef("pk"))
        .order_by()
        .values("exception")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Coalesce(Subquery(total, output_field=DecimalField(max_digits=14, decimal_places=2)), ZERO)


def exceptions_for(user) -> QuerySet:
    """The requests this user may see, with what a list shows, and their actual cost so far."""
    return (
        access.visible(user, ExceptionRequest)
        .select_related("customer__region", "process", "process_version", "requested_by")
        .prefetch_related("scope_regions")
        .annotate(actual_cost=_actual_cost())
    )


# What the API's rows of a request read (exceptions/api/requests.py, ExceptionSerializer): its own columns but
# `sunset_on`, and of its relations only what a row names (the region's code, the version's number, the
# requester's username) or its `allowed_actions` ask (the customer's region). The full related rows cost more to
# build than the rest of a 50-row page (bench/README.md).
API_ROW_FIELDS = (
    "customer",
    "customer__region",
    "customer__region__code",
    "process",
    "process_version",
    "process_version__number",
    "title",
    "deviation",
    "deviation_tag",
    "justification",
    "kind",
    "permanent_reason",
    "scope_sites",
    "scope_shifts",
    "estimated_one_off_cost",
    "estimated_monthly_cost",
    "revenue_at_risk",
    "risk_rating",
    "starts_on",
    "expires_on",
    "handling_procedure",
    "status",
    "route",
    "requested_by",
    "requested_by__username",
    "created_at",
    "updated_at",
    "status_changed_at",
)


def api_rows_for(user) -> QuerySet:
    """`exceptions_for`'s requests with only what the API's rows read (API_ROW_FIELDS); the scope regions' codes
    come per page (`with_scope_codes`), or per row from the relation."""
    return (
        access.visible(user, ExceptionRequest)
        .select_related("customer__region", "process_version", "requested_by")
        .only(*API_ROW_FIELDS)
        .annotate(actual_cost=_actual_cost())
    )


def with_scope_codes(exceptions: list[ExceptionRequest]) -> list[ExceptionRequest]:
    """Each request's scope regions' codes as `scope_region_codes`, in the regions' order (by code), for a page
    in one query of (request, code) pairs: no Region instance or related manager per row."""
    through = ExceptionRequest.scope_regions.through
    codes: dict[int, list[str]] = {exception.pk: [] for exception in exceptions}
    if codes:
        pairs = (
            through.objects.filter(exceptionrequest_id__in=list(codes))
            .order_by("region__code", "region_id")
            .values_list("exceptionrequest_id", "region__code")
        )
        for exception_id, code in pairs:
            codes[exception_id].append(code)
    for exception in exceptions:
        exception.scope_region_codes = codes[exception.pk]
    return exceptions


def my_requests(user, *, status: str | None = None, customer_id: int | None = None) -> QuerySet:
    """ "My requests": the ones this user raised, newest first, optionally by status and customer."""
    queryset = exceptions_for(user).filter(requested_by=user)
    if status:
        queryset = queryset.filter(status=status)
    if customer_id:
        queryset = queryset.filter(customer_id=customer_id)
    return queryset


def timeline(user, exception: ExceptionRequest) -> QuerySet:
    """The transitions of a request, oldest first (actor, time, from, to, comment)."""
    return (
        access.visible(user, ExceptionTransition)
        .filter(exception=exception)
        .select_related("actor", "on_behalf_of")
    )


def cost_entries(user, exception: ExceptionRequest) -> QuerySet:
    return access.visible(user, CostEntry).filter(exception=exception).select_related("recorded_by")


def extensions_of(user, exception: ExceptionRequest) -> QuerySet:
    return (
        access.visible(user, ExtensionRequest)
        .filter(exception=exception)
        .select_related("requested_by", "decided_by")
    )


def processes_for(user) -> QuerySet:
    return access.visible(user, Process).select_related("owner")


def versions_of(user, process: Process) -> QuerySet:
    return access.visible(user, ProcessVersion).filter(process=process).select_related("published_by")


def routing_thresholds_for(user) -> QuerySet:
    return access.visible(user, RoutingThreshold).select_related("region")


def process_cost_summary(user) -> QuerySet:
    """Per process, over the requests the user may see: active count, estimated monthly and one-off, actual so far."""
    seen = access.visible(user, ExceptionRequest).values("pk")
    active = Q(exception_requests__status=Status.ACTIVE, exception_requests__pk__in=seen)
    actual = (
        CostEntry.objects.filter(exception__process=OuterRef("pk"), exception__pk__in=seen)
        .order_by()
        .values("exception__process")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    money = DecimalField(max_digits=14, decimal_places=2)
    return processes_for(user).annotate(
        active_exceptions=Count("exception_requests", filter=active),
        estimated_monthly_cost=Coalesce(
            Sum("exception_requests__estimated_monthly_cost", filter=active), ZERO
        ),
        estimated_one_off_cost=Coalesce(
            Sum("exception_requests__estimated_one_off_cost", filter=active), ZERO
        ),
        actual_cost=Coalesce(Subquery(actual, output_field=money), ZERO),
    )


def similar_active_exceptions(user, *, process: Process, customer=None) -> QuerySet:
    """Active exceptions on the same process that this user may see (the "similar requests" panel)."""
    queryset = exceptions_for(user).filter(process=process, status=Status.ACTIVE)
    if customer is not None:
        queryset = queryset.exclude(customer=customer)
    return queryset


def similar_summary(*, process: Process) -> dict:
    """How widespread deviation from a process is, in aggregate only (no customer named): for the panel's headline."""
    figures = ExceptionRequest.objects.filter(process=process, status=Status.ACTIVE).aggregate(
        exceptions=Count("pk"),
        customers=Count("customer", distinct=True),
        monthly_cost=Coalesce(Sum("estimated_monthly_cost"), ZERO),
        one_off_cost=Coalesce(Sum("estimated_one_off_cost"), ZERO),
    )
    return figures


def standard_option_candidates(user) -> list[dict]:
    """For a process owner's "propose a standard option" card: per process they own and deviation tag, the
    alike active exceptions once distinct customers reach the process's line (aggregates only, no customer
    named). Each: process, process_name, deviation_tag, customers, exceptions, monthly_cost, threshold,
    signalled_at. Two queries, whatever the number of groups."""
    groups = list(
        ExceptionRequest.objects.filter(status=Status.ACTIVE, process__owner=user)
        .exclude(deviation_tag="")
        .values("process", "process__name", "deviation_tag", "process__standard_option_customers")
        .annotate(
            customers=Count("customer", distinct=True),
            exceptions=Count("pk"),
            monthly_cost=Coalesce(Sum("estimated_monthly_cost"), ZERO),
        )
        .filter(customers__gte=F("process__standard_option_customers"))
        .order_by("-customers", "process__name", "deviation_tag")
    )
    if not groups:
        return []
    signalled = {
        (signal.process_id, signal.deviation_tag): signal.raised_at
        for signal in StandardOptionSignal.objects.filter(process__owner=user)
    }
    return [
        {
            "process": group["process"],
            "process_name": group["process__name"],
            "deviation_tag": group["deviation_tag"],
            "customers": group["customers"],
            "exceptions": group["exceptions"],
            "monthly_cost": group["monthly_cost"],
            "threshold": group["process__standard_option_customers"],
            "signalled_at": signalled.get((group["process"], group["deviation_tag"])),
        }
        for group in groups
    ]


# --- what the pages list: "my requests", a lead's queue, a customer's section ---------------------------

OPEN = (Status.DRAFT, Status.SUBMITTED, Status.UNDER_REVIEW, Status.CHANGES_REQUESTED)


def request_list(user) -> QuerySet:
    """The list page: an account manager's own requests; anyone else's, every request they may see."""
    if access.allowed(user, "create", ExceptionRequest):
        return my_requests(user)
    return exceptions_for(user)


def waiting_for(user) -> QuerySet:
    """Requests routed to a single approver in this operations lead's regions, waiting (submitted) or taken up,
    and those of the regions of a lead they stand in for (accounts/delegation.py): `on_behalf_of_name` names
    that lead on a row the user holds only as their delegate."""
    mine = (
        set(access.user_region_ids(user))
        if access.allowed(user, "decide_as_lead", ExceptionRequest)
        else set()
    )
    held = [  # (lead, the regions only they give) for each lead away whose delegate the user is
        (principal, principal.region_ids - mine)
        for principal in delegation.principals_for(user)
        if access.allowed(principal, "decide_as_lead", ExceptionRequest)
    ]
    regions = mine.union(*(extra for _, extra in held))
    if not regions:
        return ExceptionRequest.objects.none()
    on_behalf = [
        When(customer__region__in=sorted(extra), then=Value(p.display_name)) for p, extra in held if extra
    ]
    return (
        exceptions_for(user)
        .filter(
            status__in=(Status.SUBMITTED, Status.UNDER_REVIEW),
            route=ExceptionRequest.Route.LEAD,
            customer__region__in=sorted(regions),
        )
        .annotate(on_behalf_of_name=Case(*on_behalf, default=Value("")) if on_behalf else Value(""))
        .select_related("customer__segment")  # each row names its customer's segment
        .order_by("status_changed_at", "id")
    )


def status_counts(queryset: QuerySet) -> dict[str, int]:
    rows = queryset.order_by().values("status").annotate(n=Count("pk")).values_list("status", "n")
    return dict(rows)


def customers_for_filter(user) -> QuerySet:
    """(id, name) of the customers that appear in the user's list, for the filter: one query, and tuples, not
    models (an account manager's hundreds of options were a third of the list page's CPU as instances)."""
    return (
        access.visible(user, Customer)
        .filter(pk__in=request_list(user).order_by().values("customer_id"))
        .order_by("name")
        .values_list("id", "name")
    )


def for_customer(user, customer: Customer) -> list:
    return list(exceptions_for(user).filter(customer=customer).order_by("-created_at", "-id")[:20])


def out_of_view_count(user, queryset: QuerySet) -> int:
    """How many requests past draft in `queryset` this user may not open: a page says they exist rather than
    "none" (a count only, nothing named). Drafts are their requester's alone and are never counted."""
    return queryset.exclude(status=Status.DRAFT).exclude(pk__in=exceptions_for(user).values("pk")).count()


def leads_of(region_id: int) -> QuerySet:
    """The operations leads of a region: who decides a request or an extension routed to a single approver."""
    return people_with_role(Role.OPERATIONS_LEAD, region_id=region_id)


def approvers(exception: ExceptionRequest) -> list:
    """Who a lead-routed request waits for, by name (the operations leads of its region)."""
    return list(leads_of(exception.customer.region_id).order_by("username"))


def routing_threshold(customer) -> RoutingThreshold | None:
    """The routing threshold of the customer's region: the one read with a locked request (`lifecycle.lock`
    joins it) when there, so a submit validates against and routes by one read; otherwise read now (never
    kept: a threshold changed since must count)."""
    if Customer.region.is_cached(customer) and Region.routing_threshold.is_cached(customer.region):
        return getattr(customer.region, "routing_threshold", None)
    return RoutingThreshold.objects.filter(region_id=customer.region_id).first()


def for_decision(user, ids: list[int]) -> list[ExceptionRequest]:
    """The requests a lead ticked for one decision, among those they may see, in the queue's order (one query):
    one decided meanwhile stays in, for the decision to refuse it saying why."""
    return list(
        exceptions_for(user)
        .filter(pk__in=ids)
        .select_related("customer__region", "process", "requested_by")
        .order_by("status_changed_at", "id")
    )


def with_risk_order(queryset: QuerySet) -> QuerySet:
    """`risk_order`: 1 low … 4 critical, so a list sorts by risk as people read it, not alphabetically."""
    order = [When(risk_rating=value, then=rank) for rank, value in enumerate(RiskRating.values, start=1)]
    return queryset.annotate(risk_order=Case(*order, default=0, output_field=IntegerField()))


def in_force_for_customer(user, customer, *, since, until) -> dict:
    """A customer's exceptions active now that started by `until` (a health review's facts, keyaccounts): how
    many and their estimated monthly cost, and how many of them started in the period. One aggregate query."""
    figures = (
        access.visible(user, ExceptionRequest)
        .filter(customer=customer, status=Status.ACTIVE)
        .filter(Q(starts_on__isnull=True) | Q(starts_on__lte=until))
        .aggregate(
            active=Count("pk"),
            monthly_cost=Coalesce(Sum("estimated_monthly_cost"), ZERO),
            started_in_period=Count("pk", filter=Q(starts_on__gte=since, starts_on__lte=until)),
        )
    )
    return figures
