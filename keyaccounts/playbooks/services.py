"""Writes of playbooks (issue 20, item 1): publish a new version of a tier's playbook; mark a play done or
skip it. Each in a transaction with its audit event; bad input is a `ValidationFailed` naming the field,
nothing written."""

import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from intimacy_ops import access, audit, errors, lifecycle
from intimacy_ops.accounts.roles import Role
from keyaccounts.models import Play, Playbook, PlayDue

# Who a play may name: the people who run an account day to day.
PLAY_ROLES = [Role.ACCOUNT_MANAGER, Role.OPERATIONS_LEAD, Role.PROCESS_OWNER, Role.DATA_STEWARD]
MAX_PLAYS = 50
MAX_DAYS = 3660
MAX_NOTE = 4000


def play_problems(plays: list[dict]) -> dict[str, list[str]]:
    """What is wrong with a version's plays, as `plays` errors ("play 2: …")."""
    found: list[str] = []
    if not plays:
        found.append("A playbook needs at least one play.")
    if len(plays) > MAX_PLAYS:
        found.append(f"At most {MAX_PLAYS} plays.")
    for n, play in enumerate(plays, start=1):
        title = (play.get("title") or "").strip()
        if not title:
            found.append(f"Play {n}: give it a title.")
        elif len(title) > 200:
            found.append(f"Play {n}: a title has at most 200 characters.")
        if play.get("trigger") not in Play.Trigger.values:
            found.append(f"Play {n}: choose a trigger ({', '.join(Play.Trigger.values)}).")
        every = play.get("every_days")
        if play.get("trigger") == Play.Trigger.CADENCE:
            if not isinstance(every, int) or not 1 <= every <= MAX_DAYS:
                found.append(f"Play {n}: a cadence play says every how many days (1–{MAX_DAYS}).")
        elif every not in (None, ""):
            found.append(f"Play {n}: only a cadence play has `every_days`.")
        if play.get("role") not in [role.value for role in PLAY_ROLES]:
            found.append(f"Play {n}: choose who does it ({', '.join(role.value for role in PLAY_ROLES)}).")
        days = play.get("days_to_do")
        if not isinstance(days, int) or not 0 <= days <= MAX_DAYS:
            found.append(f"Play {n}: say in how many days it should be done (0–{MAX_DAYS}).")
    return {"plays": found} if found else {}


def publish_version(
    *, actor, segment, effective_on: datetime.date, plays: list[dict], note: str = ""
) -> Playbook:
    """A new version of the tier's playbook, in force from `effective_on` (today or later); older kept."""
    access.require(actor, "create", Playbook)
    found = play_problems(plays)
    if effective_on < timezone.localdate():
        found["effective_on"] = ["Choose today or a later day: a version applies from its effective date."]
    if len(note or "") > MAX_NOTE:
        found["note"] = [f"At most {MAX_NOTE} characters."]
    if found:
        raise errors.ValidationFailed(found)
    with transaction.atomic():
        # The tier's row serialises two editors: each gets its own version number.
        type(segment).objects.select_for_update().get(pk=segment.pk)
        latest = Playbook.objects.filter(segment=segment).aggregate(n=Max("version"))["n"] or 0
        playbook = Playbook.objects.create(
            segment=segment,
            version=latest + 1,
            effective_on=effective_on,
            note=(note or "").strip(),
            created_by=actor,
            created_at=timezone.now(),
        )
        Play.objects.bulk_create(
            [
                Play(
                    playbook=playbook,
                    position=n,
                    title=play["title"].strip(),
                    what=(play.get("what") or "").strip(),
                    trigger=play["trigger"],
                    every_days=play.get("every_days") if play["trigger"] == Play.Trigger.CADENCE else None,
                    role=play["role"],
                    days_to_do=play["days_to_do"],
                )
                for n, play in enumerate(plays, start=1)
            ]
        )
        audit.record(
            actor=actor,
            verb="playbook.published",
            obj=playbook,
            after={
                "segment": segment.pk,
                "version": playbook.version,
                "effective_on": effective_on.isoformat(),
                "plays": [play["title"].strip() for play in plays],
            },
            comment=playbook.note,
        )
    return playbook


def _close(*, actor, play_due: PlayDue, action: str, note: str) -> PlayDue:
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise errors.ValidationFailed({"note": [f"At most {MAX_NOTE} characters."]})
    if action == "skip" and not note:
        raise errors.ValidationFailed({"note": ["Say why the play is skipped."]})
    with transaction.atomic():
        play_due = (
            PlayDue.objects.select_for_update(of=("self",))
            .select_related("customer", "play__playbook__segment")
            .get(pk=play_due.pk)
        )
        lifecycle.check(play_due, action, actor=actor)  # 409 / 403 before anything changes
        play_due.done_by, play_due.note = actor, note
        lifecycle.apply(play_due, action, actor=actor, comment=note, scoped=False)
    return play_due


def mark_done(*, actor, play_due: PlayDue, note: str = "") -> PlayDue:
    """The play was done (a note of what happened is welcome)."""
    return _close(actor=actor, play_due=play_due, action="done", note=note)


def skip(*, actor, play_due: PlayDue, note: str) -> PlayDue:
    """The play will not be done this time (the note says why)."""
    return _close(actor=actor, play_due=play_due, action="skip", note=note)
