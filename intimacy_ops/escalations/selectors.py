"""Reads of escalations: what a user may see, with "raised to me" first."""

import datetime

from django.db.models import BooleanField, Case, Count, Q, QuerySet, Value, When
from django.utils import timezone

from intimacy_ops import access
from intimacy_ops.accounts import delegation
from intimacy_ops.accounts.roles import Role
from intimacy_ops.accounts.selectors import someone_holds_q
from intimacy_ops.escalations.models import Escalation


class State:
    OPEN = "open"  # raised, nobody has acknowledged it yet
    ACKNOWLEDGED = "acknowledged"  # taken up, not resolved
    RESOLVED = "resolved"
    ALL = (OPEN, ACKNOWLEDGED, RESOLVED)


STATE_FILTERS = {
    State.OPEN: Q(resolved_at__isnull=True, acknowledged_at__isnull=True),
    State.ACKNOWLEDGED: Q(resolved_at__isnull=True, acknowledged_at__isnull=False),
    State.RESOLVED: Q(resolved_at__isnull=False),
}


def mine_q(user) -> Q:
    """Raised to me: by name (or to the person away I stand in for), or (nobody named) to a role I hold, in one
    of my regions or with no region."""
    roles = [role.value for role in user.roles]
    where = Q(region__isnull=True) | Q(region__in=access.user_region_ids(user))
    # Raised by name to me, or to someone away whose delegate I am (accounts/delegation.py): theirs are mine now.
    named = Q(target_user=user) | Q(target_user__in=[p.pk for p in delegation.principals_for(user)])
    mine = named | (Q(target_user__isnull=True, target_role__in=roles) & where)
    if Role.ADMINISTRATOR in user.roles:
        mine |= Q(target_user__isnull=True, target_role=Role.ADMINISTRATOR)
    return mine


def escalations_for(user) -> QuerySet:
    """The escalations this user may see, each marked `mine`, mine first, then highest level, then oldest."""
    return (
        access.visible(user, Escalation)
        .select_related("content_type", "region", "target_user", "acknowledged_by", "resolved_by")
        .annotate(
            mine=Case(When(mine_q(user), then=Value(True)), default=Value(False), output_field=BooleanField())
        )
        .order_by("-mine", "-level", "raised_at", "id")
    )


def open_for_me(user) -> QuerySet:
    """Unresolved escalations raised to this user (acknowledged or not)."""
    return escalations_for(user).filter(mine_q(user), resolved_at__isnull=True)


# --- the dashboard's panel: open escalations by level and age, and those nobody holds -----------------

# Age lines of the panel, in days since raised (cumulative: "raised at least N days ago").
AGE_LINES = (1, 7, 30)


def unheld_q() -> Q:
    """Raised to a role nobody holds in its region (any region when it has none), nobody named: the
    escalations list's `unheld` filter (`accounts.selectors.someone_holds_q`, one definition for both;
    subqueries run once per query, not once per escalation)."""
    return Q(target_user__isnull=True) & ~Q(target_role="") & ~someone_holds_q("target_role", "region")


def open_in_regions(user, regions):
    """Unresolved escalations the user may see, raised in one of `regions` (None: wherever they may see)."""
    escalations = access.visible(user, Escalation).filter(resolved_at__isnull=True)
    return escalations if regions is None else escalations.filter(region__in=regions)


def raised_on_or_before(days: int, today: datetime.date) -> datetime.date:
    return today - datetime.timedelta(days=days)


def raised_by_end_of(day: datetime.date) -> Q:
    """Raised on `day` or before, in the current time zone (as the list's `raised_before` reads it), compared
    as an instant: the next day's midnight there. Casting every row's `raised_at` to a local date cost the
    dashboard's panel 120 of its 135 ms at 200,000 escalations."""
    zone = timezone.get_current_timezone()
    return Q(
        raised_at__lt=datetime.datetime.combine(
            day + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
        )
    )


def open_by_level(user, *, regions, today=None) -> list[dict]:
    """Per level: open (unresolved) escalations, how many were raised at least 1 / 7 / 30 days ago
    (by the day raised), and how many target nobody holds. One query."""
    today = today or timezone.localdate()
    aged = {
        f"over_{days}": Count("id", filter=raised_by_end_of(raised_on_or_before(days, today)))
        for days in AGE_LINES
    }
    return list(
        open_in_regions(user, regions)
        .values("level")
        .annotate(open=Count("id"), **aged, unheld=Count("id", filter=unheld_q()))
        .order_by("level")
    )


def open_totals(user, *, regions) -> dict:
    """The headline: unresolved escalations and those nobody holds (one query)."""
    return open_in_regions(user, regions).aggregate(open=Count("id"), unheld=Count("id", filter=unheld_q()))


def for_bulk(user, ids: list[int]) -> list:
    """The escalations ticked for one act, among those the user sees, highest level and oldest first (one
    query); one acknowledged meanwhile stays in, for the act to refuse it saying who was quicker."""
    return list(escalations_for(user).filter(pk__in=ids).order_by("-level", "raised_at", "id"))
