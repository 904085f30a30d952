"""The audit trail: an append-only, hash-chained record of every change.

Services call `record(...)` inside their transaction for every business act. Events cannot be
changed or deleted: the model refuses in code, the admin is read-only, and on PostgreSQL a
trigger refuses UPDATE and DELETE on the table. Each event stores the hash of the one before
it, so `python manage.py verify_audit` finds the first row that was altered behind our back.
"""

import datetime
import hashlib
import json
from dataclasses import dataclass

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

GENESIS_HASH = "0" * 64
# Serialises appends on PostgreSQL so two concurrent events cannot both claim the same predecessor.
_CHAIN_LOCK_KEY = 0x1A0D17


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete an audit event."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit events are append-only: they cannot be updated.")

    def delete(self):
        raise AppendOnlyError("Audit events are append-only: they cannot be deleted.")

    _raw_delete = delete


class AuditEvent(models.Model):
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_username = models.CharField(
        max_length=150, blank=True, help_text="Kept as it was when the event happened."
    )
    verb = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=100, db_index=True, help_text="app_label.model")
    object_id = models.CharField(max_length=64, db_index=True)
    object_repr = models.CharField(max_length=200, blank=True)
    before = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    comment = models.TextField(blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        app_label = "intimacy_ops"
        ordering = ["-id"]
        constraints = [
            # A predecessor has exactly one successor: a forked chain fails loudly instead of silently.
            models.UniqueConstraint(fields=["prev_hash"], name="audit_event_single_successor"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username or 'system'} {self.verb} {self.object_type}#{self.object_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Audit events are append-only: they cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit events are append-only: they cannot be deleted.")

    def compute_hash(self) -> str:
        return chain_hash(self.prev_hash, self.content())

    def content(self) -> dict:
        """The fields the hash covers, in a form that survives a database round trip."""
        return {
            "at": self.at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
            "actor": self.actor_id,
            "actor_username": self.actor_username,
            "verb": self.verb,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "object_repr": self.object_repr,
            "before": _normalise(self.before),
            "after": _normalise(self.after),
            "comment": self.comment,
            "request_id": self.request_id,
            "ip": self.ip,
        }


def _normalise(value):
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder)) if value is not None else None


def chain_hash(prev_hash: str, content: dict) -> str:
    payload = json.dumps(content, sort_keys=True, separators=(",", ":"), cls=DjangoJSONEncoder)
    return hashlib.sha256(f"{prev_hash}|{payload}".encode()).hexdigest()


def record(
    *,
    actor,
    verb: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    before: dict | None = None,
    after: dict | None = None,
    comment: str = "",
) -> AuditEvent:
    """Append one event to the trail (call it inside the service's transaction)."""
    from intimacy_ops.middleware import current_request

    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    context = current_request.get()
    actor = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
        last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        event = AuditEvent(
            at=timezone.now(),
            actor=actor,
            actor_username=actor.get_username() if actor else "",
            verb=verb,
            object_type=object_type,
            object_id=str(object_id),
            object_repr=str(obj)[:200] if obj is not None else "",
            before=_normalise(before),
            after=_normalise(after),
            comment=comment,
            request_id=context.request_id if context else "",
            ip=context.ip if context else None,
            prev_hash=last or GENESIS_HASH,
        )
        event.hash = event.compute_hash()
        event.save()
    return event


def record_many(events: list[dict]) -> list[AuditEvent]:
    """Append several events at once (a check acting on a batch): each dict holds `record`'s arguments."""
    with transaction.atomic():
        return [record(**event) for event in events]


@dataclass(frozen=True)
class ChainReport:
    intact: bool
    checked: int
    broken_event_id: int | None = None
    problem: str = ""

    def __str__(self) -> str:
        if self.intact:
            return f"intact: {self.checked} events, every hash and link verified"
        return f"broken at event #{self.broken_event_id}: {self.problem} ({self.checked} events checked before it)"


def verify_chain(batch_size: int = 2000) -> ChainReport:
    """Walk the trail in order and report the first event whose hash or link does not hold."""
    expected_prev = GENESIS_HASH
    checked = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=batch_size):
        if event.prev_hash != expected_prev:
            return ChainReport(
                False,
                checked,
                event.id,
                "its link does not match the previous event's hash (an event was removed or inserted)",
            )
        if event.compute_hash() != event.hash:
            return ChainReport(
                False, checked, event.id, "its content no longer matches its hash (the row was altered)"
            )
        expected_prev = event.hash
        checked += 1
    return ChainReport(True, checked)
