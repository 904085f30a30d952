"""What an approved proposal does: standardizing publishes a new process version with the variation as a
standard option and moves the covered exceptions to `standardized`, each in the audit trail; sunsetting
sets their end date, tells their account managers, and the exceptions check ends them on that date (once);
the board's chair revokes one exception at once with a reason."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from exceptions.models import ExceptionRequest, ExceptionTransition, ProcessVersion
from exceptions.services import catalog
from governance.models import Review
from governance.services import outcomes
from governance.services.evaluation import evaluate_threshold_policies
from intimacy_ops import checks, errors
from intimacy_ops.audit import AuditEvent
from intimacy_ops.notifications.models import Notification
from tests.exceptions.factories import scenario
from tests.governance.policy_helpers import active, customers, policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def s():
    return scenario()


def _decided(review: Review, actor, outcome="approve") -> Review:
    """Mark a proposal decided as the chair would (the voting service is another helper's)."""
    review.status, review.outcome, review.rationale = "decided", outcome, "The board agrees."
    review.decided_by, review.closed_at = actor, timezone.now()
    review.save()
    return review


def _standardization(s):
    holders = [s.acme, s.borealis, *customers(s, 1, manager=s.amy)]
    covered = [
        active(s, customer=customer, tag="saturday-delivery", deviation="Deliver on Saturdays.")
        for customer in holders
    ]
    policy("Similar 3", min_similar_customers=3)
    evaluate_threshold_policies()
    return Review.objects.get(kind="standardization"), covered


def test_standardize_publishes_the_variation_and_standardizes_each_covered_exception(s):
    review, covered = _standardization(s)
    ended_meanwhile = covered[2]
    ended_meanwhile.status = "revoked"
    ended_meanwhile.save()
    before = catalog.current_version(s.fulfilment)

    outcomes.carry_out(review=_decided(review, s.carol), actor=s.carol)

    s.fulfilment.refresh_from_db()
    version = ProcessVersion.objects.get(process=s.fulfilment, number=s.fulfilment.version)
    assert version.number == before.number + 1
    assert "saturday-delivery: Deliver on Saturdays." in version.standard_options
    assert version.procedure == before.procedure
    assert version.published_by == s.carol
    assert "Standard option" in version.change_note
    statuses = dict(
        ExceptionRequest.objects.filter(pk__in=[e.pk for e in covered]).values_list("pk", "status")
    )
    assert statuses == {
        covered[0].pk: "standardized",
        covered[1].pk: "standardized",
        ended_meanwhile.pk: "revoked",
    }
    for exception in covered[:2]:
        row = ExceptionTransition.objects.get(exception=exception, action="standardize")
        assert (row.authority, row.actor, row.to_status) == ("board", s.carol, "standardized")
        assert f"v{version.number}" in row.comment
        assert AuditEvent.objects.filter(verb="exception.standardize", object_id=str(exception.pk)).exists()
    published = AuditEvent.objects.get(verb="process.version_published", object_id=str(s.fulfilment.pk))
    assert published.after["authority"] == "board"
    assert AuditEvent.objects.filter(verb="review.carried_out", object_id=str(review.pk)).exists()
    assert Notification.objects.filter(recipient=s.amy, subject__contains="saturday-delivery").exists()


def test_the_boards_decision_carries_out_the_standardization_end_to_end(s, signed_in_api):
    """Through the API, as the board works: two members vote approve, the chair decides approve."""
    review, covered = _standardization(s)
    assert review.impact["similar_active_exceptions"] == 3  # the covered figures, on the review page too
    for member in (s.dan, s.erin):
        voted = signed_in_api(member).post(
            f"/api/v1/reviews/{review.pk}/votes/",
            {"choice": "approve", "rationale": "Common now."},
            format="json",
        )
        assert voted.status_code in (200, 201), voted.content
    decided = signed_in_api(s.carol).post(
        f"/api/v1/reviews/{review.pk}/decide/",
        {"outcome": "approve", "rationale": "Three customers hold it: make it standard."},
        format="json",
    )
    assert decided.status_code == 200, decided.content
    s.fulfilment.refresh_from_db()
    assert s.fulfilment.version == 2
    assert set(
        ExceptionRequest.objects.filter(pk__in=[e.pk for e in covered]).values_list("status", flat=True)
    ) == {"standardized"}
    assert AuditEvent.objects.filter(verb="exception.standardize").count() == 3


def test_the_owner_rule_for_publishing_still_holds_for_people(s):
    with pytest.raises(errors.PermissionDenied):
        catalog.publish_version(actor=s.carol, process=s.fulfilment, procedure="New way.")


def test_only_the_boards_chair_carries_out_and_only_an_approved_proposal(s):
    review, covered = _standardization(s)
    with pytest.raises(errors.TransitionNotAllowed):
        outcomes.carry_out(review=review, actor=s.carol)  # still open
    _decided(review, s.carol, outcome="reject")
    with pytest.raises(errors.TransitionNotAllowed):
        outcomes.carry_out(review=review, actor=s.carol)
    _decided(review, s.carol)
    with pytest.raises(errors.PermissionDenied):
        outcomes.carry_out(review=review, actor=s.dan)
    assert not ExceptionRequest.objects.filter(status="standardized").exists()


def _sunset_proposal(s, **extra):
    old = [
        active(s, customer=s.acme, started_days_ago=400, runs_days=800),
        active(s, customer=s.zenith, started_days_ago=400, runs_days=800),
    ]
    policy("Age", max_age_days=365)
    evaluate_threshold_policies()
    review = Review.objects.get(kind="sunset")
    for name, value in extra.items():
        setattr(review, name, value)
    review.save()
    return review, old


def test_sunset_sets_the_end_date_tells_the_managers_and_the_check_ends_them_on_that_date_once(s):
    today = timezone.localdate()
    review, old = _sunset_proposal(s)
    soon_expiring = active(s, customer=s.borealis, started_days_ago=10, runs_days=20)
    review.covered.add(soon_expiring)

    outcomes.carry_out(review=_decided(review, s.carol), actor=s.carol)

    default = today + datetime.timedelta(days=30)
    dates = dict(
        ExceptionRequest.objects.filter(pk__in=[e.pk for e in [*old, soon_expiring]]).values_list(
            "pk", "sunset_on"
        )
    )
    assert dates == {old[0].pk: default, old[1].pk: default, soon_expiring.pk: soon_expiring.expires_on}
    assert ExceptionRequest.objects.filter(status="active").count() == 3  # not yet
    for manager, exception in ((s.alice, old[0]), (s.bob, old[1])):
        message = Notification.objects.get(recipient=manager, subject__contains=exception.title)
        assert f"{default:%d %B %Y}" in message.subject
    assert AuditEvent.objects.filter(verb="exception.sunset_scheduled").count() == 3

    the_day = datetime.datetime.combine(default, datetime.time(9), tzinfo=datetime.UTC)
    with time_machine.travel(the_day - datetime.timedelta(days=1), tick=False):
        assert checks.run("exceptions.start_and_expiry") == "activated 0, sunset 1, expired 0 exception(s)"
    with time_machine.travel(the_day, tick=False):
        first = checks.run("exceptions.start_and_expiry")
        second = checks.run("exceptions.start_and_expiry")
    assert first == "activated 0, sunset 2, expired 0 exception(s)"
    assert second == "activated 0, sunset 0, expired 0 exception(s)"
    assert set(
        ExceptionRequest.objects.filter(pk__in=[e.pk for e in old]).values_list("status", flat=True)
    ) == {"sunset"}
    assert ExceptionTransition.objects.filter(action="sunset", authority="system").count() == 3


def test_sunset_uses_the_proposals_date_never_after_expiry(s):
    date = timezone.localdate() + datetime.timedelta(days=10)
    review, old = _sunset_proposal(s, sunset_on=date)
    outcomes.carry_out(review=_decided(review, s.carol), actor=s.carol)
    assert set(
        ExceptionRequest.objects.filter(pk__in=[e.pk for e in old]).values_list("sunset_on", flat=True)
    ) == {date}


def test_the_account_manager_sees_the_sunset_date_on_the_request_page(s, client):
    date = timezone.localdate() + datetime.timedelta(days=10)
    review, old = _sunset_proposal(s, sunset_on=date)
    client.force_login(s.alice)
    before = client.get(f"/exceptions/{old[0].pk}/")
    assert b'data-testid="sunset-on"' not in before.content
    outcomes.carry_out(review=_decided(review, s.carol), actor=s.carol)
    after = client.get(f"/exceptions/{old[0].pk}/")
    assert f"Sunset on {date.day} {date:%b %Y}".encode() in after.content


def test_the_chair_revokes_one_exception_at_once_with_a_reason(s):
    exception = active(s, customer=s.acme)
    with pytest.raises(errors.PermissionDenied):
        outcomes.revoke_exception(exception=exception, actor=s.dan, reason="Too costly.")
    with pytest.raises(errors.ValidationFailed) as missing:
        outcomes.revoke_exception(exception=exception, actor=s.carol, reason="  ")
    assert "reason" in missing.value.fields
    outcomes.revoke_exception(
        exception=exception, actor=s.carol, reason="Courier costs far above the estimate."
    )
    exception.refresh_from_db()
    assert exception.status == "revoked"
    row = ExceptionTransition.objects.get(exception=exception, action="revoke")
    assert (row.authority, row.actor) == ("board", s.carol)
    assert "Courier costs" in row.comment
    with pytest.raises(errors.TransitionNotAllowed):
        outcomes.revoke_exception(exception=exception, actor=s.carol, reason="Again.")
