"""The process catalog: processes and the versions of their standard operating procedure."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from exceptions import hooks
from exceptions.models import Process, ProcessCategory, ProcessVersion
from exceptions.services import standard
from exceptions.services.similar import signal_standard_options
from intimacy_ops import access, audit, errors

EDITABLE = (
    "name",
    "category",
    "owner",
    "description",
    "standard_option_customers",
    "controlled",
    "restandardize_months",
)


def _snapshot(process: Process) -> dict:
    return {
        "name": process.name,
        "category": process.category,
        "owner": process.owner.username if process.owner_id else None,
        "description": process.description,
        "standard_option_customers": process.standard_option_customers,
        "version": process.version,
        "controlled": process.controlled,
        "restandardize_months": process.restandardize_months,
    }


def _check(*, name: str | None = None, category: str | None = None, owner=None) -> None:
    problems = {}
    if name is not None and not name.strip():
        problems["name"] = ["Give the process a name."]
    if category is not None and category not in ProcessCategory.values:
        problems["category"] = [f"Choose one of: {', '.join(ProcessCategory.values)}."]
    if owner is not None and not (may_own := access.allowed(owner, "own", Process)):
        problems["owner"] = [may_own.reason]
    if problems:
        raise errors.ValidationFailed(problems)


def create_process(
    *,
    actor,
    name: str,
    category: str,
    owner=None,
    description: str = "",
    procedure: str,
    standard_options: list | None = None,
    effective_on: datetime.date | None = None,
) -> Process:
    """Add a standard process to the catalog with its first version."""
    access.require(actor, "create", Process)
    owner = owner or (actor if access.allowed(actor, "own", Process) else None)
    _check(name=name, category=category, owner=owner)
    if not (procedure or "").strip():
        raise errors.ValidationFailed({"procedure": ["Describe the standard operating procedure."]})
    try:
        with transaction.atomic():
            process = Process.objects.create(
                name=name.strip(), category=category, owner=owner, description=description, version=1
            )
            ProcessVersion.objects.create(
                process=process,
                number=1,
                procedure=procedure,
                standard_options=list(standard_options or []),
                effective_on=effective_on or timezone.localdate(),
                change_note="First version.",
                published_by=actor,
                published_at=timezone.now(),
            )
            audit.record(actor=actor, verb="process.created", obj=process, after=_snapshot(process))
    except IntegrityError:
        raise errors.ValidationFailed({"name": [f"A process named {name!r} already exists."]}) from None
    return process


def update_process(*, actor, process: Process, **values) -> Process:
    """Change a process's name, category, owner, description or standard-option line (its owner or an administrator)."""
    access.require(actor, "change", process)
    if {"controlled", "restandardize_months"} & set(values):
        access.require(actor, "control", process)
    unknown = sorted(set(values) - set(EDITABLE))
    if unknown:
        raise errors.ValidationFailed({name: ["Unknown field."] for name in unknown})
    _check(name=values.get("name"), category=values.get("category"), owner=values.get("owner"))
    if "standard_option_customers" in values and not 1 <= int(values["standard_option_customers"]) <= 10000:
        raise errors.ValidationFailed(
            {"standard_option_customers": ["Give a number of customers between 1 and 10000."]}
        )
    if "restandardize_months" in values and not 1 <= int(values["restandardize_months"]) <= 60:
        raise errors.ValidationFailed({"restandardize_months": ["Give a number of months between 1 and 60."]})
    try:
        with transaction.atomic():
            process = (
                Process.objects.select_for_update(of=("self",)).select_related("owner").get(pk=process.pk)
            )
            before = _snapshot(process)
            for field, value in values.items():
                setattr(process, field, value)
            process.save()
            audit.record(
                actor=actor, verb="process.changed", obj=process, before=before, after=_snapshot(process)
            )
            if "standard_option_customers" in values:
                # A lowered line may be crossed already: the owner hears now, not at the next check.
                signal_standard_options(process_id=process.pk)
    except IntegrityError:
        raise errors.ValidationFailed(
            {"name": [f"A process named {values.get('name')!r} already exists."]}
        ) from None
    return process


def publish_version(
    *,
    actor,
    process: Process,
    procedure: str,
    standard_options: list | None = None,
    effective_on: datetime.date | None = None,
    change_note: str = "",
    authority: str = "person",
) -> ProcessVersion:
    """Publish the next version of a process's standard; new requests deviate from it.

    Under change control (exceptions/services/standard.py) the version is `pending` instead, and a board
    review is opened: a controlled process's procedure change or removed option, or any retired option some
    customer uses. A version pending already → 409.

    `authority="board"`: governance carries out a change-control board's standardization decision (the
    chair is the actor); the board's decision is the authority, not the chair's role on the process. A
    person publishing in their own right stays bound by the owner-or-administrator rule.
    """
    if authority not in ("person", "board"):
        raise ValueError(authority)
    if authority == "person":
        access.require(actor, "publish_version", process)
    if not (procedure or "").strip():
        raise errors.ValidationFailed({"procedure": ["Describe the standard operating procedure."]})
    options = list(standard_options or [])
    with transaction.atomic():
        process = Process.objects.select_for_update(of=("self",)).get(pk=process.pk)
        standard.refuse_if_pending(process)
        change = standard.assess(process, current_version(process), procedure, options)
        pending = authority == "person" and change.needs_board(process.controlled)
        version = ProcessVersion.objects.create(
            process=process,
            number=standard.next_number(process),
            procedure=procedure,
            standard_options=options,
            effective_on=effective_on or timezone.localdate(),
            change_note=change_note,
            published_by=actor,
            published_at=timezone.now(),
            status=ProcessVersion.Status.PENDING if pending else ProcessVersion.Status.PUBLISHED,
        )
        if pending:
            audit.record(
                actor=actor,
                verb="process.version_proposed",
                obj=process,
                after={
                    "version": version.number,
                    "standard_options": options,
                    "why": change.why(process.controlled),
                },
                comment=change_note,
            )
            hooks.request_version_review(version, change)
            return version
        standard.take_effect(process, version, actor=actor, authority=authority, comment=change_note)
    return version


def current_version(process: Process) -> ProcessVersion:
    return ProcessVersion.objects.get(process_id=process.pk, number=process.version)
