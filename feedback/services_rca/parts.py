"""The parts of an RCA: the five whys (add, edit, reorder, remove), corrective actions (add, move through their
table, evidence) and the loop closures (who was told, when, how). Each act locks the RCA, needs it active
(409 otherwise) and the access rule of who runs it (an action's owner also moves their action)."""

import datetime

from django.db import transaction
from django.utils import timezone

from feedback.models import CorrectiveAction, LoopClosure, RootCauseAnalysis, WhyStep
from feedback.services_rca.acts import locked, require_active
from intimacy_ops import access, audit, errors, lifecycle

MAX_WHYS = 5
TEXT_LIMIT = 4000


def _text(fields: dict, name: str, *, required: bool) -> str:
    value = (fields.get(name) or "").strip()
    if required and not value:
        fields_errors = {name: ["This field is required."]}
        raise errors.ValidationFailed(fields_errors)
    if len(value) > TEXT_LIMIT:
        raise errors.ValidationFailed({name: [f"At most {TEXT_LIMIT} characters."]})
    return value


def _working(rca: RootCauseAnalysis, actor, doing: str) -> RootCauseAnalysis:
    rca = locked(rca)
    require_active(rca, doing)
    access.require(actor, "change", rca)
    return rca


# --- the five whys -----------------------------------------------------------------------------------------


def add_why(*, rca: RootCauseAnalysis, actor, question: str, answer: str = "") -> WhyStep:
    data = {"question": question, "answer": answer}
    question, answer = _text(data, "question", required=True), _text(data, "answer", required=False)
    with transaction.atomic():
        rca = _working(rca, actor, "add a why")
        positions = list(WhyStep.objects.filter(rca=rca).values_list("position", flat=True))
        if len(positions) >= MAX_WHYS:
            raise errors.ValidationFailed({"question": [f"An analysis has at most {MAX_WHYS} whys."]})
        why = WhyStep.objects.create(
            rca=rca, position=max(positions, default=0) + 1, question=question, answer=answer
        )
        audit.record(
            actor=actor, verb="rca.why_added", obj=rca, after={"position": why.position, "question": question}
        )
    return why


def edit_why(*, why: WhyStep, actor, question: str, answer: str) -> WhyStep:
    data = {"question": question, "answer": answer}
    question, answer = _text(data, "question", required=True), _text(data, "answer", required=False)
    with transaction.atomic():
        rca = _working(why.rca, actor, "edit a why")
        why = WhyStep.objects.get(pk=why.pk, rca=rca)
        before = {"question": why.question, "answer": why.answer}
        why.question, why.answer = question, answer
        why.save(update_fields=["question", "answer", "updated_at"])
        audit.record(
            actor=actor, verb="rca.why_edited", obj=rca, before=before,
            after={"position": why.position, "question": question, "answer": answer},
        )  # fmt: skip
    return why


def _renumber(rca: RootCauseAnalysis, ordered: list[int]) -> None:
    """Positions 1..n in `ordered`'s order, through free positions first (the unique constraint holds)."""
    whys = {w.pk: w for w in WhyStep.objects.filter(rca=rca)}
    for why in whys.values():
        why.position += 1000
    WhyStep.objects.bulk_update(whys.values(), ["position"])
    for position, pk in enumerate(ordered, start=1):
        whys[pk].position = position
    WhyStep.objects.bulk_update(whys.values(), ["position"])


def reorder_whys(*, rca: RootCauseAnalysis, actor, order: list[int]) -> None:
    """`order`: every why of the RCA by id, in its new order (400 `order` otherwise)."""
    with transaction.atomic():
        rca = _working(rca, actor, "reorder the whys")
        current = list(WhyStep.objects.filter(rca=rca).values_list("pk", flat=True))
        if sorted(order) != sorted(current) or len(set(order)) != len(order):
            raise errors.ValidationFailed(
                {"order": ["Give every why of this analysis once, in the new order."]}
            )
        _renumber(rca, order)
        audit.record(actor=actor, verb="rca.whys_reordered", obj=rca, after={"order": order})


