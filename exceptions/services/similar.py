"""Similar requests → a standard option (issue 6, item 8).

"Similar" means: the same process and the same `deviation_tag` (a short slug the requester gives, e.g.
`saturday-delivery`). A tag is explainable and stable; a text similarity of `deviation` would be neither
(two wordings of one deviation would miss, two different deviations in similar words would match).
Untagged requests never count. When the number of *distinct customers* holding active exceptions of
one process with one tag reaches the process's `standard_option_customers`, the owner is told once: a
`StandardOptionSignal` row (unique per process and tag) is the marker, so concurrent or repeated runs
tell them once. Checked whenever an exception becomes active, and by the periodic check (set-based: one
insert of signals, `ON CONFLICT DO NOTHING`, and one of notices, each owner once).
"""

from django.db import connection, transaction
from django.db.models import Count, Exists, F, OuterRef
from django.utils import timezone

from exceptions.models import ExceptionRequest, Process, StandardOptionSignal
from exceptions.services import notifications


def crossing_groups(*, process_id: int | None = None, deviation_tag: str | None = None):
    """(process, tag, customers) groups at or over their process's line: one aggregate query."""
    queryset = ExceptionRequest.objects.filter(status=ExceptionRequest.Status.ACTIVE).exclude(
        deviation_tag=""
    )
    if process_id is not None:
        queryset = queryset.filter(process_id=process_id)
    if deviation_tag is not None:
        queryset = queryset.filter(deviation_tag=deviation_tag)
    return (
        queryset.values("process", "deviation_tag", "process__standard_option_customers")
        .annotate(customers=Count("customer", distinct=True), exceptions=Count("pk"))
        .filter(customers__gte=F("process__standard_option_customers"))
        .order_by("process", "deviation_tag")
    )


def _mark(groups: list[dict], processes: dict) -> list[dict]:
    """One insert of the groups' signals; returns the groups this call signalled (a concurrent run's or an
    activation's signal wins silently: its group is left out, so the owner hears once)."""
    table = StandardOptionSignal._meta.db_table
    now = timezone.now()
    values = [
        (g["process"], g["deviation_tag"], g["customers"], now, processes[g["process"]].owner_id)
        for g in groups
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            # The table is the model's and the placeholders ours: no outside text in the statement.
            f"INSERT INTO {table} (process_id, deviation_tag, customers, raised_at, notified_id) "  # noqa: S608
            f"VALUES {', '.join(['(%s, %s, %s, %s, %s)'] * len(values))} "
            "ON CONFLICT (process_id, deviation_tag) DO NOTHING RETURNING process_id, deviation_tag",
            [value for row in values for value in row],
        )
        signalled = set(cursor.fetchall())
    return [g for g in groups if (g["process"], g["deviation_tag"]) in signalled]


def signal_standard_options(*, process_id: int | None = None, deviation_tag: str | None = None) -> int:
    """Tell each process owner, once per (process, tag), that enough customers hold alike exceptions: one
    insert of signals and one of notices, an owner of several processes hearing once (issue 14, item 3)."""
    if deviation_tag == "":
        return 0
    groups = list(
        crossing_groups(process_id=process_id, deviation_tag=deviation_tag).filter(
            ~Exists(
                StandardOptionSignal.objects.filter(
                    process=OuterRef("process"), deviation_tag=OuterRef("deviation_tag")
                )
            )
        )
    )
    if not groups:
        return 0
    processes = Process.objects.select_related("owner").in_bulk({group["process"] for group in groups})
    with transaction.atomic():
        signalled = _mark(groups, processes)
        notifications.standard_options_proposed(
            [(processes[g["process"]], g["deviation_tag"], g["customers"]) for g in signalled]
        )
    return len(signalled)
