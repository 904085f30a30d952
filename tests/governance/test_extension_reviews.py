"""Extensions beyond the region's maximum duration go to the board: a review naming the extension opens on the
board covering the process and region (its members are told); the chair's decision approves or refuses the
extension through exceptions' service; no board covering it → 409 and nothing kept."""

import datetime

import pytest
from django.utils import timezone

from exceptions.models import ExtensionRequest
from exceptions.services import extensions
from governance import services
from governance.models import Review
from intimacy_ops import errors
from intimacy_ops.notifications.models import Notification
from tests.exceptions.factories import ExceptionRequestFactory, scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def s():
    return scenario()


def _active(s, customer=None):
    today = timezone.localdate()
    return ExceptionRequestFactory(
        customer=customer or s.acme,
        process=s.fulfilment,
        status="active",
        route="lead",
        starts_on=today - datetime.timedelta(days=100),
        expires_on=today + datetime.timedelta(days=30),
    )


def _ask(s, exception, days_after_start, actor=None):
    return extensions.request_extension(
        actor=actor or s.alice,
        exception=exception,
        new_expires_on=exception.starts_on + datetime.timedelta(days=days_after_start),
        reason="The customer's new site opens in autumn.",
    )


def test_within_the_maximum_the_regions_leads_are_asked_and_no_review_opens(s):
    exception = _active(s)
    extension = _ask(s, exception, 300)
    assert not extension.needs_board and not Review.objects.exists()
    assert (
        Notification.objects.filter(recipient=s.oscar, subject__startswith="Extension waiting").count() == 1
    )


def test_beyond_the_maximum_a_review_of_the_extension_opens_and_the_board_is_told(s):
    exception = _active(s)
    extension = _ask(s, exception, 400)
    review = Review.objects.get(status="open")
    assert (review.exception, review.extension, review.board) == (exception, extension, s.board)
    for member in (s.carol, s.dan, s.erin):
        assert Notification.objects.filter(
            recipient=member, subject__startswith="Extension waiting for"
        ).exists()
    assert not Notification.objects.filter(recipient=s.oscar).exists()


@pytest.mark.parametrize(
    "outcome, status",
    [("approve", "approved"), ("approve_with_conditions", "approved"), ("reject", "rejected")],
)
def test_the_boards_decision_settles_the_extension(s, outcome, status):
    exception = _active(s)
    extension = _ask(s, exception, 400)
    review = Review.objects.get(extension=extension)
    for member in (s.dan, s.erin):
        services.cast_vote(
            review=review,
            member=member,
            choice="approve" if status == "approved" else "reject",
            rationale="Ok.",
        )
    services.decide_review(
        review=review, actor=s.carol, outcome=outcome, rationale="Discussed.", conditions="Monthly report."
    )
    extension.refresh_from_db(), exception.refresh_from_db(), review.refresh_from_db()
    assert (review.status, extension.status, extension.decided_by) == ("decided", status, s.carol)
    assert exception.status == "active"  # the exception itself is not re-decided
    expected = (
        extension.new_expires_on
        if status == "approved"
        else exception.starts_on + datetime.timedelta(days=130)
    )
    assert exception.expires_on == expected
    assert Notification.objects.filter(recipient=s.alice, subject__startswith="Extension").count() == 1


def test_an_extension_review_cannot_be_returned_for_changes(s):
    extension = _ask(s, _active(s), 400)
    review = Review.objects.get(extension=extension)
    with pytest.raises(errors.ValidationFailed):
        services.decide_review(review=review, actor=s.carol, outcome="return_for_changes", rationale="Hm.")
    review.refresh_from_db()
    assert review.status == "open"


def test_no_board_covering_the_extension_is_a_409_and_nothing_is_kept(s):
    s.board.regions.set([s.amer])
    with pytest.raises(errors.Conflict):
        _ask(s, _active(s), 400)
    assert not ExtensionRequest.objects.exists() and not Review.objects.exists()
