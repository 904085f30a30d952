"""Demo meetings of the demo board (CONTRACT.md, "Demo data"): one upcoming, with the board's open reviews
on its agenda, and one held two weeks ago, with attendance and minutes. Idempotent."""

import datetime

from django.utils import timezone

from governance.demo.board import BOARD_NAME
from governance.models import Board, Meeting, Review
from governance.services import meetings as services
from intimacy_ops import audit, seeding

UPCOMING_TITLE = "Change board: monthly review"
PAST_TITLE = "Change board: last month's review"
PAST_MINUTES = (
    "Present: Carol (chair), Dan, Erin. Quorum reached.\n"
    "1. Open reviews: the members walked through each request's impact assessment; "
    "the owners will update the capacity figures before the next meeting.\n"
    "2. Threshold policies: Erin proposed watching express-carrier exceptions in AMER; "
    "a policy will be drafted.\n"
    "Next meeting: in four weeks."
)


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


@seeding.register(name="change-control board meetings", order=57)
def seed_meetings() -> str:
    board = Board.objects.filter(name=BOARD_NAME).select_related("chair").first()
    if board is None:
        return "no demo board: no meetings"
    carol = board.chair
    done = []
    if not Meeting.objects.filter(board=board, title=UPCOMING_TITLE).exists():
        day = timezone.localdate() + datetime.timedelta(days=7)
        meeting = services.schedule_meeting(
            board=board,
            actor=carol,
            title=UPCOMING_TITLE,
            starts_at=_at(day, 14),
            ends_at=_at(day, 15),
            location="Room Lisbon, 3rd floor, and the board's video call",
        )
        for review in Review.objects.filter(board=board, status=Review.Status.OPEN).order_by("due_on", "id"):
            services.add_to_agenda(meeting=meeting, review=review, actor=carol)
        done.append(f"upcoming meeting with {meeting.items.count()} review(s) on its agenda")
    if not Meeting.objects.filter(board=board, title=PAST_TITLE).exists():
        # A meeting in the past cannot be scheduled through the service (it refuses the past): the demo
        # writes what the chair would have recorded back then, and says so in the audit trail.
        day = timezone.localdate() - datetime.timedelta(days=14)
        meeting = Meeting.objects.create(
            board=board,
            title=PAST_TITLE,
            starts_at=_at(day, 14),
            ends_at=_at(day, 15),
            location="Room Lisbon, 3rd floor",
            created_by=carol,
            minutes=PAST_MINUTES,
        )
        meeting.attendees.set(board.members.all())
        audit.record(
            actor=None,
            verb="meeting.scheduled",
            obj=meeting,
            after={"board": board.name, "title": meeting.title, "starts_at": meeting.starts_at},
            comment="demo data: a meeting held two weeks ago, with attendance and minutes",
        )
        done.append("past meeting with attendance and minutes")
    return "; ".join(done) if done else "meetings already there"
