"""Alice issues a customer link from the customer's page, the contact opens it in a fresh browser without
signing in, and Alice revokes it: the link then answers 404 (issue 20, item 4's browser story)."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture
def acme(demo_people):
    from exceptions.models import ExceptionRequest
    from intimacy_ops.accounts.models import Region, User
    from tests.exceptions.factories import ExceptionRequestFactory, ProcessFactory
    from tests.segments.factories import CustomerFactory

    customer = CustomerFactory(
        name="Acme Logistics",
        region=Region.objects.get(code="EMEA"),
        account_manager=User.objects.get(username="am.alice"),
        personal_notes="CANARY-NOTES-4411",
    )
    ExceptionRequestFactory(
        customer=customer,
        process=ProcessFactory(name="Delivery slots"),
        title="Saturday deliveries",
        deviation="We deliver on Saturdays.",
        justification="CANARY-JUSTIFICATION-4411",
        status=ExceptionRequest.Status.ACTIVE,
        starts_on=timezone.localdate() - datetime.timedelta(days=5),
    )
    return customer


def test_alice_issues_a_link_the_contact_opens_it_without_signing_in_and_she_revokes_it(
    page, sign_in, acme, browser
):
    from keyaccounts.models import CustomerLink

    sign_in("am.alice")
    page.goto(f"/segments/customers/{acme.pk}/")
    section = page.get_by_test_id("customer-links")
    section.get_by_test_id("link-contact").fill("Pat Buyer")
    section.get_by_test_id("link-issue").click()
    url_box = page.get_by_test_id("issued-link-url")
    expect(url_box).to_be_visible()
    url = url_box.input_value()
    assert "/c/" in url

    # The contact: a fresh context, no cookies, nobody signed in.
    contact = browser.new_context()
    try:
        theirs = contact.new_page()
        theirs.goto(url)
        expect(theirs.get_by_test_id("customer-name")).to_have_text("Acme Logistics")
        expect(theirs.get_by_test_id("variation")).to_contain_text("Saturday deliveries")
        assert "CANARY" not in theirs.content()
        assert CustomerLink.objects.get().views == 1

        # Alice revokes it, after a confirmation.
        page.reload()
        page.get_by_test_id("link-revoke").click()
        page.get_by_test_id("confirm-revoke").click()
        expect(page.get_by_test_id("flash")).to_contain_text("revoked")
        answer = theirs.goto(url)
        assert answer is not None and answer.status == 404
    finally:
        contact.close()
