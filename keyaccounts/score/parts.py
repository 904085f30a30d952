"""The parts of the health score, each a raw figure, a weight and its points (keyaccounts/score/__init__.py).

Starting from 100, each part takes points off; the score is clamped to 0..100.

| part | raw figure (as of day D) | points |
|---|---|---|
| SLA compliance | cases closed this quarter (first day of D's quarter to D) and those closed without a breach | −weight × breached share, rounded half up |
| breaches | cases opened this quarter that are breached (flagged, or late now) | −weight each |
| escalations | escalations about the customer open at D (its cases, reviews, conditions: `escalations.about`) | −weight each |
| negative feedback | negative sentiment that counts (confident or confirmed), received D−89 to D | −weight each |
| past their dates | active exceptions whose expiry date passed, and open conditions of approvals past due | −weight each |
| incidents | incidents touching the customer, started D−89 to D (cancelled ones left out) | −weight each |

Every figure is one aggregate query over all customers (`GROUP BY customer`), never a query per customer.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q
from django.utils import timezone

from exceptions.models import ExceptionRequest
from feedback.models import FeedbackItem, Sentiment
from governance.models_decisions import Condition
from incidents.models import AffectedCustomer, Incident
from intimacy_ops.escalations import about
from segments.models import ServiceCase
from segments.selectors.cases import late_now

START = 100
WINDOW_DAYS = 90


@dataclass(frozen=True)
class Part:
    key: str
    label: str
    weight_field: str


PARTS = (
    Part("sla_compliance", "SLA compliance this quarter", "sla_compliance"),
    Part("breaches", "Breaches this quarter", "breach"),
    Part("escalations", "Open escalations", "escalation"),
    Part("negative_feedback", "Negative feedback (90 days)", "negative_feedback"),
    Part("past_dates", "Exceptions past their dates", "past_dates"),
    Part("incidents", "Incidents (90 days)", "incident"),
)


def quarter_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def windows(day: datetime.date) -> dict[str, tuple[datetime.date, datetime.date]]:
    """The dates each part counts between (inclusive), as its list's filters read them."""
    quarter = (quarter_start(day), day)
    recent = (day - datetime.timedelta(days=WINDOW_DAYS - 1), day)
    return {
        "sla_compliance": quarter,
        "breaches": quarter,
        "escalations": (day, day),
        "negative_feedback": recent,
        "past_dates": (day, day),
        "incidents": recent,
    }


def _counts(rows, key: str = "customer_id") -> dict[int, int]:
    return {row[key]: row["n"] for row in rows}


def figures(day: datetime.date, now: datetime.datetime) -> dict[str, dict[int, object]]:
    """Every part's raw figure for every customer that has one, as of `day` (`now`: the instant "late now"
    and "open now" are judged at). Eight aggregate queries in all."""
    span = windows(day)
    q_since, q_until = span["sla_compliance"]
    r_since, r_until = span["negative_feedback"]
    end_of_day = timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))
    at = min(now, end_of_day)
    late = late_now(now)

    closed = (
        ServiceCase.objects.filter(resolved_at__date__gte=q_since, resolved_at__date__lte=q_until)
        .values("customer_id")
        .annotate(closed=Count("pk"), compliant=Count("pk", filter=~late))
        .order_by()
    )
    breaches = (
        ServiceCase.objects.filter(late, opened_at__date__gte=q_since, opened_at__date__lte=q_until)
        .values("customer_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    negative = (
        FeedbackItem.objects.counted()
        .filter(
            sentiment=Sentiment.NEGATIVE,
            received_on__gte=r_since,
            received_on__lte=r_until,
        )
        .values("customer_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    expired = (
        ExceptionRequest.objects.filter(status=ExceptionRequest.Status.ACTIVE, expires_on__lt=day)
        .values("customer_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    conditions = (
        Condition.objects.filter(
            Q(met_at__isnull=True) | Q(met_at__gt=at), review__status="decided", due_on__lt=day
        )
        .exclude(review__exception__isnull=True)
        .values(customer_id=F("review__exception__customer_id"))
        .annotate(n=Count("pk"))
        .order_by()
    )
    incidents = (
        AffectedCustomer.objects.filter(
            incident__started_at__date__gte=r_since, incident__started_at__date__lte=r_until
        )
        .exclude(incident__status=Incident.Status.CANCELLED)
        .values("customer_id")
        .annotate(n=Count("incident", distinct=True))
        .order_by()
    )
    past = _counts(expired)
    conditions_by_customer = _counts(conditions)
    return {
        "sla_compliance": {
            row["customer_id"]: {"closed": row["closed"], "compliant": row["compliant"]} for row in closed
        },
        "breaches": _counts(breaches),
        "escalations": about.open_by_customer(at),
        "negative_feedback": _counts(negative),
        "past_dates": {
            customer: {
                "exceptions": past.get(customer, 0),
                "conditions": conditions_by_customer.get(customer, 0),
            }
            for customer in past.keys() | conditions_by_customer.keys()
        },
        "incidents": _counts(incidents),
    }


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def part_of(part: Part, raw, weight: int, span: tuple[datetime.date, datetime.date]) -> dict:
    """One part as stored in `HealthScore.parts`: raw figure, its words, weight, points, window."""
    if part.key == "sla_compliance":
        closed, compliant = (raw or {}).get("closed", 0), (raw or {}).get("compliant", 0)
        if closed:
            percent = (Decimal(compliant) * 100 / closed).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            points = -_half_up(Decimal(weight) * (closed - compliant) / closed)
            text = f"SLA {percent}% ({compliant} of {closed} closed without a breach)"
        else:
            percent, points, text = None, 0, "no case closed this quarter (no SLA figure)"
        figure = {
            "closed": closed,
            "compliant": compliant,
            "percent": None if percent is None else float(percent),
        }
    elif part.key == "past_dates":
        exceptions, conditions = (raw or {}).get("exceptions", 0), (raw or {}).get("conditions", 0)
        figure = {"exceptions": exceptions, "conditions": conditions, "count": exceptions + conditions}
        points = -weight * (exceptions + conditions)
        text = f"{_plural(exceptions, 'exception')} past expiry, {_plural(conditions, 'condition')} overdue"
    else:
        count = raw or 0
        figure = {"count": count}
        points = -weight * count
        words = {
            "breaches": ("breach", "breaches"),
            "escalations": ("open escalation", "open escalations"),
            "negative_feedback": ("negative item", "negative items"),
            "incidents": ("incident", "incidents"),
        }[part.key]
        text = _plural(count, *words)
    return {
        "key": part.key,
        "label": part.label,
        "raw": figure,
        "text": text,
        "weight": weight,
        "points": points,
        "since": span[0].isoformat(),
        "until": span[1].isoformat(),
    }


def score_of(parts: list[dict]) -> int:
    """100 plus every part's points (each zero or less), clamped to 0..100."""
    return max(0, min(START, START + sum(part["points"] for part in parts)))


def explain(score: int, parts: list[dict]) -> str:
    """ "62: 3 breaches −15, 1 open escalation −8" — the parts that took points off, biggest first."""
    taken = sorted((p for p in parts if p["points"]), key=lambda p: p["points"])
    if not taken:
        return f"{score}: nothing took points off"
    return f"{score}: " + ", ".join(f"{p['text']} \u2212{-p['points']}" for p in taken)
