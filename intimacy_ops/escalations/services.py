"""Writes of escalations: raise (what a check calls when it sees a line crossed), climb, acknowledge, resolve.

The ladder (`Escalation.ladder`, the format of SlaPolicy.escalation_ladder) is a list of rungs
`[{"role": "account manager", "after_minutes": 0}, {"role": "operations lead", "after_minutes": 60}, …]`:
- rung 0 is level 1, told when raised (`target_user` if the check names one, else the active holders of its
  role in the escalation's region — every region when it has none); its `after_minutes` is the raising check's.
- rung k (k ≥ 1) is level k+1, reached when still unacknowledged `after_minutes` after it was **raised**
  (cumulative, not per level). `next_level_at` is when the next rung is due; empty at the top, once
  acknowledged or resolved. One climb run moves an escalation up one rung, telling the new targets.
- a rung whose role nobody holds in the region falls through to the next, past the top to the
  administrators (`reach.fall_through`), when raised and when climbing: an escalation always reaches someone.
- an empty ladder: level 1 goes to the operations leads of the region, and never climbs.
"""

import datetime
from types import SimpleNamespace

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from intimacy_ops import audit, checks, errors, lifecycle
from intimacy_ops.accounts.models import Region, User
from intimacy_ops.accounts.roles import Role
from intimacy_ops.accounts.selectors import people_with_role
from intimacy_ops.bulk_insert import insert_rows
from intimacy_ops.escalations import reach, stand_ins
from intimacy_ops.escalations.models import Escalation
from intimacy_ops.notifications import notify_many

CLIMB_BATCH = 200
DEFAULT_ROLE = Role.OPERATIONS_LEAD.value


def due_at(*, raised_at: datetime.datetime, ladder: list[dict], level: int) -> datetime.datetime | None:
    """When an escalation at `level` climbs to the next rung if nobody acknowledges it (None at the top)."""
    if level >= len(ladder):
        return None
    return raised_at + datetime.timedelta(minutes=int(ladder[level]["after_minutes"]))


def targets_of(escalation: Escalation) -> QuerySet:
    """The people its current level is raised to: the named user, else the role's holders in its region."""
    if escalation.target_user_id:
        return User.objects.filter(is_active=True, pk=escalation.target_user_id)
    role = escalation.target_role
    if not role:
        return User.objects.none()
    # Administrators are everyone's last resort, whatever the region.
    region_id = None if role == Role.ADMINISTRATOR else escalation.region_id
    return people_with_role(role, region_id=region_id)


def reason_label(reason: str) -> str:
    """`sla_resolution_breached` → "SLA resolution breached": what a person reads for a check's reason code."""
    words = reason.replace(".", " ").replace("_", " ").split()
    text = " ".join("SLA" if word.lower() == "sla" else word for word in words)
    return text[:1].upper() + text[1:]


def _tell_targets(escalation: Escalation) -> None:
    """An urgent notification to the targets of the current level: what crossed, what to do, where."""
    notify_many(stand_ins.notices([(p, _message(escalation)) for p in targets_of(escalation)]), urgent=True)


def _message(escalation: Escalation) -> dict:
    next_role = (
        escalation.ladder[escalation.level]["role"] if escalation.level < len(escalation.ladder) else ""
    )
    climb = (
        f" Unacknowledged, it goes to the {next_role} at {escalation.next_level_at:%Y-%m-%d %H:%M} UTC."
        if escalation.next_level_at and next_role
        else ""
    )
    body = "\n\n".join(
        part
        for part in [
            escalation.detail,
            f"What to do: open {escalation.subject_label}"
            + (f" ({escalation.subject_link})" if escalation.subject_link else "")
            + " and deal with it; then acknowledge the escalation on /escalations/ so it stops climbing,"
            " and resolve it there with a note once the cause is fixed." + climb,
        ]
        if part
    )
    return {
        "subject": f"Escalation, level {escalation.level}: {reason_label(escalation.reason)} — {escalation.subject_label}",
        "body": body,
        "link": escalation.subject_link or "/escalations/",
    }


