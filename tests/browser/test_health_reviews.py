"""am.alice completes a due health review with one agreed action: from her home card to the review's page, the
facts shown, the form filled in (notes, the next date, one action), the review completed; the action then shows
on the customer's page (issue 20, item 2's browser story). One test, one browser context."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture
def acme(demo_people):
    from intimacy_ops.accounts.models import Region, User
    from tests.segments.factories import CustomerFactory, tiers

    strategic, _premier, _standard = tiers()
    customer = CustomerFactory(
        name="Acme Logistics",
        region=Region.objects.get(code="EMEA"),
        account_manager=User.objects.get(username="am.alice"),
        segment=strategic,
        segment_locked=True,
        segment_lock_reason="Strategic by decision",
    )
    call_command("run_checks", "keyaccounts.health_reviews_due", stdout=io.StringIO())
    return customer


def test_alice_completes_a_due_health_review_with_one_action(page, sign_in, acme):
    from keyaccounts.models import HealthReview

    sign_in("am.alice")
    card = page.get_by_test_id("health-reviews-card")
    card.get_by_role("link", name="Acme Logistics").click()
    expect(page.get_by_test_id("review-status")).to_have_text("Open")
    expect(page.get_by_test_id("fact-sla")).to_contain_text("SLA compliance")

    in_a_week = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    next_quarter = (timezone.localdate() + datetime.timedelta(days=90)).isoformat()
    page.get_by_label("Notes of the review").fill("Held on site; they want a monthly SLA report.")
    page.get_by_label("Next review on").fill(next_quarter)
    first = page.get_by_test_id("action-row").first
    first.get_by_label("Action agreed").fill("Send the monthly SLA report")
    first.get_by_label("Who").select_option(label="Alice Martin")
    first.get_by_label("By").fill(in_a_week)
    page.get_by_test_id("complete-review").click()

    expect(page.get_by_test_id("flash")).to_contain_text("completed")
    expect(page.get_by_test_id("review-status")).to_have_text("Completed")
    expect(page.get_by_test_id("review-action")).to_contain_text("Send the monthly SLA report")
    review = HealthReview.objects.get(customer=acme)
    assert review.status == "completed" and review.actions.count() == 1 and review.facts

    page.goto(f"/segments/customers/{acme.pk}/")
    expect(page.get_by_test_id("customer-health-action")).to_contain_text("Send the monthly SLA report")
