"""Extensions: an active exception runs longer only through a decided extension request, within the region's
policy (maximum duration, maximum number of extensions); beyond the maximum only a board decides."""

import datetime

import pytest
from django.utils import timezone

from exceptions.models import ExtensionRequest
from exceptions.services import extensions
from intimacy_ops.audit import AuditEvent
from tests.exceptions.factories import ExceptionRequestFactory, scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def s():
    return scenario()


def _active(s, days_left=30):
    today = timezone.localdate()
    return ExceptionRequestFactory(
        customer=s.acme,
        process=s.fulfilment,
        status="active",
        route="lead",
        starts_on=today - datetime.timedelta(days=100),
        expires_on=today + datetime.timedelta(days=days_left),
    )


def _ask(client, exception, days_after_start, reason="The customer's new site opens in autumn."):
    new = exception.starts_on + datetime.timedelta(days=days_after_start)
    return client.post(
        f"/api/v1/exceptions/{exception.pk}/extensions/",
        {"new_expires_on": new.isoformat(), "reason": reason},
        format="json",
    )


def test_lead_approves_an_extension_within_the_maximum_and_the_expiry_moves(s, signed_in_api):
    exception = _active(s)
    asked = _ask(signed_in_api(s.alice), exception, 300)
    assert asked.status_code == 201, asked.content
    assert (asked.json()["status"], asked.json()["needs_board"]) == ("open", False)
    decided = signed_in_api(s.oscar).post(
        f"/api/v1/exceptions/{exception.pk}/extensions/{asked.json()['id']}/decide/",
        {"approve": True, "comment": "Fine until the site opens."},
        format="json",
    )
    assert decided.status_code == 200, decided.content
    assert (decided.json()["status"], decided.json()["decided_by"]) == ("approved", "ops.oscar")
    exception.refresh_from_db()
    assert exception.expires_on == exception.starts_on + datetime.timedelta(days=300)
    assert AuditEvent.objects.filter(verb="exception.extended", object_id=str(exception.pk)).count() == 1


def test_beyond_the_regions_maximum_only_the_board_decides(s, signed_in_api):
    exception = _active(s)
    asked = _ask(signed_in_api(s.alice), exception, 400)
    assert asked.json()["needs_board"] is True
    path = f"/api/v1/exceptions/{exception.pk}/extensions/{asked.json()['id']}/decide/"
    assert signed_in_api(s.oscar).post(path, {"approve": True}, format="json").status_code == 403
    extension = ExtensionRequest.objects.get(pk=asked.json()["id"])
    extensions.decide_extension(actor=s.carol, extension=extension, approve=True, authority="board")
    exception.refresh_from_db()
    assert exception.expires_on == exception.starts_on + datetime.timedelta(days=400)


def test_at_most_the_regions_number_of_extensions(s, signed_in_api):
    s.emea.routing_threshold.max_extensions = 1
    s.emea.routing_threshold.save()
    exception = _active(s)
    alice = signed_in_api(s.alice)
    first = _ask(alice, exception, 200).json()
    extensions.decide_extension(
        actor=s.oscar, extension=ExtensionRequest.objects.get(pk=first["id"]), approve=True
    )
    again = _ask(alice, exception, 250)
    assert again.status_code == 409
    assert "the most EMEA allows" in again.json()["detail"]


def test_one_open_extension_at_a_time(s, signed_in_api):
    exception = _active(s)
    alice = signed_in_api(s.alice)
    assert _ask(alice, exception, 200).status_code == 201
    assert _ask(alice, exception, 210).status_code == 409
    assert ExtensionRequest.objects.count() == 1


@pytest.mark.parametrize(
    "days_after_start, reason, field",
    [(120, "The customer's new site opens.", "new_expires_on"), (300, "Because", "reason")],
    ids=["not after the current expiry", "no real reason"],
)
def test_a_bad_extension_request_is_a_field_error(s, signed_in_api, days_after_start, reason, field):
    response = _ask(signed_in_api(s.alice), _active(s), days_after_start, reason=reason)
    assert response.status_code == 400 and field in response.json()
    assert not ExtensionRequest.objects.exists()


def test_only_the_requester_asks_and_only_for_an_active_exception(s, signed_in_api):
    exception = _active(s)
    assert _ask(signed_in_api(s.oscar), exception, 300).status_code == 403
    assert _ask(signed_in_api(s.bob), exception, 300).status_code == 404
    approved = ExceptionRequestFactory(customer=s.acme, process=s.fulfilment, status="approved", route="lead")
    assert _ask(signed_in_api(s.alice), approved, 60).status_code == 409


def test_a_refusal_says_why_and_leaves_the_expiry(s, signed_in_api):
    exception = _active(s)
    before = exception.expires_on
    asked = _ask(signed_in_api(s.alice), exception, 300).json()
    path = f"/api/v1/exceptions/{exception.pk}/extensions/{asked['id']}/decide/"
    oscar = signed_in_api(s.oscar)
    assert oscar.post(path, {"approve": False}, format="json").status_code == 400
    refused = oscar.post(
        path, {"approve": False, "comment": "Propose a standard option instead."}, format="json"
    )
    assert refused.json()["status"] == "rejected"
    assert oscar.post(path, {"approve": True}, format="json").status_code == 409
    exception.refresh_from_db()
    assert exception.expires_on == before
    listed = signed_in_api(s.alice).get(f"/api/v1/exceptions/{exception.pk}/extensions/").json()
    assert [(e["status"], e["decision_comment"]) for e in listed] == [
        ("rejected", "Propose a standard option instead.")
    ]
