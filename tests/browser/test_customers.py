"""Alice, an EMEA account manager, works through her customer list in a real browser on the demo data."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db):
    """The whole demo of CONTRACT.md: people, tiers, 40 customers over EMEA and AMER, 65 cases."""
    call_command("seed_demo", verbosity=0)


def test_alice_finds_her_emea_customers_searches_and_reads_her_customers_contact(page, sign_in, demo):
    from segments.models import Customer

    sign_in("am.alice")
    page.get_by_test_id("main-nav").get_by_role("link", name="Customers").click()

    expect(page).to_have_url(re.compile(r"/segments/customers/$"))
    expect(page.get_by_role("heading", name="Customers", level=1)).to_be_visible()
    expect(page.get_by_test_id("main-nav").locator('[data-nav="customers"]')).to_have_attribute(
        "aria-current", "page"
    )
    # Only EMEA: every row, and the count, match the EMEA customers of the demo.
    emea = Customer.objects.filter(region__code="EMEA").count()
    assert emea == 20
    rows = page.get_by_test_id("customer-row")
    expect(rows).to_have_count(emea)
    assert set(rows.evaluate_all("rows => rows.map(row => row.dataset.region)")) == {"EMEA"}
    expect(page.get_by_test_id("result-count")).to_contain_text(f"{emea} customers")
    amer_names = list(Customer.objects.filter(region__code="AMER").values_list("name", flat=True))
    table = page.get_by_test_id("customer-table")
    for name in amer_names[:5]:
        expect(table.get_by_text(name, exact=True)).to_have_count(0)

    # Search by name: the list narrows to the one customer.
    page.get_by_test_id("customer-search").fill("acme")
    page.get_by_test_id("customer-search").press("Enter")
    expect(page).to_have_url(re.compile(r"\?q=acme"))
    expect(rows).to_have_count(1)
    expect(page.get_by_test_id("customer-search")).to_have_value("acme")

    # Searching for an AMER customer finds nothing, and says so.
    page.get_by_test_id("customer-search").fill(amer_names[0])
    page.get_by_test_id("customer-search").press("Enter")
    expect(page.get_by_test_id("empty")).to_contain_text("No customer matches these filters")

    # Her own accounts; open Acme Logistics.
    page.get_by_test_id("customer-search").fill("Acme")
    page.get_by_test_id("customer-search").press("Enter")
    page.get_by_test_id("customer-link").filter(has_text="Acme Logistics").click()

    acme = Customer.objects.get(name="Acme Logistics")
    expect(page).to_have_url(re.compile(rf"/segments/customers/{acme.pk}/$"))
    expect(page.get_by_test_id("customer-name")).to_have_text("Acme Logistics")
    # She is Acme's account manager: the confidential contact email is shown to her, unmasked.
    expect(page.get_by_test_id("contact-email")).to_have_text("contact@acme.example")
    expect(page.get_by_test_id("personal-notes")).not_to_contain_text("***")
    expect(page.get_by_test_id("segment-card")).to_contain_text(acme.segment.name)
    expect(page.get_by_test_id("segment-history")).to_contain_text(acme.segment.name)
    # The demo gives Acme a draft request: the customer page lists its exceptions.
    expect(page.get_by_test_id("exceptions")).to_contain_text("Weekend deliveries for the spring campaign")
    # Account managers do not place customers in tiers by hand.
    expect(page.get_by_test_id("lock-form")).to_have_count(0)


def test_alice_cannot_open_an_amer_customer_by_its_address(page, sign_in, demo):
    from segments.models import Customer

    amer = Customer.objects.filter(region__code="AMER").order_by("pk").first()
    sign_in("am.alice")

    response = page.goto(f"/segments/customers/{amer.pk}/")

    assert response.status == 404
    expect(page.get_by_test_id("error-page")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text(amer.name)
    expect(page.get_by_test_id("who")).to_contain_text("Alice Martin")


def test_my_accounts_toggle_and_sorting_by_revenue(page, sign_in, demo):
    sign_in("am.alice")
    page.goto("/segments/customers/")

    page.get_by_test_id("my-accounts").click()
    expect(page).to_have_url(re.compile(r"mine=1"))
    expect(page.get_by_test_id("my-accounts")).to_have_attribute("aria-current", "true")
    expect(page.get_by_test_id("customer-row")).to_have_count(20)  # every EMEA demo customer is Alice's

    page.locator('th a[data-sort="revenue"]').click()
    page.locator('th a[data-sort="revenue"]').click()  # a second click: largest first
    expect(page).to_have_url(re.compile(r"ordering=-revenue"))
    revenues = page.locator('[data-testid="customer-row"] td[data-label="Revenue"]').all_inner_texts()
    figures = [int(value.replace(",", "")) for value in revenues]
    assert figures == sorted(figures, reverse=True)
    expect(page).to_have_url(re.compile(r"mine=1"))  # sorting kept the toggle
