"""Creating exception requests, and the rules every request obeys (issue 6, item 2).

Changing one is `lifecycle.update_request`: a draft changes in place, a decided request may go back for
re-approval (`amend`), so the edit sits beside the acts built on the transitions table.
"""

import datetime
import re
from decimal import Decimal

from django.db import transaction

from exceptions import selectors
from exceptions.models import ExceptionRequest, Process, RiskRating
from exceptions.services.catalog import current_version
from intimacy_ops import access, audit, errors, lifecycle
from intimacy_ops.accounts.models import Region
from segments.models import Customer

# What a requester fills in; status, route, requester and process version are the system's.
FIELDS = (
    "customer",
    "process",
    "title",
    "deviation",
    "deviation_tag",
    "justification",
    "kind",
    "permanent_reason",
    "scope_regions",
    "scope_sites",
    "scope_shifts",
    "estimated_one_off_cost",
    "estimated_monthly_cost",
    "revenue_at_risk",
    "risk_rating",
    "starts_on",
    "expires_on",
    "handling_procedure",
)
REQUIRED = ("customer", "process", "title", "deviation", "justification", "kind", "starts_on")
COSTS = ("estimated_one_off_cost", "estimated_monthly_cost", "revenue_at_risk")
EDITABLE_STATES = {ExceptionRequest.Status.DRAFT, ExceptionRequest.Status.CHANGES_REQUESTED}
# Decided requests: a change to what was decided sends them back for re-approval (lifecycles.py, "amend").
AMENDABLE_STATES = {ExceptionRequest.Status.APPROVED, ExceptionRequest.Status.ACTIVE}
# What the approver decided on: who it is for, what deviates and how far, what it costs and risks, how long.
# Wording (title, justification, handling procedure), revenue at risk and the tag are not material.
MATERIAL_FIELDS = (
    "customer",
    "process",
    "deviation",
    "kind",
    "scope_regions",
    "scope_sites",
    "scope_shifts",
    "estimated_one_off_cost",
    "estimated_monthly_cost",
    "risk_rating",
    "starts_on",
    "expires_on",
)


def snapshot(exception: ExceptionRequest, *, scope_regions: list[Region] | None = None) -> dict:
    """What the audit trail keeps of a request (ids for related rows). `scope_regions`: its regions when the
    caller just wrote them (else they are read)."""
    data = {
        name: getattr(exception, name)
        for name in FIELDS
        if name not in ("customer", "process", "scope_regions")
    }
    data["customer"] = exception.customer_id
    data["process"] = exception.process_id
    data["process_version"] = exception.process_version_id
    if scope_regions is not None:
        data["scope_regions"] = sorted({region.code for region in scope_regions})
    else:
        data["scope_regions"] = (
            sorted(exception.scope_regions.values_list("code", flat=True)) if exception.pk else []
        )
    return data


