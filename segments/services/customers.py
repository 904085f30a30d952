"""Writes on customers: create, change figures, lock or unlock their segment."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from intimacy_ops import access, audit, errors
from intimacy_ops.accounts.models import Region, User
from segments.models import Customer, Segment, SegmentChange, ServiceCase
from segments.services import sla
from segments.services.classification import classify_one

EDITABLE = (
    "name",
    "region",
    "account_manager",
    "annual_revenue",
    "strategic_value",
    "support_complexity",
    "lifetime_value",
    "contact_email",
    "personal_notes",
    "consent_profiling",
    "consent_sentiment",
    "consent_surveys",
)
SENSITIVE = ("contact_email", "personal_notes")
CONSENT = ("consent_profiling", "consent_sentiment", "consent_surveys")


def snapshot(customer: Customer) -> dict:
    """What the audit trail keeps of a customer: sensitive values are noted as changed, never copied."""
    data = {
        name: getattr(customer, name)
        for name in EDITABLE
        if name not in SENSITIVE and name not in ("region", "account_manager")
    }
    data["region"] = customer.region.code if customer.region_id else None
    data["account_manager"] = customer.account_manager.username if customer.account_manager_id else None
    data["segment"] = customer.segment_id
    return data


def _check_people(actor, *, region: Region, account_manager: User | None) -> None:
    problems = {}
    if not access.visible(actor, Region).filter(pk=region.pk).exists():
        problems["region"] = [f"You do not work in {region.code}."]
    if account_manager is not None:
        if not (may_manage := access.allowed(account_manager, "manage", Customer)):
            problems["account_manager"] = [may_manage.reason]
        elif not account_manager.regions.filter(pk=region.pk).exists():
            problems["account_manager"] = [f"{account_manager.username} does not work in {region.code}."]
    if problems:
        raise errors.ValidationFailed(problems)


def create_customer(*, actor, source: str = "manual", external_id: str, **values) -> Customer:
    """Add a customer and classify them."""
    access.require(actor, "create", Customer)
    unknown = sorted(set(values) - set(EDITABLE))
    if unknown:
        raise errors.ValidationFailed({name: ["Unknown field."] for name in unknown})
    _check_people(actor, region=values["region"], account_manager=values.get("account_manager"))
    customer = Customer(source=source, external_id=external_id, **values)
    try:
        customer.full_clean(exclude=["segment"])
    except Exception as invalid:  # ValidationError → our 400 naming the fields
        raise errors.ValidationFailed(
            getattr(invalid, "message_dict", {"customer": [str(invalid)]})
        ) from None
    try:
        with transaction.atomic():
            customer.save()
            classify_one(customer=customer)
            audit.record(actor=actor, verb="customer.created", obj=customer, after=snapshot(customer))
    except IntegrityError:
        raise errors.ValidationFailed({"external_id": [f"{source}:{external_id} already exists."]}) from None
    return customer


def update_customer(*, actor, customer: Customer, **values) -> Customer:
    """Change a customer's details or figures; their segment follows the figures unless locked."""
    access.require(actor, "change", customer)
    unknown = sorted(set(values) - set(EDITABLE))
    if unknown:
        raise errors.ValidationFailed({name: ["Unknown field."] for name in unknown})
    with transaction.atomic():
        customer = (
            # Lock the customer row only: PostgreSQL refuses FOR UPDATE on the nullable side of an outer join.
            Customer.objects.select_for_update(of=("self",))
            .select_related("region", "account_manager")
            .get(pk=customer.pk)
        )
        before = snapshot(customer)
        sensitive_changed = [
            name for name in SENSITIVE if name in values and values[name] != getattr(customer, name)
        ]
        if any(name in values and values[name] != getattr(customer, name) for name in CONSENT):
            # Consent has its own rule (privacy.access_rules, for every declared subject): the account manager or a data steward.
            access.require(actor, "change_consent", customer)
        for name, value in values.items():
            setattr(customer, name, value)
        if "region" in values or "account_manager" in values:
            _check_people(actor, region=customer.region, account_manager=customer.account_manager)
        try:
            customer.full_clean(exclude=["segment"], validate_unique=False)
        except Exception as invalid:
            raise errors.ValidationFailed(
                getattr(invalid, "message_dict", {"customer": [str(invalid)]})
            ) from None
        customer.save()
        classify_one(customer=customer)
        after = snapshot(customer)
        if sensitive_changed:
            after["sensitive_fields_changed"] = sensitive_changed
        audit.record(actor=actor, verb="customer.changed", obj=customer, before=before, after=after)
    return customer


def lock_segment(*, actor, customer: Customer, segment: Segment, reason: str) -> Customer:
    """Place a customer in a segment by hand; rules leave them there until unlocked."""
    access.require(actor, "lock_segment", customer)
    if len((reason or "").strip()) < 10:
        raise errors.ValidationFailed(
            {"reason": ["Say why, in at least 10 characters: the lock overrides the rules."]}
        )
    with transaction.atomic():
        customer = Customer.objects.select_for_update().get(pk=customer.pk)
        before = {"segment": customer.segment_id, "locked": customer.segment_locked}
        if customer.segment_id != segment.pk:
            SegmentChange.objects.create(
                customer=customer,
                from_segment_id=customer.segment_id,
                to_segment=segment,
                cause=SegmentChange.Cause.PERSON,
                changed_by=actor,
                reason=reason.strip(),
                at=timezone.now(),
            )
        customer.segment = segment
        customer.segment_locked = True
        customer.segment_locked_by = actor
        customer.segment_lock_reason = reason.strip()
        customer.save(
            update_fields=[
                "segment",
                "segment_locked",
                "segment_locked_by",
                "segment_lock_reason",
                "updated_at",
            ]
        )
        sla.reclock_open_cases(ServiceCase.objects.filter(customer=customer))
        audit.record(
            actor=actor,
            verb="customer.segment_locked",
            obj=customer,
            before=before,
            after={"segment": segment.pk, "locked": True},
            comment=reason.strip(),
        )
    return customer


def unlock_segment(*, actor, customer: Customer, reason: str = "") -> Customer:
    """Hand the customer back to the rules, and classify them at once."""
    access.require(actor, "lock_segment", customer)
    with transaction.atomic():
        customer = Customer.objects.select_for_update().get(pk=customer.pk)
        if not customer.segment_locked:
            raise errors.TransitionNotAllowed(action="unlock", status="unlocked", allowed_actions=["lock"])
        customer.segment_locked = False
        customer.segment_locked_by = None
        customer.segment_lock_reason = ""
        customer.save(
            update_fields=["segment_locked", "segment_locked_by", "segment_lock_reason", "updated_at"]
        )
        classify_one(customer=customer)
        audit.record(
            actor=actor,
            verb="customer.segment_unlocked",
            obj=customer,
            after={"segment": customer.segment_id},
            comment=reason,
        )
    return customer