def move_why(*, why: WhyStep, actor, by: int) -> None:
    """Move a why one place up (`by=-1`) or down (`by=1`); at the end already: nothing changes."""
    ordered = list(WhyStep.objects.filter(rca=why.rca_id).order_by("position").values_list("pk", flat=True))
    index = ordered.index(why.pk)
    target = index + by
    if 0 <= target < len(ordered):
        ordered[index], ordered[target] = ordered[target], ordered[index]
    reorder_whys(rca=why.rca, actor=actor, order=ordered)


def remove_why(*, why: WhyStep, actor) -> None:
    with transaction.atomic():
        rca = _working(why.rca, actor, "remove a why")
        WhyStep.objects.filter(pk=why.pk, rca=rca).delete()
        rest = list(WhyStep.objects.filter(rca=rca).order_by("position").values_list("pk", flat=True))
        _renumber(rca, rest)
        audit.record(actor=actor, verb="rca.why_removed", obj=rca, before={"question": why.question})


# --- corrective actions ------------------------------------------------------------------------------------


def add_action(
    *, rca: RootCauseAnalysis, actor, description: str, owner, due_on: datetime.date
) -> CorrectiveAction:
    description = _text({"description": description}, "description", required=True)
    if owner is None or not owner.is_active:
        raise errors.ValidationFailed({"owner": ["Choose an active person to own the action."]})
    if due_on is None:
        raise errors.ValidationFailed({"due_on": ["Give a due date."]})
    with transaction.atomic():
        rca = _working(rca, actor, "add a corrective action")
        action = CorrectiveAction.objects.create(rca=rca, description=description, owner=owner, due_on=due_on)
        audit.record(
            actor=actor, verb="corrective_action.added", obj=action,
            after={"rca": rca.pk, "owner": owner.username, "due_on": due_on.isoformat()},
        )  # fmt: skip
    return action


def move_action(*, action: CorrectiveAction, step: str, actor, evidence: str = "") -> CorrectiveAction:
    """`start`, `complete` (with `evidence`: what shows it was done) or `cancel` a corrective action."""
    if step not in lifecycle.table_of(CorrectiveAction).rows:
        raise errors.ValidationFailed({"step": [f"Unknown step {step!r}."]})
    evidence = _text({"evidence": evidence}, "evidence", required=False)
    with transaction.atomic():
        rca = locked(action.rca)
        action = CorrectiveAction.objects.select_for_update().select_related("rca__process").get(pk=action.pk)
        lifecycle.check(action, step, actor=actor, scoped=False)
        require_active(rca, f"{step} a corrective action")
        if step == "complete" and not (evidence or action.evidence):
            raise errors.ValidationFailed({"evidence": ["Say what shows the action was done."]})
        if evidence:
            action.evidence = evidence
            action.save(update_fields=["evidence", "updated_at"])
        lifecycle.apply(action, step, actor=actor, comment=evidence, scoped=False)
    return action


# --- closing the loop --------------------------------------------------------------------------------------


def close_loop(
    *, rca: RootCauseAnalysis, actor, audience: str, who: str, told_on: datetime.date, channel: str,
    customer=None, note: str = "",
) -> LoopClosure:  # fmt: skip
    problems = {}
    if audience not in LoopClosure.Audience.values:
        problems["audience"] = [f"One of: {', '.join(LoopClosure.Audience.values)}."]
    if channel not in LoopClosure.Channel.values:
        problems["channel"] = [f"One of: {', '.join(LoopClosure.Channel.values)}."]
    if not (who or "").strip():
        problems["who"] = ["Say who was told."]
    if told_on is None or told_on > timezone.localdate():
        problems["told_on"] = ["The day they were told: today or earlier."]
    if problems:
        raise errors.ValidationFailed(problems)
    with transaction.atomic():
        rca = locked(rca)
        require_active(rca, "close the loop")
        access.require(actor, "close_loop", rca)
        closure = LoopClosure.objects.create(
            rca=rca, audience=audience, customer=customer, who=who.strip()[:200], told_on=told_on,
            channel=channel, note=(note or "").strip(), recorded_by=actor,
        )  # fmt: skip
        audit.record(
            actor=actor, verb="rca.loop_closed", obj=rca,
            after={"audience": audience, "who": closure.who, "told_on": told_on.isoformat(), "channel": channel},
        )  # fmt: skip
    return closure
