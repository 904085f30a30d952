"""Writing events: `record` for one business act, `record_many` for a batch (one insert)."""

from django.db import models
from django.utils import timezone

from intimacy_ops.audit.models import CONTENT_FIELDS, AuditEvent, normalise
from intimacy_ops.audit.sealing import request_seal
from intimacy_ops.bulk_insert import insert_rows
from intimacy_ops.middleware import current_request


def _event(
    *,
    actor,
    verb: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    before: dict | None = None,
    after: dict | None = None,
    comment: str = "",
    context=None,
    at=None,
) -> AuditEvent:
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    actor = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent(
        at=at or timezone.now(),
        actor=actor,
        actor_username=actor.get_username() if actor else "",
        verb=verb,
        object_type=object_type,
        object_id=str(object_id),
        object_repr=str(obj)[:200] if obj is not None else "",
        before=normalise(before),
        after=normalise(after),
        comment=comment,
        request_id=context.request_id if context else "",
        ip=context.ip if context else None,
    )


def _request_context():
    return current_request.get()


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
    """Append one event to the trail (call it inside the service's transaction; it takes no lock).

    The event is sealed into the chain right after the transaction commits; rolled back, it never was.
    """
    event = _event(
        actor=actor,
        verb=verb,
        obj=obj,
        object_type=object_type,
        object_id=object_id,
        before=before,
        after=after,
        comment=comment,
        context=_request_context(),
    )
    event.save()
    request_seal()
    return event


def record_many(events: list[dict], *, returning: bool = True) -> list[AuditEvent]:
    """Append several events in one insert (a check acting on a batch): each dict holds `record`'s arguments
    (or, instead of `obj`, `object_type`, `object_id` and `object_repr` as plain values). Returns the events
    (with `returning=False`, nothing: a check that only writes them builds no model instances)."""
    if not events:
        return []
    context, now = _request_context(), timezone.now()
    if not returning:
        insert_rows(AuditEvent, ROW_FIELDS, [_row(event, context, now) for event in events])
        request_seal()
        return []
    rows = AuditEvent.objects.bulk_create([_event(**event, context=context, at=now) for event in events])
    request_seal()
    return rows


ROW_FIELDS = list(CONTENT_FIELDS)


def _row(event: dict, context, now) -> tuple:
    """`_event`'s values as a tuple for `insert_rows` (before/after are stored as JSON, as `normalise` keeps them)."""
    obj = event.get("obj")
    actor = event.get("actor")
    actor = actor if getattr(actor, "is_authenticated", False) else None
    if obj is not None:
        object_type = event.get("object_type") or obj._meta.label_lower
        object_id = event.get("object_id") or obj.pk
        object_repr = str(obj)[:200]
    else:
        object_type, object_id = event.get("object_type", ""), event.get("object_id", "")
        object_repr = event.get("object_repr", "")[:200]
    return (
        now,
        actor.pk if actor else None,
        actor.get_username() if actor else "",
        event["verb"],
        object_type,
        str(object_id),
        object_repr,
        event.get("before"),
        event.get("after"),
        event.get("comment", ""),
        context.request_id if context else "",
        context.ip if context else None,
    )
