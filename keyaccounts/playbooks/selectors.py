"""Reads of playbooks and plays due, for pages and the API alike: scoped by `access`, joins up front, a
constant number of queries whatever the rows."""

import datetime

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from intimacy_ops import access
from keyaccounts.models import Play, Playbook, PlaybookFollow, PlaybookMove, PlayDue
from keyaccounts.playbooks import moves
from segments.models import Segment

SHOWN_VERSIONS = 10
SHOWN_PLAYS = 20


def playbooks(user):
    return (
        access.visible(user, Playbook)
        .select_related("segment", "created_by")
        .prefetch_related(Prefetch("plays", queryset=Play.objects.order_by("position")))
    )


def tiers_with_versions(user, today: datetime.date | None = None):
    """The tiers (by rank) each with its versions (newest first, at most SHOWN_VERSIONS), the one in force
    today marked (`current_id`), and whether a newer one waits for its date. Three queries."""
    today = today or timezone.localdate()
    current = moves.current_playbooks(today)
    tiers = list(access.visible(user, Segment).annotate(versions=Count("playbooks")).order_by("rank"))
    books = (
        access.visible(user, Playbook)
        .filter(segment__in=[t.pk for t in tiers])
        .select_related("created_by")
        .annotate(play_count=Count("plays"))
        .order_by("segment_id", "-version")
    )
    by_tier: dict[int, list[Playbook]] = {}
    for book in books:
        by_tier.setdefault(book.segment_id, []).append(book)
    plays: dict[int, list[Play]] = {}
    for play in Play.objects.filter(playbook_id__in=list(current.values())).order_by(
        "playbook_id", "position"
    ):
        plays.setdefault(play.playbook_id, []).append(play)
    for tier in tiers:
        tier.current_id = current.get(tier.pk)
        tier.shown = by_tier.get(tier.pk, [])[:SHOWN_VERSIONS]
        for book in tier.shown:
            book.plays_list = plays.get(book.pk, [])
    return tiers


def latest_version(segment) -> Playbook | None:
    return Playbook.objects.filter(segment=segment).prefetch_related("plays").order_by("-version").first()


def plays_due(user):
    """Plays due the user may see, their customer and play joined (the API and the lists)."""
    return access.visible(user, PlayDue).select_related(
        "customer__account_manager", "play__playbook__segment", "done_by"
    )


def due_this_week(user, today: datetime.date | None = None):
    """The account manager's plays still due by the end of the week ahead, overdue first (the home card)."""
    today = today or timezone.localdate()
    return (
        plays_due(user)
        .filter(
            customer__account_manager=user,
            status=PlayDue.Status.DUE,
            due_on__lte=today + datetime.timedelta(days=7),
        )
        .order_by("due_on", "pk")
    )


def customer_card(user, customer, today: datetime.date | None = None) -> dict:
    """The customer page's playbook card: the version followed, open plays (overdue first), the latest done
    ones, the last move's difference. Five queries."""
    today = today or timezone.localdate()
    follow = (
        PlaybookFollow.objects.filter(customer=customer)
        .select_related("playbook__segment", "playbook__created_by")
        .first()
    )
    plays = plays_due(user).filter(customer=customer)
    open_plays = list(plays.filter(status=PlayDue.Status.DUE).order_by("due_on", "pk")[:SHOWN_PLAYS])
    closed = list(plays.filter(~Q(status=PlayDue.Status.DUE)).order_by("-done_at", "-pk")[: SHOWN_PLAYS // 2])
    move = (
        access.visible(user, PlaybookMove)
        .filter(customer=customer)
        .select_related("from_playbook__segment", "to_playbook__segment")
        .first()
    )
    for play in open_plays:
        play.overdue = play.due_on < today
        play.may_mark = bool(access.allowed_in_scope(user, "mark_done", play))
    return {
        "customer": customer,
        "follow": follow,
        "playbook": follow.playbook if follow else None,
        "open_plays": open_plays,
        "closed_plays": closed,
        "move": move,
        "move_text": moves.describe(move.from_playbook, move.to_playbook, len(move.added), len(move.removed))
        if move
        else "",
        "overdue": sum(1 for p in open_plays if p.overdue),
        "today": today,
    }