def raise_escalation(
    *,
    subject,
    reason: str,
    detail: str = "",
    subject_label: str = "",
    subject_link: str = "",
    region=None,
    ladder: list[dict] | None = None,
    target_user=None,
) -> tuple[Escalation, bool]:
    """Raise an escalation on a subject for a reason, once: returns (escalation, created).

    The open escalation of the same subject and reason is returned as is when one exists (the database's
    partial unique constraint decides between two concurrent callers). Level 1's targets are told at once.
    """
    content_type = ContentType.objects.get_for_model(type(subject))
    open_one = Escalation.objects.filter(
        content_type=content_type, object_id=subject.pk, reason=reason, resolved_at__isnull=True
    )
    existing = open_one.first()
    if existing is not None:
        return existing, False
    now, ladder = timezone.now(), [dict(rung) for rung in (ladder or [])]
    level, role = 1, (ladder[0] if ladder else {}).get("role", "" if target_user else DEFAULT_ROLE)
    if target_user is None:  # a rung nobody holds in the region falls through (reach.py)
        level, role, _ = reach.fall_through(ladder, 1, region.pk if region else None, default=DEFAULT_ROLE)
    try:
        with transaction.atomic():
            escalation = Escalation.objects.create(
                content_type=content_type,
                object_id=subject.pk,
                subject_label=(subject_label or str(subject))[:200],
                subject_link=subject_link,
                reason=reason,
                detail=detail,
                region=region,
                ladder=ladder,
                level=level,
                target_user=target_user,
                target_role=role,
                raised_at=now,
                level_raised_at=now,
                next_level_at=due_at(raised_at=now, ladder=ladder, level=level),
            )
            audit.record(
                actor=None,
                verb="escalation.raised",
                obj=escalation,
                after={"reason": reason, "level": level, "target": _target_text(escalation)},
            )
            _tell_targets(escalation)
    except IntegrityError:
        return open_one.get(), False
    return escalation, True


