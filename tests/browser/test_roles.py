"""Each demo person signs in through the form, lands on their own home page, sees only their navigation, signs out."""

import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class Person:
    username: str
    name: str
    home: str  # role slug of the home page they land on
    roles: tuple[str, ...]
    regions: tuple[str, ...]
    kernel_nav: frozenset[str]  # the kernel's own entries (navigation.py); apps add more per role


EVERYONE = frozenset({"home"})  # "API" is the administrator's only (issue 18, defect 10): the footer links it
KERNEL_NAV_KEYS = frozenset({"home", "api", "audit", "admin"})

DEMO = [
    Person("am.alice", "Alice Martin", "account-manager", ("Account manager",), ("EMEA",), EVERYONE),
    Person("am.bob", "Bob Alvarez", "account-manager", ("Account manager",), ("AMER",), EVERYONE),
    Person("owner.olivia", "Olivia Owens", "process-owner", ("Process owner",), ("EMEA", "AMER"), EVERYONE),
    Person(
        "ccb.carol", "Carol Chen", "board-chair", ("Board chair", "Board member"), ("EMEA", "AMER"), EVERYONE
    ),
    Person("ccb.dan", "Dan Diaz", "board-member", ("Board member",), ("EMEA", "AMER"), EVERYONE),
    Person("ops.oscar", "Oscar Olsen", "operations-lead", ("Operations lead",), ("EMEA",), EVERYONE),
    Person("steward.sam", "Sam Sato", "data-steward", ("Data steward",), ("EMEA", "AMER"), EVERYONE),
    Person("audit.ada", "Ada Adams", "auditor", ("Auditor",), ("EMEA", "AMER"), EVERYONE | {"audit"}),
    Person("admin", "Ada Min", "administrator", ("Administrator",), (), EVERYONE | {"audit", "admin", "api"}),
]


@pytest.mark.parametrize("person", DEMO, ids=lambda person: person.username)
def test_demo_person_signs_in_sees_their_home_and_navigation_and_signs_out(
    person, page, sign_in, demo_people
):
    from intimacy_ops.accounts.models import User
    from intimacy_ops.accounts.navigation import items_for

    sign_in(person.username)

    expect(page).to_have_url(re.compile(rf"/home/{person.home}/$"))
    expect(page.get_by_test_id("home-title")).to_be_visible()
    expect(page.get_by_test_id("flash")).to_contain_text("Welcome back")

    nav = page.get_by_test_id("main-nav")
    shown = nav.locator("[data-nav]").evaluate_all("links => links.map(link => link.dataset.nav)")
    assert shown[0] == "home"
    assert set(shown) & KERNEL_NAV_KEYS == person.kernel_nav
    # Whatever apps add later, the page shows exactly what the navigation policy grants this person.
    assert shown == [item["key"] for item in items_for(User.objects.get(username=person.username))]
    expect(nav.locator('[data-nav="home"]')).to_have_attribute("aria-current", "page")
    # Every entry shown is one the person may really use.
    for link in nav.locator("[data-nav]").all():
        href = link.get_attribute("href")
        assert page.request.get(href).status == 200, (
            f"{person.username} is offered {href} but may not open it"
        )

    who = page.get_by_test_id("who")
    expect(who).to_contain_text(person.name)
    for role in person.roles:
        expect(who).to_contain_text(role)
    tags = who.locator(".region-tag").all_inner_texts()
    assert sorted(tags) == sorted(person.regions)

    with page.expect_navigation():
        page.get_by_test_id("logout").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.get_by_test_id("sign-in")).to_be_visible()
    expect(page.get_by_test_id("main-nav")).to_have_count(0)
    expect(page.get_by_test_id("flash")).to_contain_text("signed out")
    # Signed out for real: the home page sends them back to sign in.
    page.goto(f"/home/{person.home}/")
    expect(page).to_have_url(re.compile(rf"/accounts/login/\?next=/home/{person.home}/$"))


def test_wrong_password_shows_the_error_on_the_form(page, sign_in, demo_people):
    sign_in("am.alice", "not-the-password")

    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.get_by_test_id("login-error")).to_contain_text(
        "Unable to sign in with that username and password"
    )
    expect(page.get_by_label("Username")).to_have_value("am.alice")
    expect(page.get_by_label("Password")).to_have_value("")
    expect(page.get_by_test_id("main-nav")).to_have_count(0)


def test_another_roles_home_page_is_403_in_the_layout(page, sign_in, demo_people):
    sign_in("am.alice")

    response = page.goto("/home/data-steward/")

    assert response.status == 403
    expect(page.get_by_test_id("error-page")).to_contain_text("Not allowed")
    expect(page.get_by_test_id("error-page")).to_contain_text("data stewards' home page")
    # In the layout: still signed in, with her own navigation and a way back home.
    expect(page.get_by_test_id("who")).to_contain_text("Alice Martin")
    expect(page.get_by_test_id("main-nav").locator('[data-nav="audit"]')).to_have_count(0)
    page.get_by_test_id("error-page").get_by_text("Back to your home page").click()
    expect(page).to_have_url(re.compile(r"/home/account-manager/$"))


def test_unknown_page_is_404_in_the_layout(page, sign_in, demo_people):
    sign_in("ops.oscar")

    response = page.goto("/no/such/page/")

    assert response.status == 404
    expect(page.get_by_test_id("error-page")).to_contain_text("Not found")
    expect(page.get_by_test_id("who")).to_contain_text("Oscar Olsen")


def test_key_accounts_menu_opens_from_the_keyboard_and_escape_closes_it(page, sign_in, demo_people):
    sign_in("am.alice")
    menu = page.locator('details[data-nav-menu="keyaccounts"]')
    reviews = menu.get_by_role("link", name="Health reviews")
    expect(reviews).to_be_hidden()

    menu.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(reviews).to_be_visible()
    page.keyboard.press("Escape")
    expect(reviews).to_be_hidden()
    expect(menu.locator("summary")).to_be_focused()

    menu.locator("summary").click()
    page.locator("main").click(position={"x": 5, "y": 5})  # a click elsewhere closes it
    expect(reviews).to_be_hidden()
    menu.locator("summary").click()
    with page.expect_navigation():
        reviews.click()
    expect(page).to_have_url(re.compile(r"/keyaccounts/health-reviews/$"))
    expect(page.locator('details[data-nav-menu="keyaccounts"] summary')).to_have_class("current")
