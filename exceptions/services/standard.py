"""Change control over the standard itself (issue 17, item 4): which customers use a standard option, what a
new version changes, and a pending version taking effect (or not) on the board's decision.

- A customer *uses* a standard option when an exception of theirs to the process was folded into it
  (status `standardized`, its deviation tag the option's tag: the text before the option's first colon).
- A new version *needs the board* when the process is controlled and the version changes the procedure or
  removes a standard option, or (controlled or not) when it retires an option some customer uses. It is then
  a `pending` version: the process keeps its current version until the board approves (`put_into_effect`);
  a rejected one (`reject`) never takes effect. Exceptions asks governance through `hooks.request_version_review`.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from exceptions.models import ExceptionRequest, Process, ProcessVersion
from intimacy_ops import audit, errors

PENDING = ProcessVersion.Status.PENDING


def option_tag(option: str) -> str:
    """`saturday-delivery: by courier` → `saturday-delivery`: the deviation tag an option was folded from."""
    return slugify(str(option).split(":", 1)[0])[:50]


def option_customers(process_id: int, options: list[str]) -> dict[str, list[dict]]:
    """For each option, the customers using it (id, name), by name: one query whatever the options."""
    tags = {option: option_tag(option) for option in options}
    rows = (
        ExceptionRequest.objects.filter(
            process_id=process_id,
            status=ExceptionRequest.Status.STANDARDIZED,
            deviation_tag__in={tag for tag in tags.values() if tag},
        )
        .values_list("deviation_tag", "customer_id", "customer__name")
        .distinct()
        .order_by("customer__name", "customer_id")
    )
    by_tag: dict[str, list[dict]] = {}
    for tag, customer_id, name in rows:
        by_tag.setdefault(tag, []).append({"id": customer_id, "name": name})
    return {option: by_tag.get(tag, []) for option, tag in tags.items()}


def option_usage(process_id: int, options: list[str]) -> list[dict]:
    """The process page's options, each with how many customers use it."""
    users = option_customers(process_id, options)
    return [{"option": option, "customers": len(users[option])} for option in options]


@dataclass
class Change:
    """What a new version changes against the current one, and whom a retired option affects."""

    procedure_changed: bool
    removed: list[str]
    affected: dict[str, list[dict]] = field(default_factory=dict)  # retired option → its customers

    @property
    def customers(self) -> list[dict]:
        seen: dict[int, dict] = {}
        for customers in self.affected.values():
            for customer in customers:
                seen.setdefault(customer["id"], customer)
        return sorted(seen.values(), key=lambda customer: (customer["name"], customer["id"]))

    def needs_board(self, controlled: bool) -> bool:
        return bool(self.customers) or (controlled and (self.procedure_changed or bool(self.removed)))

    def why(self, controlled: bool) -> str:
        reasons = []
        if controlled and self.procedure_changed:
            reasons.append("it changes the procedure of a controlled process")
        if self.removed:
            reasons.append(
                "it retires "
                + ", ".join(
                    f"“{option}” ({len(self.affected.get(option, []))} customers)" for option in self.removed
                )
            )
        return "; ".join(reasons)


def assess(process: Process, current: ProcessVersion, procedure: str, options: list[str]) -> Change:
    removed = [option for option in current.standard_options or [] if option not in options]
    users = option_customers(process.pk, removed) if removed else {}
    return Change(
        procedure_changed=" ".join(procedure.split()) != " ".join((current.procedure or "").split()),
        removed=removed,
        affected={option: customers for option, customers in users.items() if customers},
    )


def next_number(process: Process) -> int:
    """Rejected versions keep their numbers: the next one follows the highest ever proposed."""
    highest = ProcessVersion.objects.filter(process=process).aggregate(highest=Max("number"))["highest"]
    return max(highest or 0, process.version) + 1


def refuse_if_pending(process: Process) -> None:
    pending = ProcessVersion.objects.filter(process=process, status=PENDING).first()
    if pending is not None:
        raise errors.Conflict(
            f"Version {pending.number} of {process.name} is pending the board's approval; "
            "wait for its decision before publishing another.",
            problem="version_pending",
        )


def _locked(version: ProcessVersion) -> tuple[ProcessVersion, Process]:
    version = ProcessVersion.objects.select_for_update(of=("self",)).get(pk=version.pk)
    process = Process.objects.select_for_update(of=("self",)).get(pk=version.process_id)
    if version.status != PENDING:
        raise errors.TransitionNotAllowed(action="decide_version", status=version.status, allowed_actions=[])
    return version, process


def put_into_effect(*, version: ProcessVersion, actor, comment: str = "") -> ProcessVersion:
    """The board approved a pending version: it becomes the process's current version (authority: board)."""
    with transaction.atomic():
        version, process = _locked(version)
        version.status = ProcessVersion.Status.PUBLISHED
        version.effective_on = max(version.effective_on, timezone.localdate())
        version.save(update_fields=["status", "effective_on"])
        take_effect(process, version, actor=actor, authority="board", comment=comment)
    return version


def take_effect(process: Process, version: ProcessVersion, *, actor, authority: str, comment: str) -> None:
    """The process follows `version` from now on: one audit event `process.version_published` naming who decided
    (`authority`: the owner's own right, or the board's approval of a controlled process's change)."""
    before = process.version
    process.version = version.number
    process.save(update_fields=["version", "updated_at"])
    audit.record(
        actor=actor,
        verb="process.version_published",
        obj=process,
        before={"version": before},
        after={
            "version": version.number,
            "standard_options": version.standard_options,
            "authority": authority,
        },
        comment=comment,
    )


def reject(*, version: ProcessVersion, actor, comment: str = "") -> ProcessVersion:
    """The board rejected a pending version: it never takes effect; the process keeps its current version."""
    with transaction.atomic():
        version, process = _locked(version)
        version.status = ProcessVersion.Status.REJECTED
        version.save(update_fields=["status"])
        audit.record(
            actor=actor,
            verb="process.version_rejected",
            obj=process,
            after={"version": version.number, "current": process.version, "authority": "board"},
            comment=comment,
        )
    return version
