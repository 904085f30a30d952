"""Periodic re-standardization (issue 17, item 5): each controlled process gets one review of its active
exceptions per period (every N months, per process; default 6), on its board's next meeting agenda when one
is scheduled. Run 3 times → one review; a new period → a new one; run through `run_checks`."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from governance.models import AgendaItem, Meeting, Review
from governance.services.restandardization import open_restandardization_reviews, period_start
from governance.standard.models import Restandardization
from intimacy_ops.notifications.models import Notification
from tests.exceptions.factories import scenario
from tests.governance.policy_helpers import active

pytestmark = pytest.mark.django_db


@pytest.fixture
def s():
    s = scenario()
    s.fulfilment.controlled = True
    s.fulfilment.save()
    active(s, customer=s.acme)
    active(s, customer=s.zenith)
    active(s, customer=s.acme, process=s.billing)  # billing is not controlled: no review
    return s


def _run():
    call_command("run_checks", "governance.restandardization", verbosity=0)


def test_run_three_times_one_review_per_controlled_process_and_period(s):
    for _ in range(3):
        _run()

    [review] = Review.objects.filter(kind="restandardization")
    assert review.process == s.fulfilment and review.board == s.board
    assert review.covered.count() == 2
    assert Restandardization.objects.count() == 1
    # The board and the owner heard once.
    assert (
        Notification.objects.filter(recipient=s.olivia, subject__contains="Re-standardization").count() == 1
    )


def test_the_next_period_opens_the_next_review(s):
    with time_machine.travel(datetime.datetime(2027, 2, 1, 9, tzinfo=datetime.UTC)):
        open_restandardization_reviews()
        open_restandardization_reviews()
    with time_machine.travel(datetime.datetime(2027, 7, 1, 9, tzinfo=datetime.UTC)):
        open_restandardization_reviews()

    starts = sorted(Restandardization.objects.values_list("period_start", flat=True))
    assert starts == [datetime.date(2027, 1, 1), datetime.date(2027, 7, 1)]


def test_periods_follow_each_process_s_months():
    assert period_start(datetime.date(2027, 5, 20), 6) == datetime.date(2027, 1, 1)
    assert period_start(datetime.date(2027, 5, 20), 3) == datetime.date(2027, 4, 1)
    assert period_start(datetime.date(2027, 12, 31), 12) == datetime.date(2027, 1, 1)


def test_the_review_goes_on_the_board_s_next_meeting(s):
    now = timezone.now()
    Meeting.objects.create(
        board=s.board,
        title="Past",
        starts_at=now - datetime.timedelta(days=3),
        ends_at=now - datetime.timedelta(days=3, hours=-1),
        created_by=s.carol,
    )
    later = Meeting.objects.create(
        board=s.board,
        title="Later",
        starts_at=now + datetime.timedelta(days=20),
        ends_at=now + datetime.timedelta(days=20, hours=1),
        created_by=s.carol,
    )
    nxt = Meeting.objects.create(
        board=s.board,
        title="Next",
        starts_at=now + datetime.timedelta(days=5),
        ends_at=now + datetime.timedelta(days=5, hours=1),
        created_by=s.carol,
    )

    _run()

    review = Review.objects.get(kind="restandardization")
    assert list(AgendaItem.objects.values_list("meeting_id", "review_id")) == [(nxt.pk, review.pk)]
    assert not later.items.exists()


def test_a_controlled_process_without_active_exceptions_gets_no_review(s):
    s.fulfilment.exception_requests.update(status="expired")

    _run()

    assert not Review.objects.filter(kind="restandardization").exists()
