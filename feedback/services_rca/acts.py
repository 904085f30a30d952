"""An RCA's own acts: its lifecycle steps (with what closing and cancelling need) and its analysis text.

Every act locks the RCA, checks the state through the lifecycle table first (a step outside the table is a
409 naming what is allowed now, whatever else is wrong), then what the step needs: closing is refused (409
naming what is missing) while a corrective action is open or nobody has been told (no loop closure);
cancelling needs a reason (400 `reason`).
"""

from django.db import transaction

from feedback.lifecycles import ACTIVE
from feedback.models import CorrectiveAction, LoopClosure, RootCauseAnalysis
from intimacy_ops import access, audit, errors, lifecycle

EDITABLE_FIELDS = ("problem", "root_cause", "contributing_factors")


def locked(rca: RootCauseAnalysis) -> RootCauseAnalysis:
    return RootCauseAnalysis.objects.select_for_update(of=("self",)).select_related("process").get(pk=rca.pk)


def missing_to_close(rca: RootCauseAnalysis) -> list[str]:
    """What keeps the RCA from closing, in words (empty: it may close)."""
    missing = []
    open_actions = list(
        CorrectiveAction.objects.filter(rca=rca, status__in=CorrectiveAction.OPEN_STATUSES)
        .order_by("due_on", "pk")
        .values_list("pk", "description")
    )
    if open_actions:
        named = "; ".join(f"#{pk} {text[:60]}" for pk, text in open_actions)
        missing.append(
            f"{len(open_actions)} corrective action{'s are' if len(open_actions) != 1 else ' is'} still open "
            f"({named}): mark {'them' if len(open_actions) != 1 else 'it'} done or cancelled"
        )
    if not LoopClosure.objects.filter(rca=rca).exists():
        missing.append(
            "the loop is not closed: record who was told (account managers or the customer), when and how"
        )
    return missing


def transition(*, rca: RootCauseAnalysis, action: str, actor, reason: str = "") -> RootCauseAnalysis:
    """Move an RCA one step of its table (`start_analysis`, `plan_actions`, `verify`, `close`, `cancel`)."""
    if action not in lifecycle.table_of(RootCauseAnalysis).rows:
        raise errors.ValidationFailed({"action": [f"Unknown step {action!r}."]})
    with transaction.atomic():
        rca = locked(rca)
        lifecycle.check(rca, action, actor=actor, scoped=False)
        comment = ""
        if action == "close":
            missing = missing_to_close(rca)
            if missing:
                raise errors.TransitionNotAllowed(
                    action=action,
                    status=rca.status,
                    allowed_actions=lifecycle.actions_from(rca),
                    reason="Cannot close yet: " + "; ".join(missing) + ".",
                )
        if action == "cancel":
            reason = (reason or "").strip()
            if not reason:
                raise errors.ValidationFailed({"reason": ["Say why the analysis is cancelled."]})
            rca.cancel_reason = reason
            comment = reason
        lifecycle.apply(rca, action, actor=actor, comment=comment, scoped=False)
    return rca


def require_active(rca: RootCauseAnalysis, doing: str) -> None:
    lifecycle.require_state(rca, doing, ACTIVE)


def update_analysis(*, rca: RootCauseAnalysis, actor, **fields) -> RootCauseAnalysis:
    """Edit the problem statement, root cause or contributing factors (who runs the RCA, while it is active)."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise errors.ValidationFailed({name: ["Unknown field."] for name in sorted(unknown)})
    if "problem" in fields and not (fields["problem"] or "").strip():
        raise errors.ValidationFailed({"problem": ["State the problem."]})
    with transaction.atomic():
        rca = locked(rca)
        require_active(rca, "edit")
        access.require(actor, "change", rca)
        before = {name: getattr(rca, name) for name in fields}
        for name, value in fields.items():
            setattr(rca, name, (value or "").strip())
        rca.save(update_fields=[*fields, "updated_at"])
        audit.record(actor=actor, verb="rca.updated", obj=rca, before=before, after=dict(fields))
    return rca


def open_by_hand(*, process, problem: str, actor, owner=None) -> RootCauseAnalysis:
    """Open an RCA by hand (a process owner, a lead, an administrator): owned by the process's owner."""
    access.require(actor, "create", RootCauseAnalysis)
    if not (problem or "").strip():
        raise errors.ValidationFailed({"problem": ["State the problem."]})
    with transaction.atomic():
        rca = RootCauseAnalysis.objects.create(
            process=process,
            owner=owner or process.owner or actor,
            problem=problem.strip(),
            trigger=RootCauseAnalysis.Trigger.MANUAL,
            opened_by=actor,
        )
        audit.record(
            actor=actor, verb="rca.opened", obj=rca, after={"process": process.pk, "trigger": "manual"}
        )
    return rca
