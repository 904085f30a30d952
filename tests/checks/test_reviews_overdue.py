"""governance.reviews_overdue with a fixed clock: open reviews past their due date are escalated to the board's
chair (then the region's operations leads, then administrators), exactly once; nothing else is."""

import datetime

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType

from governance.checks.reviews_overdue import REVIEW_OVERDUE_LADDER
from governance.models import Review
from intimacy_ops import checks
from intimacy_ops.escalations.models import Escalation
from tests.exceptions.factories import ExceptionRequestFactory, scenario

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 10)
NOON = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=datetime.UTC)


def review(s, *, due_on, customer=None, status=Review.Status.OPEN, **fields) -> Review:
    exception = ExceptionRequestFactory(
        customer=customer or s.acme, process=s.fulfilment, status="under_review"
    )
    return Review.objects.create(
        exception=exception,
        board=s.board,
        due_on=due_on,
        status=status,
        opened_at=NOON - datetime.timedelta(days=20),
        outcome="reject" if status == Review.Status.DECIDED else "",
        **fields,
    )


def run_at(moment) -> checks.CheckResult:
    with time_machine.travel(moment, tick=False):
        return checks.run("governance.reviews_overdue")


def escalated() -> dict[int, Escalation]:
    rows = Escalation.objects.filter(content_type=ContentType.objects.get_for_model(Review))
    return {row.object_id: row for row in rows}


def test_only_open_reviews_past_their_due_date_are_escalated_to_the_chair_once():
    s = scenario()
    overdue = review(s, due_on=TODAY - datetime.timedelta(days=1))
    overdue_amer = review(s, due_on=TODAY - datetime.timedelta(days=5), customer=s.zenith)
    due_today = review(s, due_on=TODAY)
    review(s, due_on=TODAY - datetime.timedelta(days=3), status=Review.Status.DECIDED)
    review(s, due_on=TODAY - datetime.timedelta(days=3), status=Review.Status.WITHDRAWN)

    result = run_at(NOON)

    assert result == "2 overdue reviews escalated"
    assert result.counts == {"escalations_raised": 2}
    rows = escalated()
    assert sorted(rows) == sorted([overdue.pk, overdue_amer.pk])
    escalation = rows[overdue.pk]
    assert (escalation.reason, escalation.level, escalation.target_user) == ("review_overdue", 1, s.carol)
    assert escalation.target_role == "board chair"
    assert escalation.ladder == REVIEW_OVERDUE_LADDER
    assert [rung["role"] for rung in escalation.ladder] == ["board chair", "operations lead", "administrator"]
    assert escalation.region == s.emea
    # The chair is sent to the review itself, where the board's votes and decision are.
    assert escalation.subject_link == f"/governance/reviews/{overdue.pk}/"
    assert escalation.subject_label == f"Review {overdue.pk}: {overdue.exception.title}"
    assert rows[overdue_amer.pk].region == s.amer  # the request's customer's region: AMER's leads next
    # A second run changes nothing; the review due today crosses its line tomorrow.
    assert run_at(NOON) == "0 overdue reviews escalated"
    assert due_today.pk not in escalated()
    assert run_at(NOON + datetime.timedelta(days=1)) == "1 overdue review escalated"
    assert len(escalated()) == 3


def test_a_review_decided_after_its_escalation_is_not_escalated_again():
    s = scenario()
    late = review(s, due_on=TODAY - datetime.timedelta(days=2))
    run_at(NOON)
    Review.objects.filter(pk=late.pk).update(status=Review.Status.DECIDED, outcome="approve")

    assert run_at(NOON + datetime.timedelta(days=1)) == "0 overdue reviews escalated"
    assert Escalation.objects.count() == 1
