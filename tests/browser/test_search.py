"""The top bar's search in a real browser (issue 18, acceptance: "am.alice searches a customer by name from the
top bar"): `/` focuses the box, Enter lists what she may open, the other region's namesake is not there."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture
def northwinds(demo_people):
    from intimacy_ops.accounts.models import Region
    from tests.segments.factories import CustomerFactory

    emea, amer = Region.objects.get(code="EMEA"), Region.objects.get(code="AMER")
    return {
        "emea": CustomerFactory(name="Northwind Traders", external_id="NW-EU", region=emea),
        "branch": CustomerFactory(name="Northwind Logistics", external_id="NW-EU-2", region=emea),
        "amer": CustomerFactory(name="Northwind Traders", external_id="NW-US", region=amer),
    }


def test_alice_searches_a_customer_by_name_from_the_top_bar(page, sign_in, northwinds):
    sign_in("am.alice")
    box = page.get_by_role("searchbox", name="Search customers, requests, cases, reviews and processes")
    expect(box).to_be_visible()

    # "/" from anywhere on the page puts her in the box; Escape leaves it.
    page.locator("h1").first.click()
    page.keyboard.press("/")
    expect(box).to_be_focused()
    page.keyboard.press("Escape")
    expect(box).not_to_be_focused()

    page.keyboard.press("/")
    page.keyboard.type("northwind")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/search/\?q=northwind$"))
    expect(page.get_by_role("heading", name="Results for “northwind”", level=1)).to_be_visible()
    customers = page.get_by_test_id("search-group-customers")
    expect(customers.get_by_test_id("search-count")).to_have_text("2")
    expect(customers.get_by_test_id("search-hit")).to_have_count(2)
    expect(customers.get_by_text("NW-US")).to_have_count(0)  # AMER's Northwind Traders: not hers to open
    expect(box).to_have_value("northwind")

    # Typing "/" in another field types it: the top bar does not take the focus.
    field = page.get_by_test_id("search-page-q")
    field.fill("")
    field.type("NW/EU")
    expect(field).to_have_value("NW/EU")
    expect(box).not_to_be_focused()

    customers.get_by_role("link", name="Northwind Traders").click()
    expect(page).to_have_url(re.compile(rf"/segments/customers/{northwinds['emea'].pk}/$"))
    expect(page.get_by_role("heading", name="Northwind Traders", level=1)).to_be_visible()


def test_the_top_bar_search_works_without_javascript(
    browser, live_server, django_db_serialized_rollback, northwinds
):
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport={"width": 400, "height": 800}
    )
    try:
        page = context.new_page()
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill("am.alice")
        page.get_by_label("Password").fill("intimacy-demo")
        page.get_by_test_id("sign-in").click()
        page.get_by_test_id("topbar-q").fill("Northwind Traders")
        page.get_by_test_id("topbar-q").press("Enter")
        expect(page).to_have_url(re.compile(r"/search/\?q=Northwind\+Traders$"))
        expect(page.get_by_test_id("search-group-customers").get_by_test_id("search-hit")).to_have_count(1)
    finally:
        context.close()
