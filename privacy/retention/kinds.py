"""The retention kinds: each names a kind of data, how to find its rows past a cutoff, and what may be done.

A kind is declared once, by the app that owns its data, in its `privacy.py` (`privacy.declare.retention_kind`);
a `RetentionPolicy` names a kind and an action. Privacy declares its own, `access_log`; an app
with free-text notes about its members would declare:

    declare.retention_kind(RetentionKind(
        name="member_notes", label="member notes", model=Note,
        older_than=lambda cutoff: Note.objects.filter(written_at__lt=cutoff),
        legal_hold=Q(member__legal_hold=True),
        anonymize={"text": ""}, may_delete=True,
    ))

A kind that anonymizes needs an `anonymized_at` field on its model: anonymized rows are not
matched again, so a second run changes nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Model, Q, QuerySet

from privacy import subjects
from privacy.models import AccessLogEntry, purge


@dataclass(frozen=True)
class RetentionKind:
    name: str
    label: str  # what a person reads: "resolved service cases"
    model: type[Model]
    # cutoff → every row of the kind older than the cutoff (legal holds are excluded by the service)
    older_than: Callable[[object], QuerySet]
    # the rows whose data subject is on legal hold: never anonymized nor deleted
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


# --- the privacy part's own kind: the access log -----------------------------------------------------


def _access_log_on_hold() -> Q:
    """Entries about a subject on legal hold, whatever app declared it (one subquery per subject kind)."""
    held = Q(pk__in=[])
    for subject in subjects.all():
        held |= Q(subject_type=subject.content_type(), subject_id__in=subject.on_hold().values("pk"))
    return held


def _purge_access_log(batch: QuerySet) -> int:
    """The access log is append-only (a trigger on PostgreSQL): retention alone may delete, the way
    `AccessLogEntry.objects.purge_before` does — SET LOCAL intimacy_ops.retention for this transaction."""
    return purge(batch)


register(
    RetentionKind(
        name="access_log",
        label="access-log entries",
        model=AccessLogEntry,
        older_than=lambda cutoff: AccessLogEntry.objects.filter(at__lt=cutoff),
        legal_hold=_access_log_on_hold,
        anonymize=None,  # delete only: the log must keep who looked
        may_delete=True,
        delete=_purge_access_log,
    )
)
