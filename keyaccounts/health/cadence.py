"""The cadence of health reviews per tier, and the periods it cuts the calendar into (issue 20, item 2).

A tier is reviewed every 1, 3, 6 or 12 months, or never. Operations leads and administrators set it per tier
(`HealthReviewCadence`, the page /keyaccounts/health-reviews/cadence/); a tier without a row follows the default
by its place among the tiers by rank: the first every 3 months, the second every 6, the lowest never (when there
are more than two, the ones between every 12).

Periods are calendar-aligned: every 3 months cuts the year into quarters ("2026-Q4", 1 Oct–31 Dec), 6 into
halves ("2026-H2"), 12 into years ("2026"), 1 into months ("2026-12"). A customer's review of a period opens on
its first day (the check catches up with customers that arrive later) and is due by its last day, or by the
next date agreed at the customer's previous review when that falls inside the period.
"""

import datetime
from dataclasses import dataclass

from keyaccounts.models import HealthReviewCadence
from segments.models import Segment

DEFAULTS = (3, 6)  # the first tiers by rank; the lowest: never; any between: 12


@dataclass(frozen=True)
class Period:
    label: str
    starts_on: datetime.date
    ends_on: datetime.date


def period_of(day: datetime.date, months: int) -> Period:
    """The period of a `months` cadence that holds `day`."""
    index = (day.month - 1) // months
    starts_on = datetime.date(day.year, index * months + 1, 1)
    following = index * months + months + 1
    next_start = (
        datetime.date(day.year + 1, 1, 1) if following > 12 else datetime.date(day.year, following, 1)
    )
    ends_on = next_start - datetime.timedelta(days=1)
    label = {
        12: f"{day.year}",
        6: f"{day.year}-H{index + 1}",
        3: f"{day.year}-Q{index + 1}",
        1: f"{day.year}-{starts_on.month:02d}",
    }[months]
    return Period(label, starts_on, ends_on)


def default_months(position: int, count: int) -> int | None:
    """The default cadence of the tier at `position` (0: the highest) among `count` tiers."""
    if count > 1 and position == count - 1:
        return None
    return DEFAULTS[position] if position < len(DEFAULTS) else 12


def cadences() -> list[dict]:
    """Every tier by rank with its cadence: `segment`, `every_months` (None: never), `default` (no row set)."""
    segments = list(Segment.objects.order_by("rank", "pk"))
    set_rows = {row.segment_id: row for row in HealthReviewCadence.objects.select_related("updated_by")}
    out = []
    for position, segment in enumerate(segments):
        row = set_rows.get(segment.pk)
        out.append(
            {
                "segment": segment,
                "every_months": row.every_months if row else default_months(position, len(segments)),
                "default": row is None,
                "updated_by": row.updated_by if row else None,
                "updated_at": row.updated_at if row else None,
            }
        )
    return out


def months_by_segment() -> dict[int, int]:
    """{segment id: months} of the tiers that are reviewed (two queries: the tiers, the rows set)."""
    return {row["segment"].pk: row["every_months"] for row in cadences() if row["every_months"]}


def label_of(months: int | None) -> str:
    return dict(HealthReviewCadence.Every.choices).get(months, "Never") if months else "Never"
