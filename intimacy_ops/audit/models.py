"""The audit event: one row per business act, append-only, sealed into a keyed hash chain after commit.

An event is written *unsealed* (no `seq`, `prev_hash`, `hash`, `key_id`) inside the business transaction;
the sealer (intimacy_ops/audit/sealing.py) fills those four fields once, right after commit. Nothing else
may change a row: the model refuses in code, the admin is read-only, and on PostgreSQL a trigger refuses
every UPDATE and DELETE except that one sealing step (NULL → value, the seal fields only).
"""

import datetime
import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

GENESIS_HASH = "0" * 64
SEAL_FIELDS = ("seq", "prev_hash", "hash", "key_id")


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
    # The seal: NULL until the sealer chains the event, then never changed again.
    seq = models.BigIntegerField(
        null=True, blank=True, unique=True, help_text="Position in the chain (1, 2, …)."
    )
    # NULL, not "", while unsealed: the unique constraints must let many unsealed events coexist.
    prev_hash = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    key_id = models.CharField(  # noqa: DJ001
        max_length=16, null=True, blank=True, help_text="Which AUDIT_KEY sealed it (not the key itself)."
    )

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        app_label = "intimacy_ops"
        ordering = ["-id"]
        constraints = [
            # A predecessor has exactly one successor: a forked chain fails loudly instead of silently.
            models.UniqueConstraint(fields=["prev_hash"], name="audit_event_single_successor"),
        ]
        indexes = [
            # What the sealer looks for: few rows, found without scanning the trail.
            models.Index(fields=["id"], condition=models.Q(seq__isnull=True), name="audit_event_unsealed"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username or 'system'} {self.verb} {self.object_type}#{self.object_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Audit events are append-only: they cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit events are append-only: they cannot be deleted.")

    @property
    def sealed(self) -> bool:
        return self.seq is not None

    def content(self) -> dict:
        """The fields the hash covers, in a form that survives a database round trip."""
        return event_content(self)


# The columns an event's content is made of (event_content below): written by record/record_many, read back
# by the sealer to hash. One list, so the two can never disagree.
CONTENT_FIELDS = (
    "at",
    "actor_id",
    "actor_username",
    "verb",
    "object_type",
    "object_id",
    "object_repr",
    "before",
    "after",
    "comment",
    "request_id",
    "ip",
)


def event_content(event) -> dict:
    """`content()` for any object with the event's fields (a historical model in a migration too)."""
    return {
        "at": event.at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
        "actor": event.actor_id,
        "actor_username": event.actor_username,
        "verb": event.verb,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "before": normalise(event.before),
        "after": normalise(event.after),
        "comment": event.comment,
        "request_id": event.request_id,
        "ip": event.ip,
    }


def normalise(value):
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder)) if value is not None else None
