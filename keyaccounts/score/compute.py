"""Scoring every customer at once: the check `keyaccounts.health_scores` (keyaccounts/checks.py) calls `run`.

Set-based (README, "Checks act in bulk"): the parts' raw figures come from eight `GROUP BY` queries over all
customers (keyaccounts/score/parts.py), the weights from two, the scores 30 and 90 days ago from two; points
and scores are plain arithmetic; the rows go in with one `INSERT … ON CONFLICT (customer, computed_on) DO
UPDATE` per page (`bulk_create(update_conflicts=True)`), in one transaction, so a reader sees a whole run or
none of it. Idempotent (a second run the same day rewrites the same row) and safe twice at once: the
unique (customer, day) constraint makes a concurrent run wait on the rows the first one wrote, in the same
customer order, then write its own figures over them — still one row per customer and day. Rows older than
`KEEP_DAYS` are deleted as the run goes.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from intimacy_ops import audit, checks
from keyaccounts.models import HealthScore
from keyaccounts.score import parts as P
from keyaccounts.score import weights as W
from segments.models import Customer

PAGE = 1000
KEEP_DAYS = 400
TREND_SLACK_DAYS = 7  # "30 days ago": the newest row from 30 to 37 days back


def _scores_back(day: datetime.date, days: int) -> dict[int, int]:
    """Each customer's newest score between `days` and `days + TREND_SLACK_DAYS` days before `day`."""
    first, last = day - datetime.timedelta(days=days + TREND_SLACK_DAYS), day - datetime.timedelta(days=days)
    found: dict[int, int] = {}
    rows = (
        HealthScore.objects.filter(computed_on__gte=first, computed_on__lte=last)
        .order_by("customer_id", "computed_on")
        .values_list("customer_id", "score")
    )
    for customer_id, score in rows.iterator(chunk_size=5000):
        found[customer_id] = score  # ordered by day: the last one wins
    return found


def rows_for(day: datetime.date, now: datetime.datetime) -> list[HealthScore]:
    """Every customer's score as of `day` (unsaved rows, in customer order)."""
    raw = P.figures(day, now)
    spans = P.windows(day)
    by_region = W.current_by_region()
    defaults = W.defaults()
    back_30, back_90 = _scores_back(day, 30), _scores_back(day, 90)
    rows = []
    for customer_id, region_id in Customer.objects.order_by("pk").values_list("pk", "region_id"):
        version = by_region.get(region_id)
        weights = W.values_of(version) if version else defaults
        parts = [
            P.part_of(part, raw[part.key].get(customer_id), weights[part.weight_field], spans[part.key])
            for part in P.PARTS
        ]
        score = P.score_of(parts)
        line = weights["at_risk_below"]
        rows.append(
            HealthScore(
                customer_id=customer_id,
                computed_on=day,
                computed_at=now,
                score=score,
                line=line,
                below_line=score < line,
                parts=parts,
                weights=version,
                score_30_days_ago=back_30.get(customer_id),
                score_90_days_ago=back_90.get(customer_id),
            )
        )
    return rows


UPDATED = [
    "computed_at",
    "score",
    "line",
    "below_line",
    "parts",
    "weights",
    "score_30_days_ago",
    "score_90_days_ago",
]


def run(*, day: datetime.date | None = None, now: datetime.datetime | None = None) -> checks.CheckResult:
    """Score every customer as of `day` (default today) and keep the rows; one line saying what it did."""
    now = now or timezone.now()
    day = day or timezone.localdate(now)
    rows = rows_for(day, now)
    with transaction.atomic():
        for start in range(0, len(rows), PAGE):
            HealthScore.objects.bulk_create(
                rows[start : start + PAGE],
                update_conflicts=True,
                unique_fields=["customer", "computed_on"],
                update_fields=UPDATED,
            )
        pruned, _ = HealthScore.objects.filter(
            computed_on__lt=day - datetime.timedelta(days=KEEP_DAYS)
        ).delete()
        below = sum(1 for row in rows if row.below_line)
        audit.record(
            actor=None,
            verb="health_scores.computed",
            object_type="check",
            object_id="keyaccounts.health_scores",
            after={"day": day.isoformat(), "customers": len(rows), "below_line": below},
        )
    return checks.CheckResult(
        summary=f"scored {checks.plural(len(rows), 'customer')} for {day:%d %b %Y}, {below} below their line",
        counts={"scored": len(rows), "below_line": below, "pruned": pruned},
    )
