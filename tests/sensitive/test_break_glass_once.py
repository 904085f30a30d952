"""One open break-glass session per person and customer (issue 13, defect 8): a second open — after the first or
at the same instant — is a 409 that says until when the first lasts; once it has expired, a new one opens."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from intimacy_ops.accounts.demo import DEMO_PASSWORD
from intimacy_ops.audit import AuditEvent
from intimacy_ops.notifications.models import Notification
from privacy.models import BreakGlassSession
from tests.concurrency import at_once

JUSTIFICATION = "Customer's site is down, P1 case, account manager on leave"


def _signed_in(username: str) -> APIClient:
    client = APIClient()
    token = client.post(
        "/api/v1/auth/token/", {"username": username, "password": DEMO_PASSWORD}, format="json"
    )
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    return client


def _open(client, customer, hours=2):
    return client.post(
        "/api/v1/break-glass/",
        {"customer": customer.pk, "justification": JUSTIFICATION, "hours": hours},
        format="json",
    )


def test_a_second_break_glass_on_the_same_customer_is_409_until_the_first_expires(world, as_user):
    oscar = as_user("ops.oscar")
    first = _open(oscar, world.acme)
    assert first.status_code == 201, first.content

    second = _open(oscar, world.acme)

    assert second.status_code == 409, second.content
    assert "already have break-glass access to Acme Logistics until" in second.json()["detail"]
    assert BreakGlassSession.objects.count() == 1
    assert AuditEvent.objects.filter(verb="sensitive.break_glass").count() == 1
    # Someone else may break glass on the same customer; the same person on another customer too.
    assert _open(as_user("ccb.dan"), world.acme).status_code == 201
    assert _open(as_user("steward.sam"), world.acme).status_code == 201
    # Once the first has expired, the same person opens a new one, and it shows the values again.
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=2, minutes=1)):
        assert oscar.get(f"/api/v1/customers/{world.acme.pk}/").json()["contact_email"] == "***"
        again = _open(oscar, world.acme)
        assert again.status_code == 201, again.content
        assert oscar.get(f"/api/v1/customers/{world.acme.pk}/").json()["contact_email"] == "ceo@acme.example"
    assert BreakGlassSession.objects.filter(user__username="ops.oscar").count() == 2


def test_a_second_break_glass_from_the_customer_page_says_why_with_409(world, client):
    client.force_login(world.people["ops.oscar"])
    url = f"/segments/customers/{world.acme.pk}/break-glass/"
    body = {"justification": JUSTIFICATION, "hours": 2}
    assert client.post(url, body).status_code == 302

    response = client.post(url, body)

    assert response.status_code == 409
    assert "already have break-glass access to Acme Logistics" in response.content.decode()
    assert BreakGlassSession.objects.count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="two opens racing need PostgreSQL's concurrency"
)
def test_two_break_glass_opens_at_once_give_one_session_and_a_409(transactional_db, world):
    clients = [_signed_in("ops.oscar"), _signed_in("ops.oscar")]  # two browsers of one person
    Notification.objects.all().delete()

    answers = at_once(*(lambda client=client: _open(client, world.acme) for client in clients))

    statuses = sorted(a.status_code if not isinstance(a, Exception) else repr(a) for a in answers)
    assert statuses == [201, 409], [getattr(a, "content", a) for a in answers]
    refused = next(a for a in answers if a.status_code == 409)
    assert "already have break-glass access to Acme Logistics" in refused.json()["detail"]
    assert BreakGlassSession.objects.filter(user__username="ops.oscar").count() == 1
    assert AuditEvent.objects.filter(verb="sensitive.break_glass").count() == 1
    assert Notification.objects.filter(recipient__username="steward.sam").count() == 1
