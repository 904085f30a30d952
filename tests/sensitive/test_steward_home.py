"""A data steward's home page counts what needs them: break-glass sessions waiting for review (even when that
is all there is), grants ending within a week, sensitive views in the last day."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from privacy.services.sensitive_access import grant_access, open_break_glass
from tests.factories import user_with

JUSTIFICATION = "Customer's site is down, P1 case, account manager on leave"


def _home(world) -> str:
    client = Client()
    client.force_login(world.people["steward.sam"])
    response = client.get("/home/data-steward/")
    assert response.status_code == 200
    return response.content.decode()


def _stat(page: str, testid: str) -> str:
    return page.split(f'data-testid="{testid}"')[1].split('class="stat">')[1].split("<")[0]


def test_a_lone_break_glass_session_waiting_for_review_is_counted_on_the_stewards_home(world):
    open_break_glass(
        actor=world.people["ops.oscar"], subject=world.acme, justification=JUSTIFICATION, hours=2
    )
    page = _home(world)
    assert 'data-testid="privacy-counts"' in page
    assert _stat(page, "count-to-review") == "1"
    assert "break-glass session to review" in page
    assert 'href="/segments/privacy/break-glass/"' in page
    assert (_stat(page, "count-expiring"), _stat(page, "count-views")) == ("0", "0")


def test_grants_ending_within_a_week_are_counted_apart_from_the_others(world):
    steward, now = world.people["steward.sam"], timezone.now()
    for username, subject, days in (
        ("ops.oscar", world.acme, 2),
        ("am.bob", world.delta, 6),
        ("am.alice", world.acme, 30),
    ):
        grant_access(
            actor=steward,
            user=world.people[username],
            subject=subject,
            purpose="Covering the renewal while Bob is away",
            expires_at=now + datetime.timedelta(days=days),
        )
    page = _home(world)
    assert _stat(page, "count-expiring") == "2"
    assert "of 3 grants end within 7 days" in page
    assert _stat(page, "count-to-review") == "0"


@pytest.mark.parametrize("sessions", [1, 12])
def test_the_stewards_home_query_count_does_not_grow(world, sessions, django_assert_max_num_queries):
    for number in range(sessions):
        person = user_with("operations lead", regions=["EMEA"], username=f"lead.{number}")
        open_break_glass(actor=person, subject=world.acme, justification=JUSTIFICATION, hours=1)
    client = Client()
    client.force_login(world.people["steward.sam"])
    with django_assert_max_num_queries(22):
        response = client.get("/home/data-steward/")
    assert _stat(response.content.decode(), "count-to-review") == str(sessions)
