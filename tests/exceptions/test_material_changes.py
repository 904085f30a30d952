"""Material changes: editing what was decided (what deviates, its scope, costs, customer…) on an approved or
active exception sends it back for re-approval through the `amend` row (→ submitted, routed again like a
submit); the earlier decision keeps its snapshot. Editing wording (handling procedure, title) changes it in
place."""

import datetime

import pytest
from django.utils import timezone

from exceptions.models import ExceptionTransition, ExtensionRequest
from exceptions.services import extensions, lifecycle
from governance.models import Review
from intimacy_ops import errors
from intimacy_ops.audit import AuditEvent
from intimacy_ops.notifications.models import Notification
from tests.exceptions.factories import ExceptionRequestFactory, scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def s():
    return scenario()


def _approved_by_oscar(s, **fields):
    """Submitted, routed to oscar and approved by him: the approve row carries the decision snapshot."""
    exception = ExceptionRequestFactory(customer=s.acme, process=s.fulfilment, **fields)
    lifecycle.submit_request(exception=exception, actor=s.alice)
    lifecycle.decide_request(exception=exception, actor=s.oscar, action="approve", comment="Fine.")
    exception.refresh_from_db()
    return exception


def _actions(exception) -> list[str]:
    return list(ExceptionTransition.objects.filter(exception=exception).values_list("action", flat=True))


def test_changing_what_deviates_on_an_approved_exception_sends_it_back_and_keeps_the_decision_snapshot(
    s, signed_in_api
):
    exception = _approved_by_oscar(s, deviation="Ship on Saturdays.")
    Notification.objects.all().delete()
    response = signed_in_api(s.alice).patch(
        f"/api/v1/exceptions/{exception.pk}/", {"deviation": "Ship on Saturdays and Sundays."}, format="json"
    )
    assert response.status_code == 200, response.content
    # Back to its lead: it waits `submitted` until the lead takes it up by deciding again.
    assert (response.json()["status"], response.json()["route"]) == ("submitted", "lead")
    assert _actions(exception) == ["submit", "route", "approve", "amend"]
    decision = ExceptionTransition.objects.get(exception=exception, action="approve")
    assert decision.snapshot["deviation"] == "Ship on Saturdays."  # as it was decided
    amend = ExceptionTransition.objects.get(exception=exception, action="amend")
    assert (amend.from_status, amend.to_status, amend.actor) == ("approved", "submitted", s.alice)
    assert "deviation" in amend.comment
    event = AuditEvent.objects.get(verb="exception.amended", object_id=str(exception.pk))
    assert event.before == {"deviation": "Ship on Saturdays."}
    # The approver is asked again.
    assert Notification.objects.filter(
        recipient=s.oscar, subject__startswith="Waiting for your decision"
    ).exists()


def test_a_wording_change_on_an_approved_exception_changes_it_in_place(s, signed_in_api):
    exception = _approved_by_oscar(s)
    before = _actions(exception)
    response = signed_in_api(s.alice).patch(
        f"/api/v1/exceptions/{exception.pk}/",
        {"handling_procedure": "Saturday shift: pick Acme first, then the rest.", "title": "Saturday runs"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "approved"
    assert response.json()["handling_procedure"].startswith("Saturday shift")
    assert _actions(exception) == before
    assert AuditEvent.objects.filter(verb="exception.changed", object_id=str(exception.pk)).count() == 1


def test_the_same_value_again_is_no_material_change(s):
    exception = _approved_by_oscar(s)
    lifecycle.update_request(
        actor=s.alice,
        exception=exception,
        deviation=exception.deviation,
        estimated_monthly_cost=exception.estimated_monthly_cost,
    )
    exception.refresh_from_db()
    assert exception.status == "approved"


def test_a_cost_rise_on_an_active_exception_goes_to_the_board_and_it_is_not_in_force_meanwhile(
    s, signed_in_api
):
    today = timezone.localdate()
    exception = ExceptionRequestFactory(
        customer=s.acme,
        process=s.fulfilment,
        status="active",
        route="lead",
        starts_on=today - datetime.timedelta(days=30),
        expires_on=today + datetime.timedelta(days=60),
    )
    extension = extensions.request_extension(
        actor=s.alice,
        exception=exception,
        new_expires_on=today + datetime.timedelta(days=90),
        reason="The customer's new site opens later.",
    )
    response = signed_in_api(s.alice).patch(
        f"/api/v1/exceptions/{exception.pk}/", {"estimated_monthly_cost": "9000.00"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["route"]) == ("under_review", "board")
    assert Review.objects.get(exception=exception, status="open").board == s.board
    extension.refresh_from_db()
    assert extension.status == ExtensionRequest.Status.WITHDRAWN
    assert "Not in force" in ExceptionTransition.objects.get(exception=exception, action="amend").comment
    # Approved again, the start/expiry check puts it back in force (its start date is past).
    review = Review.objects.get(exception=exception, status="open")
    from governance import services as governance

    for member in (s.dan, s.erin):  # quorum 2: the board votes before the chair decides
        governance.cast_vote(review=review, member=member, choice="approve", rationale="Worth it.")
    governance.decide_review(review=review, actor=s.carol, outcome="approve", rationale="Worth it.")
    assert lifecycle.activate_due_exceptions(today=today) == 1
    exception.refresh_from_db()
    assert exception.status == "active" and exception.estimated_monthly_cost == 9000


@pytest.mark.parametrize("field, value", [("customer", "borealis"), ("scope_sites", ["Lille DC"])])
def test_customer_and_scope_are_material(s, field, value):
    exception = _approved_by_oscar(s)
    if field == "customer":
        s.borealis.account_manager = s.alice
        s.borealis.save()
        value = s.borealis
    lifecycle.update_request(actor=s.alice, exception=exception, **{field: value})
    exception.refresh_from_db()
    assert (exception.status, exception.route) == ("submitted", "lead")


def test_only_the_requester_amends_and_only_a_decided_exception(s, signed_in_api):
    exception = _approved_by_oscar(s)
    with pytest.raises(errors.PermissionDenied):
        lifecycle.amend_request(actor=s.oscar, exception=exception, deviation="Other.")
    rejected = ExceptionRequestFactory(customer=s.acme, process=s.fulfilment, status="rejected", route="lead")
    response = signed_in_api(s.alice).patch(
        f"/api/v1/exceptions/{rejected.pk}/", {"deviation": "Other."}, format="json"
    )
    assert response.status_code == 409
    exception.refresh_from_db()
    assert exception.status == "approved" and exception.deviation == "Ship on Saturdays."


def test_an_invalid_material_change_is_a_field_error_and_changes_nothing(s, signed_in_api):
    exception = _approved_by_oscar(s)
    response = signed_in_api(s.alice).patch(
        f"/api/v1/exceptions/{exception.pk}/", {"estimated_one_off_cost": "-1"}, format="json"
    )
    assert response.status_code == 400 and "estimated_one_off_cost" in response.json()
    exception.refresh_from_db()
    assert exception.status == "approved"
    assert "amend" not in _actions(exception)
