"""A data subject's right of access: everything held about one subject, as one JSON document.

The document is the subject's own section (declared with the subject), then each app's declared
sections in the order the apps were declared, then the audit events about the subject and the rows
those sections listed, then the access log. Only a data steward exports, for a stated purpose;
sensitive fields are included unmasked (the steward's justified act), so the export is audited and
written to the access log (channel "export", purpose "subject access request: …").
"""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from intimacy_ops import access, audit, errors, sensitive
from intimacy_ops.audit import AuditEvent
from privacy import selectors, subjects

MIN_PURPOSE = 10
PURPOSE_PREFIX = "subject access request: "


def iso(value):
    return value.isoformat() if value is not None else None


def _audit_events(subject_obj, related: dict[str, list[int]]) -> list[dict]:
    about = Q(object_type=subject_obj._meta.label_lower, object_id=str(subject_obj.pk))
    for object_type, ids in related.items():
        about |= Q(object_type=object_type, object_id__in=[str(pk) for pk in ids])
    return [
        {
            "at": iso(event.at),
            "actor": event.actor_username or None,
            "verb": event.verb,
            "object_type": event.object_type,
            "object_id": event.object_id,
            "before": event.before,
            "after": event.after,
            "comment": event.comment,
        }
        for event in AuditEvent.objects.filter(about).order_by("id")
    ]


def _access_log(subject_obj) -> list[dict]:
    """Who looked at the subject's sensitive fields, when, and why."""
    return [
        {
            "at": iso(entry.at),
            "user": entry.user.username,
            "fields": entry.fields,
            "purpose": entry.purpose,
            "channel": entry.channel,
        }
        for entry in selectors.subject_access_log(subject_obj)
    ]


def export_subject(*, actor, subject, purpose: str) -> dict:
    """Everything held about one data subject, for a data steward answering a subject access request."""
    declaration = subjects.of(subject)
    if declaration is None or declaration.export is None:
        raise errors.ValidationFailed({"subject": ["Nothing is declared to export for this record."]})
    access.require(actor, "subject_export", subject)
    purpose = (purpose or "").strip()
    if len(purpose) < MIN_PURPOSE:
        raise errors.ValidationFailed(
            {"purpose": [f"Say which request this answers (at least {MIN_PURPOSE} characters)."]}
        )
    subject = declaration.model._default_manager.get(pk=subject.pk)
    document = {
        "exported_at": iso(timezone.now()),
        "exported_by": actor.get_username(),
        "purpose": purpose,
        declaration.key: declaration.export(subject),
    }
    related: dict[str, list[int]] = {}
    for section in subjects.sections(subject):
        rows = section.build(subject)
        document[section.name] = rows
        if section.audit_model is not None:
            related.setdefault(section.audit_model._meta.label_lower, []).extend(row["id"] for row in rows)
    document["audit_events"] = _audit_events(subject, related)
    document["access_log"] = _access_log(subject)
    shown = [name for name in sensitive.sensitive_fields(subject) if getattr(subject, name)]
    with transaction.atomic():
        _record(actor, subject, declaration, document, shown, purpose)
    return document


def _record(actor, subject, declaration, document: dict, shown: list[str], purpose: str) -> None:
    skip = {"exported_at", "exported_by", "purpose", declaration.key}
    audit.record(
        actor=actor,
        verb=f"{subject._meta.model_name}.subject_exported",
        obj=subject,
        after={name: len(rows) for name, rows in document.items() if name not in skip}
        | {"sensitive_fields": shown},
        comment=purpose,
    )
    _log_access(actor, subject, sensitive.sensitive_fields(subject), PURPOSE_PREFIX + purpose)


def _log_access(actor, subject, fields: list[str], purpose: str) -> None:
    """One access-log row: the steward saw these fields of this subject, for this purpose."""
    with sensitive.recording(channel=sensitive.EXPORT) as seen:
        for name in fields:
            seen.note(actor, subject, name, purpose[:200])
