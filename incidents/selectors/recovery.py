"""Recovery measured (issue 19, item 7): for an incident's affected customers, the 30 days before its start
against the 30 days after — service cases opened, feedback items given, the mean NPS answer, the share of
negative sentiment among those that count (confident, or confirmed by a person), negative feedback (a low score
or a counted negative sentiment) — and what they bring now against what they brought when they were marked
affected (`AffectedCustomer.revenue_at_start`, `segment_at_start`: annual revenue lowered, ended (now zero),
or a lower tier now / no tier).

Set-based: three aggregate queries (cases, feedback, revenue), grouped by incident, whatever the number of
affected customers (50,000 is three scans, tests/incidents/test_recovery.py counts the queries) or of
incidents (the dashboard asks for up to `dashboard.LIMIT` at once: each incident's window is a literal in the
condition, the query count stays three). Cases compare times (`opened_at` in [start − 30 d, start) and
[start, start + 30 d)); feedback compares days (`received_on`, the start's local date). Until 30 days have
passed the "after" side is incomplete: `complete` is false and `present()` shows it as n/a.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Avg, Count, F, Q, Sum
from django.utils import timezone

from feedback.models import NEGATIVE_AT_MOST, Sentiment, Source
from incidents.models import AffectedCustomer
from intimacy_ops import access

WINDOW = datetime.timedelta(days=30)
CASES = "customer__cases__opened_at"
FEEDBACK = "customer__feedback_items"


@dataclass(frozen=True)
class Span:
    """An incident's two windows, as times (cases) and as local days (feedback)."""

    incident_id: int
    start: datetime.datetime

    @property
    def day(self) -> datetime.date:
        return timezone.localdate(self.start)

    @property
    def complete_on(self) -> datetime.date:
        return timezone.localdate(self.start + WINDOW)

    def complete(self, now=None) -> bool:
        return (now or timezone.now()) >= self.start + WINDOW


def _cases_in(spans: list[Span], after: bool) -> Q:
    where = Q(pk__in=[])
    for span in spans:
        low, high = (span.start, span.start + WINDOW) if after else (span.start - WINDOW, span.start)
        where |= Q(incident_id=span.incident_id, **{f"{CASES}__gte": low, f"{CASES}__lt": high})
    return where


def _feedback_in(spans: list[Span], after: bool) -> Q:
    where = Q(pk__in=[])
    field = f"{FEEDBACK}__received_on"
    for span in spans:
        low, high = (span.day, span.day + WINDOW) if after else (span.day - WINDOW, span.day)
        where |= Q(incident_id=span.incident_id, **{f"{field}__gte": low, f"{field}__lt": high})
    return where


def _counted() -> Q:
    """FeedbackItemQuerySet.counted(), through the affected row's customer."""
    return Q(**{f"{FEEDBACK}__sentiment__isnull": False}) & (
        Q(**{f"{FEEDBACK}__sentiment_confirmed": True})
        | Q(**{f"{FEEDBACK}__sentiment_needs_confirmation": False})
    )


def _negative() -> Q:
    """FeedbackItemQuerySet.negative(): a low score, or a counted negative sentiment."""
    low = Q(pk__in=[])
    for source, at_most in NEGATIVE_AT_MOST.items():
        low |= Q(**{f"{FEEDBACK}__source": source, f"{FEEDBACK}__score__lte": at_most})
    return low | (_counted() & Q(**{f"{FEEDBACK}__sentiment": Sentiment.NEGATIVE}))


def _feedback_figures(spans: list[Span], side: str) -> dict:
    window = _feedback_in(spans, after=side == "after")
    nps = Q(**{f"{FEEDBACK}__source": Source.NPS_SURVEY})
    return {
        f"feedback_{side}": Count(FEEDBACK, filter=window),
        f"negative_{side}": Count(FEEDBACK, filter=window & _negative()),
        f"nps_answers_{side}": Count(FEEDBACK, filter=window & nps),
        f"nps_mean_{side}": Avg(f"{FEEDBACK}__score", filter=window & nps),
        f"sentiments_{side}": Count(FEEDBACK, filter=window & _counted()),
        f"negative_sentiments_{side}": Count(
            FEEDBACK, filter=window & _counted() & Q(**{f"{FEEDBACK}__sentiment": Sentiment.NEGATIVE})
        ),
    }


