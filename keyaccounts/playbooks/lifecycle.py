"""A play due's lifecycle: due → done | skipped (a person, with a note) | moved (the check, when the customer's
tier or playbook version changes). No transition log: the audit trail keeps it; an open escalation of the play
is resolved when it leaves `due`."""

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from intimacy_ops import lifecycle
from intimacy_ops.escalations.models import Escalation
from intimacy_ops.lifecycle import Row, Who
from keyaccounts.models import PlayDue

PLAY = PlayDue.Status
REASON = "play_overdue"
MARKER = Who(
    "the customer's account manager, a holder of the play's role in its region, an operations lead of the "
    "region or an administrator",
    rule="mark_done",
)


def _enter(play: PlayDue, row: Row, at) -> dict:
    play.status = row.target
    play.done_at = at
    play.save(update_fields=["status", "done_at", "done_by", "note"])
    return {"note": play.note} if play.note else {}


def resolve_escalations(ids: list[int], *, actor=None, how: str) -> int:
    """Close the open escalations of these plays (they are no longer due)."""
    return Escalation.objects.filter(
        content_type=ContentType.objects.get_for_model(PlayDue),
        object_id__in=ids,
        reason=REASON,
        resolved_at__isnull=True,
    ).update(resolved_at=timezone.now(), resolved_by=actor, resolution=how)


def _after(play: PlayDue, row: Row, logged) -> None:
    resolve_escalations([play.pk], actor=play.done_by, how=f"The play was {row.target}.")


def _after_many(plays: list[PlayDue], row: Row, logged) -> None:
    resolve_escalations([play.pk for play in plays], how="The customer moved to another playbook.")


TABLE = lifecycle.register(
    PlayDue,
    rows=[
        Row("done", {PLAY.DUE}, PLAY.DONE, MARKER, "Mark done"),
        Row("skip", {PLAY.DUE}, PLAY.SKIPPED, MARKER, "Skip"),
        Row(
            "move",
            {PLAY.DUE},
            PLAY.MOVED,
            lifecycle.system_only("the plays_due check, when the customer's playbook changes"),
            "Move",
        ),
    ],
    verb="play",
    enter=_enter,
    after=[_after],
    after_many=[_after_many],
    states=[choice.value for choice in PLAY],
    note="Plays are created `due` by the `keyaccounts.plays_due` check; done and skipped plays stay as they are "
    "when the customer moves to another playbook.",
)
