"""The effectiveness check (issue 16, item 4): EFFECTIVENESS_DAYS after an RCA closed, the negative-feedback
rate on its process in the EFFECTIVENESS_DAYS before closing is compared with the same length after, recorded
once on the RCA (`before_*`, `after_*`, `effectiveness_fell`) and shown on its page; it is flagged when the
rate did not fall.

Windows, by the day the RCA closed (d, local date) and N = EFFECTIVENESS_DAYS: before is d−N … d−1, after is
d … d+N−1; the RCA is due once today ≥ d+N. A rate is negative items / items about the process in the window
(negative as `FeedbackItemQuerySet.negative`: a low score or a counted negative sentiment); no item: no rate,
and a rate that cannot be compared does not count as fallen.

Set-based: due RCAs in `SKIP LOCKED` batches; per batch two aggregate queries (items and negative items per
process and day over the batch's span), one bulk update of the batch's rows (locked and re-read with
`effectiveness_recorded_at IS NULL`: a second run, even at once, records nothing), one audit batch, one notice per owner of the RCAs whose rate did not fall.
"""

import datetime
from collections import defaultdict

from django.db.models import Count
from django.utils import timezone

from feedback.models import FeedbackItem, RootCauseAnalysis
from intimacy_ops import audit, checks
from intimacy_ops.notifications import notify_many

EFFECTIVENESS_DAYS = 30
BATCH_SIZE = 200
RCA = RootCauseAnalysis.Status


def windows(closed_on: datetime.date, days: int = EFFECTIVENESS_DAYS):
    one = datetime.timedelta(days=1)
    before = (closed_on - days * one, closed_on - one)
    after = (closed_on, closed_on + (days - 1) * one)
    return before, after


def _per_day(queryset, processes, start, end) -> dict:
    rows = (
        queryset.filter(process__in=processes, received_on__gte=start, received_on__lte=end)
        .values("process", "received_on")
        .annotate(n=Count("pk"))
        .values_list("process", "received_on", "n")
    )
    return {(process, day): n for process, day, n in rows}


def _sum(counts: dict, process: int, window) -> int:
    start, end = window
    return sum(n for (p, day), n in counts.items() if p == process and start <= day <= end)


def _rate(negative: int, total: int) -> float | None:
    return round(negative / total, 4) if total else None


def measure(rcas: list[RootCauseAnalysis]) -> list[RootCauseAnalysis]:
    """Set each RCA's before/after figures (not saved): two aggregate queries for the whole list."""
    if not rcas:
        return []
    spans = {rca.pk: windows(timezone.localdate(rca.closed_at)) for rca in rcas}
    start = min(before[0] for before, _ in spans.values())
    end = max(after[1] for _, after in spans.values())
    processes = {rca.process_id for rca in rcas}
    totals = _per_day(FeedbackItem.objects.all(), processes, start, end)
    negatives = _per_day(FeedbackItem.objects.negative(), processes, start, end)
    for rca in rcas:
        before, after = spans[rca.pk]
        rca.before_negative, rca.before_total = (
            _sum(negatives, rca.process_id, before),
            _sum(totals, rca.process_id, before),
        )
        rca.after_negative, rca.after_total = (
            _sum(negatives, rca.process_id, after),
            _sum(totals, rca.process_id, after),
        )
        rca.before_rate = _rate(rca.before_negative, rca.before_total)
        rca.after_rate = _rate(rca.after_negative, rca.after_total)
        comparable = rca.before_rate is not None and rca.after_rate is not None
        rca.effectiveness_fell = comparable and rca.after_rate < rca.before_rate
    return rcas


FIGURES = [
    "before_negative", "before_total", "before_rate", "after_negative", "after_total", "after_rate",
    "effectiveness_fell", "effectiveness_recorded_at",
]  # fmt: skip


def record_effectiveness(*, today: datetime.date | None = None) -> checks.CheckResult:
    today = today or timezone.localdate()
    # Closed on or before today − N (local dates): closed_at before the start of the day after that.
    last_day = today - datetime.timedelta(days=EFFECTIVENESS_DAYS)
    cutoff = timezone.make_aware(
        datetime.datetime.combine(last_day + datetime.timedelta(days=1), datetime.time())
    )
    due = RootCauseAnalysis.objects.filter(
        status=RCA.CLOSED, effectiveness_recorded_at__isnull=True, closed_at__lt=cutoff
    )
    ids = list(due.order_by("pk").values_list("pk", flat=True))
    now = timezone.now()

    def handle(rcas: list[RootCauseAnalysis]) -> tuple[int, int]:
        measure(rcas)
        for rca in rcas:
            rca.effectiveness_recorded_at = now
        RootCauseAnalysis.objects.bulk_update(rcas, FIGURES)
        audit.record_many(
            [
                {
                    "actor": None,
                    "verb": "rca.effectiveness_recorded",
                    "obj": rca,
                    "after": {name: getattr(rca, name) for name in FIGURES[:-1]},
                }
                for rca in rcas
            ],
            returning=False,
        )
        _tell_not_fallen([rca for rca in rcas if not rca.effectiveness_fell])
        return len(rcas), sum(1 for rca in rcas if not rca.effectiveness_fell)

    results = checks.in_locked_batches(due.select_related("process", "owner"), ids, handle, size=BATCH_SIZE)
    recorded = sum(r[0] for r in results)
    flagged = sum(r[1] for r in results)
    return checks.CheckResult(
        summary=f"effectiveness recorded on {checks.plural(recorded, 'RCA')}, {flagged} did not lower the rate",
        counts={"recorded": recorded, "not_fallen": flagged},
    )


def _tell_not_fallen(rcas: list[RootCauseAnalysis]) -> None:
    by_owner = defaultdict(list)
    for rca in rcas:
        if rca.owner is not None:
            by_owner[rca.owner].append(rca)
    notify_many(
        (
            owner,
            f"{checks.plural(len(mine), 'closed root-cause analysis', 'closed root-cause analyses')}: "
            "negative feedback did not fall",
            "After closing, the negative-feedback rate did not fall on: "
            + ", ".join(f"RCA {rca.pk} ({rca.process.name})" for rca in mine)
            + ". Look again at the root cause and the corrective actions.",
            f"/feedback/rcas/{mine[0].pk}/" if len(mine) == 1 else "/feedback/rcas/?status=closed",
        )
        for owner, mine in by_owner.items()
    )