def raise_escalations(items: list[dict], *, model=None) -> int:
    """`raise_escalation` for a check's batch (each dict holds its arguments), set-based: one query for the
    subjects already escalated for the reason, one insert of the new escalations, one audit batch, one insert
    of their urgent notices (each escalation still its own notice to each target). Call it in the batch's
    transaction, on subjects the caller locked. Returns how many were raised. If another caller raised one
    of them meanwhile (the one-open-per-subject constraint), the batch falls back to one at a time.

    A check that read its rows as plain values names the subjects' `model` and gives each item `object_id`
    (and `region_id`) instead of `subject` (and `region`); `target_user` may then be any object with `pk`,
    `username`, `email` and `is_active`. Nothing is built per row but tuples (`bulk_insert.insert_rows`)."""
    if not items:
        return 0
    model = model or type(items[0]["subject"])
    content_type = ContentType.objects.get_for_model(model)
    subject_ids = [item["object_id"] if "object_id" in item else item["subject"].pk for item in items]
    open_ones = set(
        Escalation.objects.filter(
            content_type=content_type,
            object_id__in=set(subject_ids),
            reason__in={item["reason"] for item in items},
            resolved_at__isnull=True,
        ).values_list("object_id", "reason")
    )
    now, new, held = timezone.now(), [], {}
    for item, object_id in zip(items, subject_ids, strict=True):
        key = (object_id, item["reason"])
        if key in open_ones:
            continue
        open_ones.add(key)
        ladder = [dict(rung) for rung in (item.get("ladder") or [])]
        target_user = item.get("target_user")
        region = item.get("region")
        region_id = item.get("region_id", region.pk if region else None)
        level, role = 1, (ladder[0] if ladder else {}).get("role", "" if target_user else DEFAULT_ROLE)
        if target_user is None:
            level, role, _ = reach.fall_through(ladder, 1, region_id, default=DEFAULT_ROLE, cache=held)
        new.append(
            SimpleNamespace(
                object_id=object_id,
                subject_label=(item.get("subject_label") or str(item["subject"]))[:200],
                subject_link=item.get("subject_link", ""),
                reason=item["reason"],
                detail=item.get("detail", ""),
                region_id=region_id,
                ladder=ladder,
                level=level,
                target_user=target_user,
                target_user_id=target_user.pk if target_user else None,
                target_role=role,
                next_level_at=due_at(raised_at=now, ladder=ladder, level=level),
            )
        )
    if not new:
        return 0
    try:
        with transaction.atomic():
            ids = insert_rows(Escalation, ESCALATION_FIELDS, [_row(e, content_type.pk, now) for e in new])
    except IntegrityError:  # someone raised one of them just now: the exact answer, one at a time
        return sum(raise_escalation(**item)[1] for item in _with_subjects(items, model, subject_ids))
    object_type = Escalation._meta.label_lower
    audit.record_many(
        [
            {
                "actor": None,
                "verb": "escalation.raised",
                "object_type": object_type,
                "object_id": pk,
                "object_repr": f"{e.reason} on {e.subject_label} (level {e.level})",  # Escalation.__str__
                "after": {"reason": e.reason, "level": e.level, "target": _target_text(e)},
            }
            for e, pk in zip(new, ids, strict=True)
        ],
        returning=False,
    )
    targets: dict = {}
    messages = []
    for escalation in new:
        if escalation.target_user_id:
            people = [escalation.target_user] if escalation.target_user.is_active else []
        else:
            key = (escalation.target_role, escalation.region_id)
            if key not in targets:
                targets[key] = list(targets_of(escalation))
            people = targets[key]
        message = _message(escalation)
        messages += [(person, message) for person in people]
    notify_many(stand_ins.notices(messages), urgent=True)  # urgent: each escalation its own notice, at once
    return len(new)


ESCALATION_FIELDS = [
    "content_type_id",
    "object_id",
    "subject_label",
    "subject_link",
    "reason",
    "detail",
    "region_id",
    "level",
    "ladder",
    "target_user_id",
    "target_role",
    "raised_at",
    "level_raised_at",
    "next_level_at",
]


def _row(e: SimpleNamespace, content_type_id: int, now: datetime.datetime) -> tuple:
    return (
        content_type_id,
        e.object_id,
        e.subject_label,
        e.subject_link,
        e.reason,
        e.detail,
        e.region_id,
        e.level,
        e.ladder,
        e.target_user_id,
        e.target_role,
        now,
        now,
        e.next_level_at,
    )


def _with_subjects(items: list[dict], model, subject_ids: list) -> list[dict]:
    """Items given by `object_id` get their subject (and region, target) as instances, for `raise_escalation`."""
    if all("subject" in item for item in items):
        return items
    subjects = model._default_manager.in_bulk(subject_ids)
    regions = Region.objects.in_bulk({item["region_id"] for item in items if item.get("region_id")})
    users = User.objects.in_bulk({item["target_user"].pk for item in items if item.get("target_user")})
    return [
        {
            **{k: v for k, v in item.items() if k not in ("object_id", "region_id", "target_user")},
            "subject": subjects[pk],
            "region": regions.get(item.get("region_id")) if "region_id" in item else item.get("region"),
            "target_user": users.get(item["target_user"].pk) if item.get("target_user") else None,
        }
        for item, pk in zip(items, subject_ids, strict=True)
    ]


def _target_text(escalation) -> str:
    if escalation.target_user_id:
        user = escalation.target_user
        return user.get_username() if hasattr(user, "get_username") else user.username
    return escalation.target_role


