"""What segments declares to the privacy part (found by `intimacy_ops.discovery`, like admin.py).

- Customer is a data subject: `contact_email` is confidential and `personal_notes` restricted; the
  account manager owns a customer; a data steward's grant is guardian's `view_sensitive_customer`
  on the customer (held in `CustomerUserObjectPermission`); `legal_hold` keeps retention off; its
  consent flags; its own section of the subject export.
- The export's segments sections: segment history, service cases (with their waiting intervals), and
  rejected import rows that named the customer.
- Retention kinds: `closed_cases` (anonymize the title, or delete) and `import_rejected_rows`.
"""

from django.db.models import Exists, OuterRef, Q
from django.db.models.fields.json import KeyTextTransform

from intimacy_ops.sensitive import CONFIDENTIAL, RESTRICTED
from privacy import declare
from privacy.retention.kinds import RetentionKind
from privacy.services.subject_export import iso
from segments.models import (
    Customer,
    CustomerUserObjectPermission,
    ImportRejectedRow,
    SegmentChange,
    ServiceCase,
)

CONSENT_FLAGS = {
    # flag → (Customer field, what a person reads)
    "profiling": ("consent_profiling", "profiling"),
    "sentiment": ("consent_sentiment", "sentiment analysis"),
    "surveys": ("consent_surveys", "contact for surveys"),
}

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


# --- the subject export's sections ----------------------------------------------------------------------


def customer_section(customer: Customer) -> dict:
    """The customer record itself, sensitive fields unmasked (the export is a steward's justified act)."""
    customer = Customer.objects.select_related("region", "account_manager", "segment").get(pk=customer.pk)
    data = {name: getattr(customer, name) for name in CUSTOMER_FIELDS}
    data.update(
        {
            "annual_revenue": str(customer.annual_revenue),
            "lifetime_value": str(customer.lifetime_value),
            "created_at": iso(customer.created_at),
            "updated_at": iso(customer.updated_at),
            "region": customer.region.code,
            "account_manager": customer.account_manager.username if customer.account_manager else None,
            "segment": customer.segment.name if customer.segment else None,
        }
    )
    return data


def segment_history(customer: Customer) -> list[dict]:
    changes = SegmentChange.objects.filter(customer=customer).select_related(
        "from_segment", "to_segment", "changed_by"
    )
    return [
        {
            "at": iso(change.at),
            "from": change.from_segment.name if change.from_segment else None,
            "to": change.to_segment.name,
            "cause": change.cause,
            "by": change.changed_by.username if change.changed_by else None,
            "reason": change.reason,
        }
        for change in changes.order_by("at", "id")
    ]


def cases(customer: Customer) -> list[dict]:
    rows = (
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
            "opened_at": iso(case.opened_at),
            "first_response_at": iso(case.first_response_at),
            "resolved_at": iso(case.resolved_at),
            "response_due_at": iso(case.response_due_at),
            "resolution_due_at": iso(case.resolution_due_at),
            "breached": case.breached,
            "anonymized_at": iso(case.anonymized_at),
            "waiting": [
                {"started_at": iso(w.started_at), "ended_at": iso(w.ended_at)} for w in case.waiting.all()
            ],
        }
        for case in rows
    ]


def rejected_rows(customer: Customer) -> list[dict]:
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
            "imported_at": iso(row.run.created_at),
            "line": row.line,
            "data": row.data,
            "errors": row.errors,
        }
        for row in rows
    ]


# --- retention ----------------------------------------------------------------------------------------


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


# --- the declarations -----------------------------------------------------------------------------------

declare.subject(
    Customer,
    key="customer",
    owner_field="account_manager_id",
    fields={"contact_email": CONFIDENTIAL, "personal_notes": RESTRICTED},
    permission="segments.view_sensitive_customer",
    user_permission_model=CustomerUserObjectPermission,
    legal_hold=Q(legal_hold=True),
    consent=CONSENT_FLAGS,
    export=customer_section,
    url_name="segments:customer-detail",
    api_prefix="customers",
)
declare.export_section(Customer, "segment_history", segment_history)
declare.export_section(Customer, "cases", cases, audit_model=ServiceCase)
declare.export_section(Customer, "import_rejected_rows", rejected_rows)

declare.retention_kind(
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
declare.retention_kind(
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
