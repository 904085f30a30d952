"""The demo's decision times (imported by exceptions/demo.py): requests waited days for their decision."""

import datetime

from django.utils import timezone

from exceptions.models import ExceptionRequest, ExceptionTransition
from intimacy_ops import seeding

Status = ExceptionRequest.Status
MINUTE = datetime.timedelta(minutes=1)


@seeding.register(name="decision times: requests waited days, not seconds, for their decision", order=59)
def seed_decision_times() -> str:
    """The demo's requests are submitted and decided within a second of each other (the services run one
    after the other), so "time to decision" read 0.0 d. Spread them as people take them: a lead decides in
    1–5 days, a board in 6–17, each some days before the request starts; the submission (and routing, and
    creation) moves back by that wait. Only requests whose decision still follows its submission within a
    minute are moved: running the seed again moves nothing."""
    decisions = ExceptionTransition.objects.filter(
        to_status__in=(Status.APPROVED, Status.REJECTED, Status.CHANGES_REQUESTED)
    ).select_related("exception")
    moved = 0
    now = timezone.now()
    for decision in decisions:
        exception = decision.exception
        earlier = exception.transitions.filter(at__lt=decision.at, at__gte=decision.at - MINUTE)
        if not earlier.filter(to_status=Status.SUBMITTED).exists():
            continue
        board = exception.route == ExceptionRequest.Route.BOARD
        wait = datetime.timedelta(
            days=(6 + exception.pk % 12) if board else (1 + exception.pk % 5), hours=exception.pk * 7 % 24
        )
        if exception.starts_on and exception.starts_on < timezone.localdate():
            decided = datetime.datetime.combine(
                exception.starts_on - datetime.timedelta(days=3), datetime.time(11), tzinfo=datetime.UTC
            )
        else:
            decided = now - datetime.timedelta(days=exception.pk % 20, hours=2)
        decided = min(decided, decision.at)
        submitted = decided - wait
        earlier.update(at=submitted)
        ExceptionTransition.objects.filter(pk=decision.pk).update(at=decided)
        ExceptionRequest.objects.filter(pk=exception.pk).update(
            created_at=submitted - datetime.timedelta(hours=3)
        )
        moved += 1
    return f"{moved} decision(s) spread over days"
