"""The customer page's sensitive fields in a real browser, for two roles: Alice (her own account: shown) and
Oscar (operations lead: masked, until he opens break-glass with a justification)."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture
def acme(demo_people):
    from intimacy_ops.accounts.models import Region, User
    from segments.models import Customer

    return Customer.objects.create(
        source="crm",
        external_id="CRM-1",
        name="Acme Logistics",
        region=Region.objects.get(code="EMEA"),
        account_manager=User.objects.get(username="am.alice"),
        contact_email="ceo@acme.example",
        personal_notes="Prefers calls on Monday mornings.",
    )


def test_alice_reads_her_customers_sensitive_fields_and_the_look_is_logged(page, sign_in, acme):
    from privacy.models import AccessLogEntry

    sign_in("am.alice")
    page.goto(f"/segments/customers/{acme.pk}/")
    expect(page.get_by_test_id("contact-email")).to_have_text("ceo@acme.example")
    expect(page.get_by_test_id("personal-notes")).to_contain_text("Monday mornings")
    expect(page.get_by_test_id("sensitive-purpose")).to_contain_text("own account")
    expect(page.get_by_test_id("break-glass")).to_have_count(0)
    entry = AccessLogEntry.objects.get()
    assert (entry.user.username, entry.purpose, entry.channel) == ("am.alice", "own account", "page")


def test_oscar_reads_stars_until_he_opens_break_glass_with_a_justification(page, sign_in, acme):
    from intimacy_ops.notifications.models import Notification
    from privacy.models import AccessLogEntry

    sign_in("ops.oscar")
    page.goto(f"/segments/customers/{acme.pk}/")
    expect(page.get_by_test_id("contact-email")).to_have_text("***")
    expect(page.get_by_test_id("personal-notes")).to_have_text("***")
    assert "ceo@acme.example" not in page.content()

    page.get_by_text("Emergency access (break-glass)").click()
    page.get_by_label("Justification").fill("too short")
    page.get_by_test_id("open-break-glass").click()
    expect(page.get_by_test_id("break-glass-error")).to_contain_text("at least 30 characters")
    expect(page.get_by_test_id("contact-email")).to_have_text("***")

    page.get_by_label("Justification").fill("P1 outage at the customer's main site, AM unreachable")
    page.get_by_test_id("open-break-glass").click()
    expect(page).to_have_url(re.compile(rf"/segments/customers/{acme.pk}/$"))
    expect(page.get_by_test_id("contact-email")).to_have_text("ceo@acme.example")
    expect(page.get_by_test_id("sensitive-purpose")).to_contain_text("break-glass")
    assert Notification.objects.filter(recipient__username="steward.sam").count() == 1
    assert list(AccessLogEntry.objects.values_list("purpose", flat=True)) == ["break-glass"]
