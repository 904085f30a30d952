"""A data subject's right of access: everything held about one customer, as one JSON document.

Only a data steward exports, for a stated purpose; sensitive fields are included unmasked (the
steward's justified act), so the export is audited and written to the access log (channel
"export", purpose "subject access request: …").
"""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from intimacy_ops import access, audit, errors, sensitive
from intimacy_ops.audit import AuditEvent
from segments.models import AccessLogEntry, Customer, ImportRejectedRow, SegmentChange, ServiceCase

MIN_PURPOSE = 10
PURPOSE_PREFIX = "subject access request: "
CUSTOMER_FIELDS = (
    "id",
    "source",
    "external_id",
    "name",
    "annual_revenue",
    "strategic_value",
    "support_complexity",
    "lifetime_value",
    "segment_locked",
    "segment_lock_reason",
    "consent_profiling",
    "consent_sentiment",
    "consent_surveys",
    "legal_hold",
    "contact_email",
    "personal_notes",
    "created_at",
    "updated_at",
)
SECTIONS = ("customer", "segment_history", "cases", "import_rejected_rows", "audit_events", "access_log")


def _iso(value):
    return value.isoformat() if value is not None else None


def _customer(customer: Customer) -> dict:
    data = {name: getattr(customer, name) for name in CUSTOMER_FIELDS}
    data.update(
        {
            "annual_revenue": str(customer.annual_revenue),
            "lifetime_value": str(customer.lifetime_value),
            "created_at": _iso(customer.created_at),
            "updated_at": _iso(customer.updated_at),
            "region": customer.region.code,
            "account_manager": customer.account_manager.username if customer.account_manager else None,
            "segment": customer.segment.name if customer.segment else None,
        }
    )
    return data


def _history(customer: Customer) -> list[dict]:
    changes = SegmentChange.objects.filter(customer=customer).select_related(
        "from_segment", "to_segment", "changed_by"
    )
    return [
        {
            "at": _iso(change.at),
            "from": change.from_segment.name if change.from_segment else None,
            "to": change.to_segment.name,
            "cause": change.cause,
            "by": change.changed_by.username if change.changed_by else None,
            "reason": change.reason,
        }
        for change in changes.order_by("at", "id")
    ]


def _cases(customer: Customer) -> list[dict]:
    cases = (
        ServiceCase.objects.filter(customer=customer).prefetch_related("waiting").order_by("opened_at", "id")
    )
    return [
        {
            "id": case.pk,
            "source": case.source,
            "external_id": case.external_id,
            "title": case.title,
            "priority": case.priority,
            "queue": case.queue,
            "opened_at": _iso(case.opened_at),
            "first_response_at": _iso(case.first_response_at),
            "resolved_at": _iso(case.resolved_at),
            "response_due_at": _iso(case.response_due_at),
            "resolution_due_at": _iso(case.resolution_due_at),
            "breached": case.breached,
            "anonymized_at": _iso(case.anonymized_at),
            "waiting": [
                {"started_at": _iso(w.started_at), "ended_at": _iso(w.ended_at)} for w in case.waiting.all()
            ],
        }
        for case in cases
    ]


def _rejected_rows(customer: Customer) -> list[dict]:
    """Rows of import files that named this customer and were rejected (kept for correction)."""
    mentions = Q(data__source=customer.source, data__external_id=customer.external_id) | Q(
        data__customer_source=customer.source, data__customer_external_id=customer.external_id
    )
    rows = (
        ImportRejectedRow.objects.filter(mentions).select_related("run").order_by("run__created_at", "line")
    )
    return [
        {
            "import": row.run_id,
            "kind": row.run.kind,
            "filename": row.run.filename,
            "imported_at": _iso(row.run.created_at),
            "line": row.line,
            "data": row.data,
            "errors": row.errors,
        }
        for row in rows
    ]


def _audit_events(customer: Customer, case_ids: list[int]) -> list[dict]:
    about = Q(object_type="segments.customer", object_id=str(customer.pk)) | Q(
        object_type="segments.servicecase", object_id__in=[str(pk) for pk in case_ids]
    )
    return [
        {
            "at": _iso(event.at),
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


def _access_log(customer: Customer) -> list[dict]:
    """Who looked at the customer's sensitive fields, when, and why."""
    entries = AccessLogEntry.objects.filter(customer=customer).select_related("user").order_by("at", "id")
    return [
        {
            "at": _iso(entry.at),
            "user": entry.user.username,
            "fields": entry.fields,
            "purpose": entry.purpose,
            "channel": entry.channel,
        }
        for entry in entries
    ]


def export_subject(*, actor, customer: Customer, purpose: str) -> dict:
    """Everything held about one customer, for a data steward answering a subject access request."""
    access.require(actor, "subject_export", customer)
    purpose = (purpose or "").strip()
    if len(purpose) < MIN_PURPOSE:
        raise errors.ValidationFailed(
            {"purpose": [f"Say which request this answers (at least {MIN_PURPOSE} characters)."]}
        )
    customer = Customer.objects.select_related("region", "account_manager", "segment").get(pk=customer.pk)
    cases = _cases(customer)
    document = {
        "exported_at": _iso(timezone.now()),
        "exported_by": actor.get_username(),
        "purpose": purpose,
        "customer": _customer(customer),
        "segment_history": _history(customer),
        "cases": cases,
        "import_rejected_rows": _rejected_rows(customer),
        "audit_events": _audit_events(customer, [case["id"] for case in cases]),
        "access_log": _access_log(customer),
    }
    shown = [name for name in sensitive.sensitive_fields(customer) if getattr(customer, name)]
    with transaction.atomic():
        _record(actor, customer, document, shown, purpose)
    return document


def _record(actor, customer: Customer, document: dict, shown: list[str], purpose: str) -> None:
    audit.record(
        actor=actor,
        verb="customer.subject_exported",
        obj=customer,
        after={section: len(document[section]) for section in SECTIONS if section != "customer"}
        | {"sensitive_fields": shown},
        comment=purpose,
    )
    _log_access(actor, customer, sensitive.sensitive_fields(customer), PURPOSE_PREFIX + purpose)


def _log_access(actor, customer: Customer, fields: list[str], purpose: str) -> None:
    """One access-log row: the steward saw these fields of this customer, for this purpose."""
    with sensitive.recording(channel=sensitive.EXPORT) as seen:
        for name in fields:
            seen.note(actor, customer, name, purpose[:200])
