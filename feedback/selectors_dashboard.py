"""Feedback's dashboard figures (feedback/dashboard.py draws them): one aggregate query each over what the
user may see in the dashboard's regions, segment, process and period — `COUNT(*) FILTER (WHERE …)`, never a
loop over rows.

Sentiment counts only where it counts (`FeedbackItemQuerySet.counted`): a suggestion below the confidence
threshold that nobody confirmed is left out of every figure but the correction rate's "waiting" column.
"""

from django.db.models import Avg, Count, Exists, F, OuterRef, Q
from django.utils import timezone

from feedback.lifecycles import ACTIVE
from feedback.models import (
    COUNTED_SENTIMENT,
    CorrectiveAction,
    FeedbackItem,
    RootCauseAnalysis,
    Sentiment,
    Source,
)
from intimacy_ops import access


def items(user, filters):
    queryset = access.visible(user, FeedbackItem).filter(
        customer__region_id__in=filters.regions,
        received_on__gte=filters.since,
        received_on__lte=filters.until,
    )
    if filters.segment is not None:
        queryset = queryset.filter(customer__segment_id=filters.segment)
    if filters.process is not None:
        queryset = queryset.filter(process_id=filters.process)
    return queryset.order_by()


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def voice_by_segment(user, filters) -> list[dict]:
    """Per the customer's segment: NPS (promoters − detractors, % of answers), CES (mean, 1–7), and the share
    of negative among the sentiments that count."""
    nps, ces = Q(source=Source.NPS_SURVEY), Q(source=Source.CES_SURVEY)
    rows = (
        items(user, filters)
        .values(ref=F("customer__segment_id"), name=F("customer__segment__name"))
        .annotate(
            nps_answers=Count("pk", filter=nps),
            promoters=Count("pk", filter=nps & Q(score__gte=9)),
            detractors=Count("pk", filter=nps & Q(score__lte=6)),
            ces_answers=Count("pk", filter=ces),
            ces=Avg("score", filter=ces),
            sentiments=Count("pk", filter=COUNTED_SENTIMENT),
            negative=Count("pk", filter=COUNTED_SENTIMENT & Q(sentiment=Sentiment.NEGATIVE)),
        )
        .order_by("name")
    )
    out = []
    for row in rows:
        share = _pct(row["promoters"] - row["detractors"], row["nps_answers"])
        row["nps"] = share
        row["ces"] = round(row["ces"], 2) if row["ces"] is not None else None
        row["negative_share"] = _pct(row["negative"], row["sentiments"])
        row["name"] = row["name"] or "No segment"
        out.append(row)
    return out


def rcas_by_process(user, filters) -> list[dict]:
    """Active RCAs per process touching the filters' regions, with their open and overdue corrective actions
    (as they stand today: the period does not apply)."""
    today = timezone.localdate()
    through = RootCauseAnalysis.regions.through.objects.filter(
        rootcauseanalysis_id=OuterRef("pk"), region_id__in=filters.regions
    )
    rcas = access.visible(user, RootCauseAnalysis).filter(status__in=ACTIVE).filter(Exists(through))
    if filters.process is not None:
        rcas = rcas.filter(process_id=filters.process)
    open_q = Q(actions__status__in=CorrectiveAction.OPEN_STATUSES)
    return list(
        rcas.order_by()
        .values(ref=F("process_id"), name=F("process__name"))
        .annotate(
            open_rcas=Count("pk", distinct=True),
            open_actions=Count("actions", filter=open_q, distinct=True),
            overdue_actions=Count("actions", filter=open_q & Q(actions__due_on__lt=today), distinct=True),
        )
        .order_by("-overdue_actions", "-open_rcas", "name")
    )


def corrections_by_source(user, filters) -> list[dict]:
    """How often the machine's sentiment was wrong, per source: of the suggestions a person settled
    (confirmed or corrected), the share they corrected; and how many still wait."""
    rows = (
        items(user, filters)
        .filter(sentiment_machine_suggested=True)
        .values("source")
        .annotate(
            suggested=Count("pk"),
            settled=Count("pk", filter=Q(sentiment_confirmed=True)),
            corrected=Count("pk", filter=Q(sentiment_confirmed=True) & ~Q(sentiment_corrected_from="")),
            waiting=Count("pk", filter=Q(sentiment_needs_confirmation=True, sentiment_confirmed=False)),
        )
        .order_by("source")
    )
    labels = dict(Source.choices)
    return [
        {
            **row,
            "name": labels.get(row["source"], row["source"]),
            "rate": _pct(row["corrected"], row["settled"]),
        }
        for row in rows
    ]
