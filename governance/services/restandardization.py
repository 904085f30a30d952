"""Periodic re-standardization (issue 17, item 5): every `restandardize_months` months (per process; default 6)
each controlled process's board reviews its active exceptions, once per process and period.

Periods are aligned on the calendar: with 6 months, January–June and July–December. A marker row per
process and period (`Restandardization`, unique on both) is inserted with the review in one savepoint, so
however often and however concurrently the check runs, the database lets one review through. A process with
no active exception has nothing to review that period (no review, no marker: one may open later in it). The
review goes on the agenda of the board's next scheduled meeting when there is one; the board and the
process owner are told, each once per run (`proposals.tell_opened`).
"""

import datetime
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from exceptions.models import ExceptionRequest, Process
from governance.models import AgendaItem, Meeting, Review
from governance.selectors.boards import board_for_process, board_rules
from governance.services import proposals
from governance.services.impact import assess_impact
from governance.standard.models import Restandardization
from intimacy_ops import audit

ACTIVE = ExceptionRequest.Status.ACTIVE


def period_start(today: datetime.date, months: int) -> datetime.date:
    """The first day of the `months`-long period `today` falls in (periods counted from January, year 0)."""
    index = today.year * 12 + today.month - 1
    start = index - index % months
    return datetime.date(start // 12, start % 12 + 1, 1)


@dataclass
class Summary:
    opened: list = field(default_factory=list)
    already: int = 0
    nothing_active: int = 0
    no_board: list = field(default_factory=list)

    def __str__(self) -> str:
        text = f"{len(self.opened)} opened, {self.already} already reviewed this period, "
        text += f"{self.nothing_active} with no active exception"
        return text + (f"; no board covers {', '.join(self.no_board)}" if self.no_board else "")


def _next_meeting(board, now) -> Meeting | None:
    return (
        Meeting.objects.filter(board=board, cancelled_at__isnull=True, starts_at__gt=now)
        .order_by("starts_at", "id")
        .first()
    )


def _open(process: Process, board, start: datetime.date, active: list[int], today) -> Review | None:
    """The review and its marker in one savepoint: None when this period's review exists (the constraint)."""
    months = process.restandardize_months
    try:
        with transaction.atomic():
            review = Review.objects.create(
                kind=Review.Kind.RESTANDARDIZATION,
                process=process,
                board=board,
                subject_key=f"restandardize:{process.pk}:{start.isoformat()}",
                title=f"Re-standardization of {process.name} ({start:%b %Y}, every {months} months)"[:200],
                summary=(
                    f"{process.name} is under change control: every {months} month{'s' if months != 1 else ''} "
                    f"its board reviews the {len(active)} active exception{'s' if len(active) != 1 else ''} to it "
                    "(fold into the standard, sunset, or keep)."
                ),
                impact={"active_exceptions": len(active)},
                due_on=today + datetime.timedelta(days=board.review_days),
                opened_at=timezone.now(),
                rules=board_rules(board),
            )
            Restandardization.objects.create(process=process, period_start=start, review=review)
            review.covered.set(active)
            review.impact = {**assess_impact(review), "active_exceptions": len(active)}
            review.save(update_fields=["impact"])
    except IntegrityError:
        return None
    return review


def _on_agenda(review: Review, meeting: Meeting | None) -> None:
    if meeting is None:
        return
    last = AgendaItem.objects.filter(meeting=meeting).aggregate(last=Max("position"))["last"]
    AgendaItem.objects.create(meeting=meeting, review=review, position=0 if last is None else last + 1)


def open_restandardization_reviews(*, today: datetime.date | None = None) -> Summary:
    """One review per controlled process and period, for its active exceptions. Idempotent; safe at once."""
    today = today or timezone.localdate()
    now = timezone.now()
    summary = Summary()
    processes = list(Process.objects.filter(controlled=True).select_related("owner").order_by("pk"))
    starts = {process.pk: period_start(today, process.restandardize_months) for process in processes}
    done = set(
        Restandardization.objects.filter(process__in=processes).values_list("process_id", "period_start")
    )
    due = [process for process in processes if (process.pk, starts[process.pk]) not in done]
    summary.already = len(processes) - len(due)
    active: dict[int, list[int]] = {}
    for process_id, pk in (
        ExceptionRequest.objects.filter(process__in=due, status=ACTIVE)
        .order_by("pk")
        .values_list("process_id", "pk")
    ):
        active.setdefault(process_id, []).append(pk)
    opened = []
    with transaction.atomic():
        for process in due:
            if not active.get(process.pk):
                summary.nothing_active += 1
                continue
            board = board_for_process(process.category)
            if board is None:
                summary.no_board.append(process.name)
                continue
            review = _open(process, board, starts[process.pk], active[process.pk], today)
            if review is None:
                summary.already += 1
                continue
            meeting = _next_meeting(board, now)
            _on_agenda(review, meeting)
            opened.append((review, board, process, meeting))
        audit.record_many(
            [
                {
                    "actor": None,
                    "verb": "review.opened",
                    "obj": review,
                    "after": {
                        "kind": review.kind,
                        "process": process.pk,
                        "period_start": starts[process.pk],
                        "board": board.name,
                        "meeting": meeting.pk if meeting else None,
                        "covered": active[process.pk],
                    },
                }
                for review, board, process, meeting in opened
            ]
        )
        proposals.tell_opened([(review, board, process.owner) for review, board, process, _ in opened])
    summary.opened = [review for review, *_ in opened]
    return summary