def validate(actor, values: dict) -> None:
    """Every rule of a request, all problems at once as field errors (400); nothing is written here."""
    problems: dict[str, list[str]] = {}

    def problem(field: str, message: str) -> None:
        problems.setdefault(field, []).append(message)

    for field in REQUIRED:
        value = values.get(field)
        if value is None or (isinstance(value, str) and not value.strip()):
            problem(field, "This field is required.")

    tag = values.get("deviation_tag")
    if tag and not re.fullmatch(r"[-a-z0-9_]{1,50}", tag):
        problem(
            "deviation_tag",
            "Use a short name of lowercase letters, digits and hyphens, e.g. saturday-delivery.",
        )

    kind = values.get("kind")
    if kind and kind not in ExceptionRequest.Kind.values:
        problem("kind", f"Choose one of: {', '.join(ExceptionRequest.Kind.values)}.")
    if values.get("risk_rating") and values["risk_rating"] not in RiskRating.values:
        problem("risk_rating", f"Choose one of: {', '.join(RiskRating.values)}.")

    for field in COSTS:
        value = values.get(field)
        if value is not None and Decimal(value) < 0:
            problem(field, "A cost cannot be negative.")

    customer: Customer | None = values.get("customer")
    # The account manager of a customer of their own region sees it (a customer's scope is its region): only a
    # refusal asks the database which of the two it is.
    if customer is not None and not (
        customer.account_manager_id == actor.pk and customer.region_id in actor.region_ids
    ):
        if not access.visible(actor, Customer).filter(pk=customer.pk).exists():
            problem("customer", "No customer with that id in your regions.")
        else:
            problem(
                "customer",
                f"You do not manage {customer.name}; only their account manager asks for exceptions.",
            )

    starts_on: datetime.date | None = values.get("starts_on")
    expires_on: datetime.date | None = values.get("expires_on")
    if kind == ExceptionRequest.Kind.PERMANENT:
        if expires_on is not None:
            problem(
                "expires_on",
                "A permanent exception has no expiry date; leave it empty or choose another kind.",
            )
        if not (values.get("permanent_reason") or "").strip():
            problem("permanent_reason", "Say why the standard itself cannot change to cover this customer.")
    elif kind:
        if expires_on is None:
            problem("expires_on", "An expiry date is required unless the exception is permanent.")
        elif starts_on is not None and expires_on <= starts_on:
            problem("expires_on", "The expiry date must be after the start date.")
        elif starts_on is not None and customer is not None:
            policy = selectors.routing_threshold(customer)
            if policy is not None and (expires_on - starts_on).days > policy.max_duration_days:
                problem(
                    "expires_on",
                    f"At most {policy.max_duration_days} days from the start in {customer.region.code}; "
                    f"this asks for {(expires_on - starts_on).days}.",
                )

    regions = values.get("scope_regions") or []
    if customer is not None and regions:
        outside = [region.code for region in regions if region.pk not in actor.region_ids]
        if outside:
            problem("scope_regions", f"You do not work in {', '.join(sorted(outside))}.")
    for field in ("scope_sites", "scope_shifts"):
        items = values.get(field)
        if items is not None and (not isinstance(items, list) or not all(isinstance(i, str) for i in items)):
            problem(field, "Give a list of names.")
    if problems:
        raise errors.ValidationFailed(problems)


def _values_of(exception: ExceptionRequest) -> dict:
    values = {name: getattr(exception, name) for name in FIELDS if name != "scope_regions"}
    values["scope_regions"] = list(exception.scope_regions.all())
    return values


def check_stored(exception: ExceptionRequest, actor) -> None:
    """Re-check a saved request against today's rules (a region's maximum may have changed since)."""
    validate(actor, _values_of(exception))


def create_request(*, actor, customer: Customer, process: Process, **values) -> ExceptionRequest:
    """Log a draft request to deviate from a standard process for one customer."""
    access.require(actor, "create", ExceptionRequest)
    unknown = sorted(set(values) - set(FIELDS))
    if unknown:
        raise errors.ValidationFailed({name: ["Unknown field."] for name in unknown})
    values = {"customer": customer, "process": process, **values}
    values.setdefault("risk_rating", RiskRating.LOW)
    validate(actor, values)
    regions: list[Region] = list(values.pop("scope_regions", None) or [])
    with transaction.atomic():
        exception = ExceptionRequest(requested_by=actor, process_version=current_version(process), **values)
        exception.save()
        if regions:  # a new request has none: nothing to read or remove first
            exception.scope_regions.add(*regions)
        audit.record(
            actor=actor,
            verb="exception.created",
            obj=exception,
            after=snapshot(exception, scope_regions=regions),
        )
    return exception


def changed_fields(exception: ExceptionRequest, values: dict) -> list[str]:
    """The names in `values` that differ from the stored request (regions compared as sets)."""
    changed = []
    for name, value in values.items():
        if name == "scope_regions":
            if {region.pk for region in value or []} != set(
                exception.scope_regions.values_list("pk", flat=True)
            ):
                changed.append(name)
        elif name in ("customer", "process"):
            if getattr(value, "pk", value) != getattr(exception, f"{name}_id"):
                changed.append(name)
        elif value != getattr(exception, name):
            changed.append(name)
    return changed


def discard_draft(*, exception: ExceptionRequest, actor) -> str:
    """The requester throws away a draft they will not submit: it is deleted, the audit trail keeps what it was
    (a request past draft is withdrawn instead: 409). Returns its title."""
    with transaction.atomic():
        exception = ExceptionRequest.objects.select_for_update(of=("self",)).get(pk=exception.pk)
        lifecycle.require_state(exception, "discard", {ExceptionRequest.Status.DRAFT})
        access.require(actor, "discard", exception)
        audit.record(
            actor=actor,
            verb="exception.discarded",
            obj=exception,
            before={"status": exception.status, "title": exception.title, "customer": exception.customer_id},
        )
        exception.delete()
    return exception.title
