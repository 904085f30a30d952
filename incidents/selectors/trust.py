"""The trust impact assessment's facts (issue 19, item 6), computed over every customer the incident affected
(the incident's own figures, whoever reads them: counts and sums, never a customer's name or field):

- affected customers by tier (their tier now);
- escalations raised since the incident started about them: every escalation whose subject belongs to one of
  them, as apps declare with `about.register_customer_subject` (cases, reviews of their requests …);
- goodwill spent: recorded within the givers' limits, and requested as exceptions, with the customers given some;
- negative feedback (a low score, or a counted negative sentiment) in the 30 days before the start against the
  30 days after (so far, while 30 days have not passed);
- customers who reduced or ended their business: annual revenue now below what it was when they were marked
  affected (ended: now zero), or a lower tier now than then (incidents/selectors/recovery.py).

`compute(incident)` reads them live (six queries, whatever the number of customers); the post-mortem freezes
them into `PostMortem.facts` when the owner writes the assessment (incidents/services/post_mortem.py).
"""

from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from incidents.models import AffectedCustomer, Goodwill, Incident, PostMortem
from incidents.selectors import recovery
from intimacy_ops.escalations import about


def _money(value) -> str:
    return str((value or Decimal("0")).quantize(Decimal("0.01")))


def compute(incident: Incident) -> dict:
    """The facts as of now (JSON-ready: amounts as strings, times ISO)."""
    affected = AffectedCustomer.objects.filter(incident=incident)
    tiers = list(
        affected.order_by()
        .values("customer__segment__rank", "customer__segment__name")
        .annotate(count=Count("pk"))
        .order_by("customer__segment__rank")
    )
    customers = affected.values("customer_id")
    escalations = (
        about.about_customers(customers)
        .filter(raised_at__gte=incident.started_at)
        .aggregate(raised=Count("pk"), open=Count("pk", filter=Q(resolved_at__isnull=True)))
    )
    status = Goodwill.Status
    goodwill = Goodwill.objects.filter(incident=incident).aggregate(
        recorded=Sum("amount", filter=Q(status=status.RECORDED)),
        requested=Sum("amount", filter=Q(status=status.REQUESTED)),
        customers=Count("customer", distinct=True),
    )
    figures = recovery.by_incident(affected, [recovery.Span(incident.pk, incident.started_at)])[incident.pk]
    now = timezone.now()
    return {
        "as_of": now.isoformat(),
        "affected": figures["affected"],
        "by_tier": [
            {
                "tier": row["customer__segment__name"] or "No tier",
                "rank": row["customer__segment__rank"],
                "count": row["count"],
            }
            for row in tiers
        ],
        "escalations_raised": escalations["raised"],
        "escalations_open": escalations["open"],
        "goodwill_recorded": _money(goodwill["recorded"]),
        "goodwill_requested": _money(goodwill["requested"]),
        "goodwill_customers": goodwill["customers"],
        "negative_before": figures.get("negative_before", 0),
        "negative_after": figures.get("negative_after", 0),
        "feedback_before": figures.get("feedback_before", 0),
        "feedback_after": figures.get("feedback_after", 0),
        "after_complete": figures["complete"],
        "after_days": min(30, max(0, (now - incident.started_at).days)),
        "revenue_known": figures.get("revenue_known", 0),
        "reduced": figures.get("reduced", 0),
        "ended": figures.get("ended", 0),
        "dropped_tier": figures.get("dropped_tier", 0),
        "reduced_or_ended": figures.get("reduced_or_ended", 0),
    }


def post_mortem_of(incident: Incident) -> PostMortem | None:
    return (
        PostMortem.objects.filter(incident=incident)
        .select_related("rca__process", "rca__owner", "assessed_by", "updated_by")
        .first()
    )


def missing_to_review(incident: Incident) -> list[str]:
    """What keeps the incident from being marked reviewed, in words (empty: it may be)."""
    post_mortem = PostMortem.objects.filter(incident=incident).first()
    missing = []
    if post_mortem is None or post_mortem.assessed_at is None or not post_mortem.trust_assessment.strip():
        missing.append("the trust impact assessment")
    if post_mortem is None or not post_mortem.lessons.strip():
        missing.append("lessons")
    return missing
