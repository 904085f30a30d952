"""Similar requests → a standard option (issue 6, item 8).

"Similar" means: the same process and the same `deviation_tag` (a short slug the requester gives, e.g.
`saturday-delivery`). A tag is explainable and stable; a text similarity of `deviation` would be neither
(two wordings of one deviation would miss, two different deviations in similar words would match).
Untagged requests never count. When the number of *distinct customers* holding active exceptions of
one process with one tag reaches the process's `standard_option_customers`, the owner is told once: a
`StandardOptionSignal` row (unique per process and tag) is the marker, so concurrent or repeated runs
tell them once. Checked whenever an exception becomes active, and by the periodic check.
"""

from django.db import IntegrityError, transaction
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


def signal_standard_options(*, process_id: int | None = None, deviation_tag: str | None = None) -> int:
    """Tell each process owner, once per (process, tag), that enough customers hold alike exceptions."""
    if deviation_tag == "":
        return 0
    groups = crossing_groups(process_id=process_id, deviation_tag=deviation_tag).filter(
        ~Exists(
            StandardOptionSignal.objects.filter(
                process=OuterRef("process"), deviation_tag=OuterRef("deviation_tag")
            )
        )
    )
    raised = 0
    for group in list(groups):
        process = Process.objects.select_related("owner").get(pk=group["process"])
        try:
            with transaction.atomic():
                StandardOptionSignal.objects.create(
                    process=process,
                    deviation_tag=group["deviation_tag"],
                    customers=group["customers"],
                    raised_at=timezone.now(),
                    notified=process.owner,
                )
                notifications.standard_option_proposed(process, group["deviation_tag"], group["customers"])
        except IntegrityError:
            continue  # another run or activation signalled it first
        raised += 1
    return raised