def climb_escalations(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Every open, unacknowledged escalation whose next rung is due climbs one rung; its new targets are told.

    One indexed query finds what is due; batches lock their rows with skip_locked, and each row climbs only
    from the level it was selected at, so two runs at once neither wait for each other nor climb twice.
    """
    now = now or timezone.now()
    due = Escalation.objects.filter(
        next_level_at__lte=now, acknowledged_at__isnull=True, resolved_at__isnull=True
    )
    levels = dict(due.order_by("next_level_at", "id").values_list("pk", "level"))

    def climb(batch: list[Escalation]) -> int:
        # (a row whose level moved was climbed by another run since we looked)
        climbing = [escalation for escalation in batch if escalation.level == levels[escalation.pk]]
        _climb_many(climbing, now=now)
        return len(climbing)

    batches = checks.in_locked_batches(
        due.select_related("target_user"), list(levels), climb, size=CLIMB_BATCH
    )
    return {"climbed": sum(batches)}


def _climb_many(batch: list[Escalation], *, now: datetime.datetime) -> None:
    """One rung up for each (locked) escalation of a batch: one UPDATE, one audit batch, one insert of the
    new targets' urgent notices (each escalation still its own notice); at the top, it stops asking."""
    events, climbed, held = [], [], {}
    for escalation in batch:
        before = {"level": escalation.level, "target": _target_text(escalation)}
        if escalation.level >= len(escalation.ladder):  # at the top already: nothing above
            escalation.next_level_at = None
            continue
        escalation.level, escalation.target_role, _ = reach.fall_through(
            escalation.ladder, escalation.level + 1, escalation.region_id, default=DEFAULT_ROLE, cache=held
        )
        escalation.target_user, escalation.level_raised_at = None, now
        escalation.next_level_at = due_at(
            raised_at=escalation.raised_at, ladder=escalation.ladder, level=escalation.level
        )
        climbed.append(escalation)
        events.append(
            {
                "actor": None,
                "verb": "escalation.climbed",
                "obj": escalation,
                "before": before,
                "after": {"level": escalation.level, "target": escalation.target_role},
                "comment": "Nobody acknowledged it in time.",
            }
        )
    Escalation.objects.bulk_update(
        batch, ["level", "target_user", "target_role", "level_raised_at", "next_level_at"]
    )
    audit.record_many(events)
    targets: dict = {}
    messages = []
    for escalation in climbed:
        key = (escalation.target_role, escalation.region_id)
        if key not in targets:
            targets[key] = list(targets_of(escalation))
        message = _message(escalation)
        messages += [(person, message) for person in targets[key]]
    notify_many(stand_ins.notices(messages), urgent=True)


def _lock(escalation: Escalation) -> Escalation:
    return (
        Escalation.objects.select_for_update(of=("self",)).select_related("target_user").get(pk=escalation.pk)
    )


def acknowledge(*, escalation: Escalation, actor, note: str = "") -> Escalation:
    """Someone took it up: the escalation stops climbing (it stays open until resolved)."""
    with transaction.atomic():
        escalation = _lock(escalation)
        lifecycle.check(escalation, "acknowledge", actor=actor)  # 409 saying who was quicker; 403
        escalation.acknowledged_by = actor
        lifecycle.apply(escalation, "acknowledge", actor=actor, comment=note.strip())
    return escalation


def resolve(*, escalation: Escalation, actor, resolution: str) -> Escalation:
    """The cause is dealt with: the escalation closes with what was done (a new one may be raised later)."""
    resolution = (resolution or "").strip()
    if not resolution:
        raise errors.ValidationFailed({"resolution": "Say what was done about it."})
    with transaction.atomic():
        escalation = _lock(escalation)
        lifecycle.check(escalation, "resolve", actor=actor)  # 409 if already resolved; 403
        if not escalation.acknowledged_at:
            escalation.acknowledged_by = actor
        escalation.resolved_by = actor
        escalation.resolution = resolution
        lifecycle.apply(escalation, "resolve", actor=actor, after={"resolution": resolution})
    return escalation
