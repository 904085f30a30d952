"""`/` sends people to their role's home page; pages refuse other roles in the layout."""

import pytest

from intimacy_ops.accounts.roles import Role
from tests.factories import PASSWORD, UserFactory, user_with

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"


def test_protected_page_sends_anonymous_to_sign_in_with_next(client):
    response = client.get("/audit/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/audit/")


@pytest.mark.parametrize("role", list(Role))
def test_signed_in_user_lands_on_their_role_home(role, client):
    user = user_with(role, username=f"u-{role.slug}")
    client.login(username=user.username, password=PASSWORD)
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == f"/home/{role.slug}/"
    page = response.content.decode()
    assert role.label in page
    assert "What you do here" in page


def test_sign_in_form_redirects_home_and_greets(client):
    user = user_with(Role.ACCOUNT_MANAGER, username="greet.me", first_name="Greta")
    response = client.post("/accounts/login/", {"username": "greet.me", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/home/account-manager/"
    assert "Welcome back, Greta" in response.content.decode()
    assert user.pk == int(client.session["_auth_user_id"])


def test_wrong_password_on_the_form_says_so(client):
    user_with(Role.ACCOUNT_MANAGER, username="typo")
    response = client.post("/accounts/login/", {"username": "typo", "password": "wrong"})
    assert response.status_code == 200
    assert "Unable to sign in with that username and password" in response.content.decode()


def test_other_roles_home_is_403_in_the_layout(client):
    user = user_with(Role.ACCOUNT_MANAGER, username="am.curious")
    client.login(username=user.username, password=PASSWORD)
    response = client.get("/home/data-steward/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "Not allowed" in page
    assert 'data-testid="main-nav"' in page


def test_unknown_role_or_page_is_404_in_the_layout(client):
    user = user_with(Role.ACCOUNT_MANAGER, username="am.lost")
    client.login(username=user.username, password=PASSWORD)
    assert client.get("/home/wizard/").status_code == 404
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Not found" in response.content.decode()


def test_user_without_a_role_is_told_so(client):
    user = UserFactory(username="nobody")
    client.login(username=user.username, password=PASSWORD)
    assert "You have no role yet" in client.get("/").content.decode()


def test_layout_shows_user_regions_and_version(client):
    from django.conf import settings

    user = user_with(
        Role.PROCESS_OWNER, regions=["EMEA", "AMER"], username="po.both", first_name="Pat", last_name="Owner"
    )
    client.login(username=user.username, password=PASSWORD)
    page = client.get("/home/process-owner/").content.decode()
    assert "Pat Owner" in page
    assert ">AMER<" in page and ">EMEA<" in page
    assert f"v{settings.VERSION}" in page


def test_sign_out_is_a_post_and_ends_the_session(client):
    user = user_with(Role.AUDITOR, username="leaving")
    client.login(username=user.username, password=PASSWORD)
    response = client.post("/accounts/logout/", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/login/"
    assert "You are signed out" in response.content.decode()
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("rows", [3, 50])
def test_home_page_query_count_does_not_grow(rows, client, django_assert_max_num_queries):
    UserFactory.create_batch(rows, regions=["EMEA"], roles=[Role.ACCOUNT_MANAGER])
    admin = user_with(Role.ADMINISTRATOR, regions=["EMEA"], username="boss")
    client.login(username=admin.username, password=PASSWORD)
    with django_assert_max_num_queries(25):
        response = client.get("/home/administrator/")
    assert response.status_code == 200


def test_region_card_counts_everyone_in_the_region(client):
    user_with(Role.ACCOUNT_MANAGER, regions=["EMEA"], username="emea.one")
    user_with(Role.ACCOUNT_MANAGER, regions=["EMEA"], username="emea.two")
    me = user_with(Role.OPERATIONS_LEAD, regions=["EMEA"], username="emea.lead")
    client.login(username=me.username, password=PASSWORD)
    regions = client.get("/home/operations-lead/").context["panels"]["regions"]
    assert [(region.code, region.people) for region in regions] == [("EMEA", 3)]


def test_home_is_highlighted_only_on_home_pages(client):
    auditor = user_with(Role.AUDITOR, username="aud.nav")
    client.login(username=auditor.username, password=PASSWORD)
    assert client.get("/home/auditor/").context["nav_active"] == "home"
    assert client.get("/audit/").context["nav_active"] == "audit"
    assert client.get("/no/such/page/").context["nav_active"] is None


def test_key_accounts_entries_are_one_menu_and_a_single_entry_stays_a_link(client):
    """Health scores, health reviews and playbooks open from one "Key accounts" menu, marked current on its
    pages; a process owner, who may use only the playbooks, sees them as a plain link."""
    manager = user_with(Role.ACCOUNT_MANAGER, username="am.nav")
    client.login(username=manager.username, password=PASSWORD)
    response = client.get("/keyaccounts/health-reviews/")
    menus = [entry for entry in response.context["nav_entries"] if entry.get("children")]
    assert [(menu["label"], [child["label"] for child in menu["children"]]) for menu in menus] == [
        ("Key accounts", ["Health scores", "Health reviews", "Playbooks"])
    ]
    assert menus[0]["current"] is True
    page = response.content.decode()
    assert '<summary class="current">Key accounts</summary>' in page
    assert 'data-nav="health-reviews" aria-current="page"' in page
    assert '<summary class="current">' not in client.get("/home/account-manager/").content.decode()

    owner = user_with(Role.PROCESS_OWNER, username="owner.nav")
    client.login(username=owner.username, password=PASSWORD)
    entries = client.get("/home/process-owner/").context["nav_entries"]
    assert not any(entry.get("children") for entry in entries)
    assert "playbooks" in [entry["key"] for entry in entries]
