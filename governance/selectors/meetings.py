"""Reads of the meetings pages, API and calendars: scoped by `access`, in a constant number of queries."""

import datetime

from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.utils import timezone

from governance.access_rules import boards_of
from governance.models import AgendaItem, Board, CoOptedMember, Meeting, Review
from intimacy_ops import access
from intimacy_ops.accounts.models import User
from intimacy_ops.audit import AuditEvent

FEED_DAYS_BACK = 30
# Audit verbs after which a subscribed calendar should replace its copy of the meeting (iCalendar SEQUENCE).
CALENDAR_CHANGES = ("meeting.updated", "meeting.cancelled", "meeting.agenda_changed")


def agenda_prefetch() -> Prefetch:
    return Prefetch(
        "items",
        queryset=AgendaItem.objects.select_related("review__exception__customer").order_by("position", "id"),
    )


def meetings_for(user) -> QuerySet:
    """The meetings the user may see, with their board and the size of their agenda."""
    return (
        access.visible(user, Meeting)
        .select_related("board")
        .annotate(agenda_count=Count("items", distinct=True))
    )


def upcoming(user) -> QuerySet:
    return meetings_for(user).filter(ends_at__gte=timezone.now()).order_by("starts_at", "id")


def past(user) -> QuerySet:
    return meetings_for(user).filter(ends_at__lt=timezone.now()).order_by("-starts_at", "-id")


def chaired_boards(user) -> QuerySet:
    return Board.objects.filter(chair=user).order_by("name", "id")


def meeting_for_page(user, pk: int) -> Meeting:
    """One meeting the user may see, with everything its page shows (404 outside the scope)."""
    queryset = (
        access.visible(user, Meeting)
        .select_related("board__chair", "created_by")
        .prefetch_related(
            agenda_prefetch(),
            "attendees",
            Prefetch(
                "decisions",
                queryset=Review.objects.select_related("exception__customer", "decided_by").order_by(
                    "closed_at", "id"
                ),
            ),
        )
    )
    return access.get_visible(user, queryset, pk=pk)


def reviews_to_add(meeting: Meeting) -> QuerySet:
    """The board's open reviews not yet on this meeting's agenda, due soonest first."""
    return (
        Review.objects.filter(board_id=meeting.board_id, status=Review.Status.OPEN)
        .exclude(agenda_items__meeting=meeting)
        .select_related("exception__customer")
        .order_by("due_on", "id")
    )


def calendar_versions(meeting_ids) -> dict[int, tuple[int, datetime.datetime | None]]:
    """Per meeting: how often it changed in a way a calendar shows (iCalendar SEQUENCE), and when last."""
    rows = (
        AuditEvent.objects.filter(
            object_type=Meeting._meta.label_lower,
            object_id__in=[str(pk) for pk in meeting_ids],
            verb__in=CALENDAR_CHANGES,
        )
        .order_by()
        .values("object_id")
        .annotate(n=Count("id"), last=Max("at"))
    )
    return {int(row["object_id"]): (row["n"], row["last"]) for row in rows}


def feed_contents(user) -> tuple[list[Meeting], list[Review]]:
    """A user's calendar: their boards' meetings and their open reviews' due dates, 30 days back onwards."""
    since = timezone.now() - datetime.timedelta(days=FEED_DAYS_BACK)
    mine = boards_of(user)
    meetings = list(
        Meeting.objects.filter(board__in=mine, ends_at__gte=since)
        .select_related("board")
        .prefetch_related(agenda_prefetch())
        .order_by("starts_at", "id")
    )
    reviews = list(
        Review.objects.filter(
            Q(board__in=mine), status=Review.Status.OPEN, due_on__gte=timezone.localdate(since)
        )
        .select_related("board", "exception__customer")
        .order_by("due_on", "id")
    )
    return meetings, reviews


def meeting_in_session(review: Review) -> Meeting | None:
    """The meeting a decision on this review is taken in, if any: the latest meeting of its board with the
    review on its agenda that has started, is not cancelled, and ended less than a day ago.

    For the decide service: it sets `Review.meeting` to this, so the meeting page lists the decision.
    """
    now = timezone.now()
    return (
        Meeting.objects.filter(
            board_id=review.board_id,
            items__review=review,
            cancelled_at__isnull=True,
            starts_at__lte=now,
            ends_at__gte=now - datetime.timedelta(days=1),
        )
        .order_by("-starts_at", "-id")
        .first()
    )


def eligible_attendees(meeting: Meeting):
    """Who may be recorded as present: the board's members and chair, and those co-opted to a review on the agenda."""
    board = meeting.board
    co_opted = CoOptedMember.objects.filter(review__agenda_items__meeting=meeting).values("member_id")
    return (
        User.objects.filter(is_active=True)
        .filter(Q(boards=board) | Q(pk=board.chair_id) | Q(pk__in=co_opted))
        .distinct()
        .order_by("first_name", "last_name", "username")
    )
