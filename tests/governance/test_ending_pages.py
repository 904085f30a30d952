"""Issue 17, item 3: "Sunset…" (an operations lead of the region, the board's chair) and "Revoke…" (the chair; the
lead in their own right) on the request page, each with a reason and a confirmation; a person not allowed sees
no button, the page answers 403 and so does the API."""

import pytest

from exceptions.models import ExceptionRequest, ExceptionTransition
from intimacy_ops.notifications.models import Notification
from tests.exceptions.factories import scenario
from tests.governance.policy_helpers import active

pytestmark = pytest.mark.django_db


@pytest.fixture
def s():
    return scenario()


def _buttons(client, exception) -> set[str]:
    page = client.get(f"/exceptions/{exception.pk}/")
    assert page.status_code == 200
    return {name for name in ("end-sunset", "end-revoke") if f'data-testid="{name}"'.encode() in page.content}


def test_the_lead_of_the_region_sunsets_from_the_request_page_with_a_reason(s, client):
    exception = active(s, customer=s.acme)
    oscar = s.oscar
    client.force_login(oscar)
    assert _buttons(client, exception) == {"end-sunset", "end-revoke"}
    confirm = client.get(f"/governance/exceptions/{exception.pk}/sunset/")
    assert confirm.status_code == 200 and b"Sunset this exception?" in confirm.content
    missing = client.post(f"/governance/exceptions/{exception.pk}/sunset/", {"reason": "", "confirm": "on"})
    assert missing.status_code == 400 and b'data-testid="error-reason"' in missing.content
    done = client.post(
        f"/governance/exceptions/{exception.pk}/sunset/", {"reason": "The depot closed.", "confirm": "on"}
    )
    assert done.status_code == 302 and done["Location"] == f"/exceptions/{exception.pk}/"
    exception.refresh_from_db()
    assert exception.status == "sunset"
    row = ExceptionTransition.objects.get(exception=exception, action="sunset")
    assert (row.actor, row.authority, row.comment) == (oscar, "person", "The depot closed.")
    assert _buttons(client, exception) == set()  # ended: nothing more to end


def test_the_chair_revokes_for_the_board_and_the_manager_reads_why(s, client):
    exception = active(s, customer=s.acme, requested_by=s.amy)
    client.force_login(s.carol)
    assert _buttons(client, exception) == {"end-sunset", "end-revoke"}
    done = client.post(
        f"/governance/exceptions/{exception.pk}/revoke/",
        {"reason": "Breaches the safety rule.", "confirm": "on"},
    )
    assert done.status_code == 302
    exception.refresh_from_db()
    assert exception.status == "revoked"
    row = ExceptionTransition.objects.get(exception=exception, action="revoke")
    assert (row.actor, row.authority) == (s.carol, "board")
    assert Notification.objects.filter(recipient=s.alice, body__contains="Breaches the safety rule.").exists()


@pytest.mark.parametrize("who", ["dan", "alice"])
def test_others_see_no_button_and_get_403_from_the_page_and_the_api(s, client, signed_in_api, who):
    exception = active(s, customer=s.acme)
    person = getattr(s, who)
    client.force_login(person)
    assert _buttons(client, exception) == set()
    for action in ("sunset", "revoke"):
        assert client.get(f"/governance/exceptions/{exception.pk}/{action}/").status_code == 403
        refused = client.post(
            f"/governance/exceptions/{exception.pk}/{action}/", {"reason": "x", "confirm": "on"}
        )
        assert refused.status_code == 403
        lead_api = signed_in_api(person).post(
            f"/api/v1/exceptions/{exception.pk}/{action}/", {"comment": "x"}, format="json"
        )
        assert lead_api.status_code == 403
    for route in ("board-sunsets", "board-revocations"):
        answer = signed_in_api(person).post(
            f"/api/v1/{route}/", {"exception": exception.pk, "reason": "x"}, format="json"
        )
        assert answer.status_code == 403
    assert ExceptionRequest.objects.get(pk=exception.pk).status == "active"


def test_the_chair_sunsets_through_the_api(s, signed_in_api):
    exception = active(s, customer=s.acme)
    answer = signed_in_api(s.carol).post(
        "/api/v1/board-sunsets/", {"exception": exception.pk, "reason": "Need has passed."}, format="json"
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == "sunset"
    again = signed_in_api(s.carol).post(
        "/api/v1/board-sunsets/", {"exception": exception.pk, "reason": "Need has passed."}, format="json"
    )
    assert again.status_code == 409
