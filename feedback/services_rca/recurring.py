"""Recurring failures → one root-cause analysis per process and window (issue 16, item 3).

A process's line: `RecurringFailureRule` (negatives, window_days), else DEFAULT_NEGATIVES negative items within
DEFAULT_WINDOW_DAYS days. Negative is `FeedbackItemQuerySet.negative`: an NPS detractor (0–6), a CES of high
effort (1–3), or a negative sentiment that counts (confirmed by a person, or suggested with confidence).

The window is the last `window_days` days up to today. A process already holding a check-opened RCA whose
window overlaps this one is left alone (one RCA per cluster, not one a day); the database's constraint
(`rca_once_per_process_and_window`) and `INSERT … ON CONFLICT DO NOTHING RETURNING` decide between two runs
at once: only what this run inserted is linked, audited and told. Set-based: one count query per distinct
window length, one insert of RCAs, one of their triggering items, one of their regions, one audit batch, one
notice per owner ("3 root-cause analyses opened on your processes").
"""

import datetime

from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

from exceptions.models import Process
from feedback.models import FeedbackItem, RecurringFailureRule, RootCauseAnalysis
from intimacy_ops import audit, checks
from intimacy_ops.bulk_insert import insert_rows
from intimacy_ops.notifications import notify_many

DEFAULT_NEGATIVES = 5
DEFAULT_WINDOW_DAYS = 30
RCA = RootCauseAnalysis.Status


def lines() -> tuple[dict[int, tuple[int, int]], tuple[int, int]]:
    """{process id: (negatives, window days)} of the processes with a rule of their own, and the default."""
    rules = {
        process: (negatives, days)
        for process, negatives, days in RecurringFailureRule.objects.values_list(
            "process_id", "negatives", "window_days"
        )
    }
    return rules, (DEFAULT_NEGATIVES, DEFAULT_WINDOW_DAYS)


def negatives_in(window_start: datetime.date, today: datetime.date):
    return FeedbackItem.objects.negative().filter(
        process__isnull=False, received_on__gte=window_start, received_on__lte=today
    )


def crossing(*, today: datetime.date) -> list[tuple[int, datetime.date, int]]:
    """(process, window start, negative items) of every process over its line without an RCA of this
    cluster yet: one aggregate query per distinct window length."""
    rules, (default_negatives, default_days) = lines()
    found = []
    for days in sorted({days for _, days in rules.values()} | {default_days}):
        start = today - datetime.timedelta(days=days - 1)
        overlapping = RootCauseAnalysis.objects.filter(
            process=OuterRef("process"), trigger=RootCauseAnalysis.Trigger.RECURRING, window_end__gte=start
        )
        counted = negatives_in(start, today).filter(~Exists(overlapping))
        own = [process for process, (_, d) in rules.items() if d == days]
        counted = (
            counted.filter(process__in=own)
            if days != default_days
            else counted.exclude(process__in=[process for process, (_, d) in rules.items() if d != days])
        )
        for process, n in counted.values("process").annotate(n=Count("pk")).values_list("process", "n"):
            if n >= rules.get(process, (default_negatives, default_days))[0]:
                found.append((process, start, n))
    return sorted(found)


def _insert_rcas(rows: list[tuple]) -> dict[int, int]:
    """One insert of RCAs; returns {process: rca id} of those this call inserted (a concurrent run's win)."""
    fields = [
        "process_id", "owner_id", "trigger", "problem", "status", "status_changed_at", "cancel_reason",
        "root_cause", "contributing_factors", "window_start", "window_end", "created_at", "updated_at",
    ]  # fmt: skip
    table = RootCauseAnalysis._meta.db_table
    placeholders = ", ".join(["(" + ", ".join(["%s"] * len(fields)) + ")"] * len(rows))
    with connection.cursor() as cursor:
        cursor.execute(
            # The table and columns are the model's, the placeholders ours: no outside text in the statement.
            f"INSERT INTO {table} ({', '.join(fields)}) VALUES {placeholders} "  # noqa: S608
            "ON CONFLICT (process_id, window_start, window_end) DO NOTHING RETURNING id, process_id",
            [value for row in rows for value in row],
        )
        return {process: pk for pk, process in cursor.fetchall()}


def open_recurring_rcas(*, today: datetime.date | None = None) -> checks.CheckResult:
    today = today or timezone.localdate()
    found = crossing(today=today)
    if not found:
        return checks.CheckResult(summary="no recurring failure", counts={"opened": 0})
    processes = Process.objects.select_related("owner").in_bulk({process for process, _, _ in found})
    now = timezone.now()
    rows = [
        (
            process,
            processes[process].owner_id,
            RootCauseAnalysis.Trigger.RECURRING,
            f"{n} negative feedback items on {processes[process].name} between {start:%Y-%m-%d} and "
            f"{today:%Y-%m-%d}.",
            RCA.OPEN,
            now,
            "",
            "",
            "",
            start,
            today,
            now,
            now,
        )  # fmt: skip
        for process, start, n in found
    ]
    with transaction.atomic():
        opened = _insert_rcas(rows)
        if not opened:
            return checks.CheckResult(summary="no recurring failure", counts={"opened": 0})
        starts = {process: start for process, start, _ in found}
        links, regions = [], set()
        for process, rca in opened.items():
            for item, region in (
                negatives_in(starts[process], today)
                .filter(process=process)
                .values_list("pk", "customer__region_id")
            ):
                links.append((rca, item))
                regions.add((rca, region))
        insert_rows(
            RootCauseAnalysis.triggering_items.through, ["rootcauseanalysis_id", "feedbackitem_id"], links
        )
        insert_rows(RootCauseAnalysis.regions.through, ["rootcauseanalysis_id", "region_id"], sorted(regions))
        audit.record_many(
            [
                {
                    "actor": None,
                    "verb": "rca.opened",
                    "object_type": RootCauseAnalysis._meta.label_lower,
                    "object_id": rca,
                    "object_repr": f"RCA {rca}: recurring failures on {processes[process].name}",
                    "after": {"process": process, "trigger": "recurring", "window_end": today.isoformat()},
                }
                for process, rca in opened.items()
            ],
            returning=False,
        )
        _tell_owners(processes, opened)
    return checks.CheckResult(
        summary=f"{checks.plural(len(opened), 'root-cause analysis', 'root-cause analyses')} opened",
        counts={"opened": len(opened)},
    )


def _tell_owners(processes: dict, opened: dict[int, int]) -> None:
    """One notice per owner, naming every process of theirs that crossed its line in this run."""
    by_owner: dict = {}
    for process in sorted(opened):
        owner = processes[process].owner
        if owner is not None:
            by_owner.setdefault(owner.pk, (owner, []))[1].append(processes[process].name)
    messages = []
    for owner, names in by_owner.values():
        n = len(names)
        messages.append(
            (
                owner,
                f"{n} root-cause analys{'es' if n != 1 else 'is'} opened on your processes",
                "Recurring negative feedback opened a root-cause analysis on: "
                + ", ".join(names)
                + ". Work through the five whys, plan corrective actions and close the loop.",
                "/feedback/rcas/?status=open",
            )
        )
    notify_many(messages)
