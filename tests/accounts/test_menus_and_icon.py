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


def test_the_reversed_menu_follows_a_new_entry_and_another_url_conf(settings):
    """The top bar's entries are reversed once per set of roles: an entry registered later still shows, and
    under another URL conf the entries are reversed again."""
    from intimacy_ops.accounts import navigation
    from intimacy_ops.accounts.roles import Role

    s = scenario()
    before = keys(s.alice)
    navigation.register(key="later", label="Later", url_name="notifications", roles={Role.ACCOUNT_MANAGER})
    try:
        assert set(keys(s.alice)) == {*before, "later"}
        assert "later" not in keys(s.oscar)
    finally:
        del navigation._items["later"]
        navigation._reversed.clear()
    assert keys(s.alice) == before
    settings.ROOT_URLCONF = "tests.accounts.urls_without_menus"
    assert keys(s.alice) == ["home"]  # the only entry whose page this URL conf has
    settings.ROOT_URLCONF = "intimacy_ops.urls"
    assert keys(s.alice) == before
