"""Delegation (issue 18, item 5): during a person's out-of-office period, their delegate acts for them.

What is handed over: approvals (a lead-routed request's decision), votes on reviews (never a chair's
decision) and escalations raised to the person. The apps' access rules ask one question,
`acting_for(user, may)`: the user may in their own right, else for one of the people they stand in for
(`principals_for`), and the answer carries `on_behalf_of` so the lifecycle engine and the services record
the act "on behalf of <person>". Who may stand in for whom (same role, a region in common) is
`check_delegate`. The kernel names no business model: the apps pass their own predicate.
"""

import datetime
from collections.abc import Callable, Iterable

from django.db import transaction
from django.utils import timezone

from intimacy_ops import access, audit, errors
from intimacy_ops.accounts.models import Delegation, User
from intimacy_ops.accounts.roles import Role

# The chair's decision and an administrator's powers are never handed over.
NOT_HANDED_OVER = {Role.BOARD_CHAIR, Role.ADMINISTRATOR}


def _load(ids: Iterable[int]) -> list[User]:
    return list(User.objects.filter(pk__in=list(ids), is_active=True).prefetch_related("groups", "regions"))


def principals_for(user, at: datetime.datetime | None = None) -> list[User]:
    """The people `user` stands in for at `at` (default now), with their roles and regions loaded.

    Now: read with the user's roles and regions (one query for both, `User._memberships`), the principals
    themselves only when there are some, once per request."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.pk:
        return []
    if at is None:
        cached = user.__dict__.get("_principals")
        if cached is None:
            user._memberships  # noqa: B018 (read once: it sets _covering_ids)
            ids = getattr(user, "_covering_ids", [])
            cached = user.__dict__["_principals"] = _load(ids) if ids else []
        return cached
    ids = Delegation.objects.filter(delegate=user, starts_at__lte=at, ends_at__gt=at).values_list(
        "person_id", flat=True
    )
    return _load(ids)


def acting_for(user, may: Callable[[object], "access.Decision | bool"]) -> access.Decision:
    """`may(user)`, else `may(principal)` for each person the user stands in for now: the first that may,
    as an `access.Decision` whose `on_behalf_of` names them. A refusal is the user's own reason."""
    own = may(user)
    if own:
        return own if isinstance(own, access.Decision) else access.ALLOW
    for principal in principals_for(user):
        if may(principal):
            return access.Decision(True, on_behalf_of=principal)
    return own if isinstance(own, access.Decision) else access.Decision(False, "")


def stand_in(person, at: datetime.datetime | None = None):
    """Who takes `person`'s work at `at` (default now): their delegate while they are away, else themselves."""
    if person is None:
        return None
    ((who, _),) = stand_ins([person], at)
    return who


def stand_ins(people: Iterable, at: datetime.datetime | None = None) -> list[tuple[object, object | None]]:
    """`(who is told, on whose behalf or None)` for each person, in one query: an absent person's delegate."""
    people = list(people)
    ids = {p.pk for p in people if p is not None}
    if not ids:
        return [(p, None) for p in people]
    at = at or timezone.now()
    away = {
        row.person_id: (row.delegate, row.person)
        for row in Delegation.objects.filter(
            person_id__in=sorted(ids), starts_at__lte=at, ends_at__gt=at, delegate__is_active=True
        ).select_related("delegate", "person")
    }
    return [away.get(p.pk, (p, None)) if p is not None else (p, None) for p in people]


def current(person) -> Delegation | None:
    """The person's out-of-office setting (past, running or to come), if any."""
    return Delegation.objects.filter(person=person).select_related("delegate").first()


def handed_over_roles(person) -> set[Role]:
    return set(person.roles) - NOT_HANDED_OVER


def check_delegate(person, delegate) -> str:
    """Why `delegate` may not stand in for `person` ("" when they may): same role, a region in common."""
    if delegate.pk == person.pk:
        return "You cannot be your own delegate: choose a colleague."
    if not delegate.is_active:
        return f"{delegate.display_name} cannot sign in any more: choose another colleague."
    missing = sorted(role.label.lower() for role in handed_over_roles(person) - set(delegate.roles))
    if missing:
        return f"{delegate.display_name} does not hold your role ({', '.join(missing)}): choose a colleague who does."
    if person.region_ids and not person.region_ids & delegate.region_ids:
        codes = ", ".join(region.code for region in person.region_list)
        return f"{delegate.display_name} works in none of your regions ({codes})."
    return ""


def set_out_of_office(*, actor, delegate, starts_at, ends_at) -> Delegation:
    """A person sets their out-of-office period and delegate (replacing any earlier one)."""
    problems = {}
    if delegate is None:
        problems["delegate"] = ["Choose who takes your approvals, votes and escalations."]
    else:
        reason = check_delegate(actor, delegate)
        if reason:
            problems["delegate"] = [reason]
    if starts_at is None:
        problems["starts_at"] = ["Enter when you leave."]
    if ends_at is None:
        problems["ends_at"] = ["Enter when you are back."]
    elif starts_at is not None and ends_at <= starts_at:
        problems["ends_at"] = ["The end must be after the start."]
    elif ends_at <= timezone.now():
        problems["ends_at"] = ["This period is over already: enter an end in the future."]
    if problems:
        raise errors.ValidationFailed(problems)
    with transaction.atomic():
        before = current(actor)
        was = _facts(before) if before else {}
        delegation, _ = Delegation.objects.update_or_create(
            person=actor, defaults={"delegate": delegate, "starts_at": starts_at, "ends_at": ends_at}
        )
        audit.record(
            actor=actor, verb="accounts.out_of_office_set", obj=actor, before=was, after=_facts(delegation)
        )
    return delegation


def clear_out_of_office(*, actor) -> None:
    with transaction.atomic():
        before = current(actor)
        if before is None:
            return
        before.delete()
        audit.record(actor=actor, verb="accounts.out_of_office_cleared", obj=actor, before=_facts(before))


def _facts(delegation: Delegation) -> dict:
    return {
        "delegate": delegation.delegate.username,
        "starts_at": delegation.starts_at.isoformat(),
        "ends_at": delegation.ends_at.isoformat(),
    }


def candidates(person) -> list[User]:
    """Colleagues who may stand in for `person` (the profile form's choices)."""
    people = (
        access.visible(person, User)
        .exclude(pk=person.pk)
        .filter(is_active=True)
        .prefetch_related("groups", "regions")
    )
    return [user for user in people if not check_delegate(person, user)]
