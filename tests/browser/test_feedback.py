"""Alice logs an insight from a customer's page in a few seconds and settles the machine's unsure suggestion from
her confirmation queue with the keyboard (issue 16, the account manager's browser story)."""

import os
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("FEEDBACK_SCREENSHOTS")  # a folder: also keep screenshots of the pages (for a look)


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


@pytest.fixture
def acme(demo_people):
    from exceptions.models import Process
    from intimacy_ops.accounts.models import Region, User
    from tests.segments.factories import CustomerFactory

    Process.objects.create(name="Warehouse picking and shipping", category="fulfilment")
    return CustomerFactory(
        name="Acme Logistics",
        region=Region.objects.get(code="EMEA"),
        account_manager=User.objects.get(username="am.alice"),
        consent_sentiment=True,
    )


def test_alice_logs_an_insight_and_confirms_the_suggested_sentiment(page, sign_in, acme):
    from feedback.models import FeedbackItem

    sign_in("am.alice")
    page.goto(f"/segments/customers/{acme.pk}/")
    card = page.get_by_test_id("customer-feedback")
    expect(card).to_be_visible()

    # Only blanks: the server refuses it (400) and the card comes back with the error in place, nothing logged.
    card.get_by_test_id("insight-text").fill("   ")
    card.get_by_test_id("insight-submit").click()
    expect(page.get_by_test_id("customer-feedback").locator(".field-error")).to_contain_text("required")
    assert not FeedbackItem.objects.exists()

    # An insight the machine cannot judge: no sentiment words, so it is unsure and waits for her.
    card.get_by_test_id("insight-text").fill("Their buyer asked about the Saturday schedule.")
    card.locator("select[name=process]").select_option(label="Warehouse picking and shipping")
    card.get_by_test_id("insight-submit").click()
    logged = page.get_by_test_id("insight-logged")
    expect(logged).to_contain_text("unsure")
    expect(page.get_by_test_id("insight-text")).to_have_value("")
    _shot(page, "customer-page")
    item = FeedbackItem.objects.get()
    assert (item.created_by.username, item.sentiment_needs_confirmation, item.sentiment_confirmed) == (
        "am.alice",
        True,
        False,
    )

    # A second, clearly negative insight: counted at once, and shown as negative feedback on the page.
    page.get_by_test_id("insight-text").fill("The buyer is furious: terrible, damaged pallets again.")
    page.get_by_test_id("insight-submit").click()
    expect(page.get_by_test_id("negative-item")).to_have_count(1)

    # Her home page says one sentiment waits; the queue takes the keyboard.
    page.goto("/")
    expect(page.get_by_test_id("to-confirm-card")).to_contain_text("1")
    with page.expect_navigation():  # waits for "load": the deferred keyboard script is in place before "c"
        page.get_by_test_id("to-confirm-link").click()
    expect(page).to_have_url(re.compile(r"/feedback/confirm/$"))
    row = page.get_by_test_id("queue-row")
    expect(row).to_have_count(1)
    _shot(page, "queue")
    row.focus()
    page.keyboard.press("c")  # confirm the machine's suggestion
    expect(page.get_by_test_id("settled")).to_have_text("Confirmed neutral")

    item.refresh_from_db()
    assert (item.sentiment, item.sentiment_confirmed, item.sentiment_confirmed_by.username) == (
        "neutral",
        True,
        "am.alice",
    )
    assert FeedbackItem.objects.counted().count() == 2  # it counts now
    page.goto("/feedback/")
    expect(page.get_by_test_id("feedback-row")).to_have_count(2)
    _shot(page, "inbox")