# An incident without an affected row (in the caller's scope): nothing counted, no mean, no revenue.
COUNTS = (
    "affected", "revenue_known", "reduced", "ended", "dropped_tier", "reduced_or_ended", "cases_before", "cases_after",
    *(f"{name}_{side}" for side in ("before", "after") for name in ("feedback", "negative", "nps_answers", "sentiments", "negative_sentiments")),
)  # fmt: skip
EMPTY = {
    **dict.fromkeys(COUNTS, 0),
    "revenue_then": None,
    "revenue_now": None,
    "nps_mean_before": None,
    "nps_mean_after": None,
}

REDUCED = Q(revenue_at_start__isnull=False, customer__annual_revenue__lt=F("revenue_at_start"))
ENDED = Q(revenue_at_start__gt=0, customer__annual_revenue=0)
DROPPED = Q(segment_at_start__isnull=False) & (
    Q(customer__segment__isnull=True) | Q(customer__segment__rank__gt=F("segment_at_start__rank"))
)


def by_incident(affected, spans: list[Span]) -> dict[int, dict]:
    """{incident id: figures} for these affected rows (already scoped by the caller), three queries."""
    if not spans:
        return {}
    rows = affected.filter(incident_id__in=[span.incident_id for span in spans]).order_by()
    grouped = rows.values("incident_id")
    figures: dict[int, dict] = {span.incident_id: dict(EMPTY) for span in spans}
    cases = grouped.annotate(
        cases_before=Count(CASES, filter=_cases_in(spans, after=False)),
        cases_after=Count(CASES, filter=_cases_in(spans, after=True)),
    )
    feedback = grouped.annotate(**_feedback_figures(spans, "before"), **_feedback_figures(spans, "after"))
    revenue = grouped.annotate(
        affected=Count("pk"),
        revenue_known=Count("pk", filter=Q(revenue_at_start__isnull=False)),
        revenue_then=Sum("revenue_at_start"),
        revenue_now=Sum("customer__annual_revenue", filter=Q(revenue_at_start__isnull=False)),
        reduced=Count("pk", filter=REDUCED & ~ENDED),
        ended=Count("pk", filter=ENDED),
        dropped_tier=Count("pk", filter=DROPPED),
        reduced_or_ended=Count("pk", filter=REDUCED | ENDED | DROPPED),
    )
    for query in (revenue, cases, feedback):
        for row in query:
            figures[row.pop("incident_id")].update(row)
    now = timezone.now()
    for span in spans:
        row = figures[span.incident_id]
        row["complete"] = span.complete(now)
        row["complete_on"] = span.complete_on
        then, now_ = row.get("revenue_then"), row.get("revenue_now")
        row["revenue_change"] = (now_ - then) if then is not None and now_ is not None else None
        for side in ("before", "after"):
            counted = row.get(f"sentiments_{side}") or 0
            row[f"negative_share_{side}"] = (
                row.get(f"negative_sentiments_{side}", 0) / counted if counted else None
            )
    return figures


AFTER_KEYS = (
    "cases_after", "feedback_after", "negative_after", "nps_answers_after", "nps_mean_after", "sentiments_after",
    "negative_sentiments_after", "negative_share_after",
)  # fmt: skip


def present(row: dict) -> dict:
    """Figures as shown: the "after" side n/a (None) until 30 days have passed."""
    shown = dict(row)
    if not row.get("complete"):
        for key in AFTER_KEYS:
            shown[key] = None
    return shown


def for_incident(user, incident) -> dict:
    """The recovery of the incident's affected customers this user sees (an account manager: their own)."""
    rows = access.visible(user, AffectedCustomer).filter(incident=incident)
    return by_incident(rows, [Span(incident.pk, incident.started_at)])[incident.pk]
