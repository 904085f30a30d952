"""Issue 18, defects 6, 9 and 10 in the navigation: an operations lead's "Waiting for me" and a process
owner's "Processes" have menu entries; "API" is not in every role's menu (the footer links it); the browser's
/favicon.ico is answered."""

import pytest

from intimacy_ops.accounts.navigation import items_for
from tests.exceptions.factories import scenario

pytestmark = pytest.mark.django_db


def keys(user) -> list[str]:
    return [item["key"] for item in items_for(user)]


def test_menu_entries_for_the_lead_queue_and_the_owners_processes_and_api_off_every_menu(client):
    s = scenario()
    assert "waiting" in keys(s.oscar) and "waiting" not in keys(s.alice)
    assert "processes" in keys(s.olivia) and "processes" not in keys(s.alice)
    for person in (s.alice, s.oscar, s.olivia, s.carol, s.sam, s.ada):
        assert "api" not in keys(person), person.username
    client.force_login(s.oscar)
    home = client.get("/", follow=True).content.decode()
    assert 'data-nav="waiting"' in home and 'href="/api/docs/"' in home  # the footer still links the API
    assert client.get("/exceptions/waiting/").status_code == 200
    client.force_login(s.olivia)
    assert client.get("/exceptions/processes/").status_code == 200


def test_the_favicon_is_answered(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert b"<svg" in response.content
