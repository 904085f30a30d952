"""The retention kinds: each names a kind of data, how to find its rows past a cutoff, and what may be done.

A kind is registered once (an app's `AppConfig.ready()`, through `register`); a `RetentionPolicy`
names a kind and an action. Apps above segments add their own kinds the same way — the feedback
app registers `feedback_text` when its model exists:

    retention.kinds.register(RetentionKind(
        name="feedback_text", label="feedback text", model=FeedbackItem,
        older_than=lambda cutoff: FeedbackItem.objects.filter(received_at__lt=cutoff),
        legal_hold=Q(customer__legal_hold=True),
        anonymize={"text": ""}, may_delete=True,
    ))

A kind that anonymizes needs an `anonymized_at` field on its model: anonymized rows are not
matched again, so a second run changes nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.db.models.fields.json import KeyTextTransform

from segments.models import Customer, ImportRejectedRow, ServiceCase


@dataclass(frozen=True)
class RetentionKind:
    name: str
    label: str  # what a person reads: "resolved service cases"
    model: type[Model]
    # cutoff → every row of the kind older than the cutoff (legal holds are excluded by the service)
    older_than: Callable[[object], QuerySet]
    # the rows whose customer is on legal hold: never anonymized nor deleted
    legal_hold: Q | Callable[[], Q]
    # field → value written by one UPDATE; None: this kind may not be anonymized
    anonymize: dict | None = None
    may_delete: bool = False
    # batch → rows deleted; None: `batch.delete()` (a model that refuses deletes brings its own way out)
    delete: Callable[[QuerySet], int] | None = None

    def allows(self, action: str) -> bool:
        return self.may_delete if action == "delete" else self.anonymize is not None

    @property
    def actions(self) -> list[str]:
        return [action for action in ("anonymize", "delete") if self.allows(action)]

    def hold(self) -> Q:
        return self.legal_hold() if callable(self.legal_hold) else self.legal_hold


_kinds: dict[str, RetentionKind] = {}


def register(kind: RetentionKind) -> RetentionKind:
    if kind.anonymize is not None and not any(f.name == "anonymized_at" for f in kind.model._meta.fields):
        raise ValueError(
            f"Retention kind {kind.name!r} anonymizes, so {kind.model.__name__} needs an anonymized_at field."
        )
    _kinds[kind.name] = kind
    return kind


def get(name: str) -> RetentionKind | None:
    return _kinds.get(name)


def registered() -> list[RetentionKind]:
    return sorted(_kinds.values(), key=lambda kind: kind.name)


# --- the kinds of the segments app ---------------------------------------------------------------------

register(
    RetentionKind(
        name="closed_cases",
        label="resolved service cases",
        model=ServiceCase,
        older_than=lambda cutoff: ServiceCase.objects.filter(resolved_at__lt=cutoff),
        legal_hold=Q(customer__legal_hold=True),
        # The title is free text a person typed about the customer; ids, times and SLA state stay for the figures.
        anonymize={"title": ""},
        may_delete=True,
    )
)


def _rejected_row_on_hold() -> Q:
    """A rejected import row names its customer by (source, external_id): a customers row directly,
    a cases row through customer_source / customer_external_id."""
    held = Customer.objects.filter(legal_hold=True)
    as_customer = held.filter(
        source=KeyTextTransform("source", OuterRef("data")),
        external_id=KeyTextTransform("external_id", OuterRef("data")),
    )
    as_case = held.filter(
        source=KeyTextTransform("customer_source", OuterRef("data")),
        external_id=KeyTextTransform("customer_external_id", OuterRef("data")),
    )
    return Q(Exists(as_customer)) | Q(Exists(as_case))


register(
    RetentionKind(
        name="import_rejected_rows",
        label="rejected import rows",
        model=ImportRejectedRow,
        older_than=lambda cutoff: ImportRejectedRow.objects.filter(run__created_at__lt=cutoff),
        legal_hold=_rejected_row_on_hold,
        # The row's data is the file's line: names, e-mail addresses, notes. The errors stay (field → message).
        anonymize={"data": {}},
        may_delete=True,
    )
)


def _purge_access_log(batch: QuerySet) -> int:
    """The access log is append-only (a trigger on PostgreSQL): retention alone may delete, the way
    `AccessLogEntry.objects.purge_before` does — SET LOCAL intimacy_ops.retention for this transaction."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL intimacy_ops.retention = 'on'")
        return QuerySet._raw_delete(batch, batch.db)


def register_access_log() -> RetentionKind | None:
    """Register `access_log` (delete only: the log must keep who looked) if its model is there."""
    if get("access_log") is not None:
        return get("access_log")
    try:
        from segments.models import AccessLogEntry
    except ImportError:  # before the sensitive-data work brought the access log
        return None
    return register(
        RetentionKind(
            name="access_log",
            label="access-log entries",
            model=AccessLogEntry,
            older_than=lambda cutoff: AccessLogEntry.objects.filter(at__lt=cutoff),
            legal_hold=Q(customer__legal_hold=True),
            anonymize=None,
            may_delete=True,
            delete=_purge_access_log,
        )
    )


register_access_log()
