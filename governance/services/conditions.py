"""The conditions of an approval, followed up (issue 17, item 2): the owner (or the board's chair) marks one
met, saying how; the board's people hear; an open escalation of it is resolved. Reminders and escalations of
overdue conditions are the check's (governance/checks/conditions.py)."""

from django.db import transaction
from django.utils import timezone

from governance.models_decisions import Condition
from governance.selectors.boards import board_people
from intimacy_ops import access, audit, errors
from intimacy_ops.escalations.models import Escalation
from intimacy_ops.notifications import notify

REASON = "condition_overdue"


def mark_met(*, condition: Condition, actor, note: str = "") -> Condition:
    """403 unless the owner or the chair; 409 when already met."""
    with transaction.atomic():
        condition = (
            Condition.objects.select_for_update(of=("self",))
            .select_related("review__board__chair", "owner")
            .get(pk=condition.pk)
        )
        access.require(actor, "mark_met", condition)
        if condition.met_at is not None:
            raise errors.Conflict(
                f"This condition was marked met on {condition.met_at:%d %B %Y}.", problem="already_met"
            )
        condition.met_at, condition.met_by, condition.met_note = timezone.now(), actor, (note or "").strip()
        condition.save(update_fields=["met_at", "met_by", "met_note"])
        Escalation.objects.filter(
            content_type__app_label="governance",
            content_type__model="condition",
            object_id=condition.pk,
            reason=REASON,
            resolved_at__isnull=True,
        ).update(resolved_at=condition.met_at, resolved_by=actor, resolution="The condition was met.")
        audit.record(
            actor=actor,
            verb="condition.met",
            obj=condition,
            after={"review": condition.review_id, "met_at": condition.met_at},
            comment=condition.met_note,
        )
        review = condition.review
        notify(
            [person for person in board_people(review.board) if person.pk != actor.pk],
            subject=f"Condition met: {condition.description[:120]}",
            body=f"{actor.display_name} marked a condition of “{review.headline}” met. {condition.met_note}".strip(),
            link=review.get_absolute_url(),
        )
    return condition
