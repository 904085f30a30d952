"""Issue 7's acceptance in a real browser on the demo data: a request of am.alice above the threshold waits for the
board; ccb.dan and ccb.erin vote approve on the review page (the votes panel updates in place), ccb.carol sees
quorum and rule met and decides approve with a rationale; am.alice opens her request and reads `approved` and
the board's rationale."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

RATIONALE = "Two votes for; the dedicated slot pays for itself within the contract year."


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", verbosity=0)


def sign_out(page):
    with page.expect_navigation():
        page.get_by_test_id("logout").click()


def _vote(page, sign_in, username, rationale):
    sign_in(username)
    page.goto("/governance/")
    waiting = page.get_by_test_id("waiting-table")
    waiting.get_by_role("link", name="Night-time deliveries to the Lyon depot").click()
    form = page.get_by_test_id("vote-form")
    form.get_by_label("Approve").check()
    form.get_by_label("Rationale").fill(rationale)
    form.get_by_test_id("cast-vote").click()
    panel = page.get_by_test_id("votes-panel")
    expect(panel.get_by_test_id("vote-saved")).to_have_text(
        "Your vote is recorded."
    )  # swapped in place by htmx
    expect(panel.locator(f'[data-member="{username}"]')).to_contain_text(rationale)
    sign_out(page)


def test_dan_and_erin_vote_carol_decides_alice_sees_approved_with_the_rationale(page, sign_in, demo):
    from exceptions.models import ExceptionRequest, Process
    from exceptions.services import lifecycle
    from governance.models import Review
    from intimacy_ops.accounts.models import User
    from segments.models import Customer
    from tests.exceptions.factories import ExceptionRequestFactory

    alice = User.objects.get(username="am.alice")
    customer = Customer.objects.filter(account_manager=alice).order_by("name").first()
    starts_on = timezone.localdate() + datetime.timedelta(days=30)
    exception = ExceptionRequestFactory(
        customer=customer,
        process=Process.objects.get(name="Warehouse picking and shipping"),
        requested_by=alice,
        title="Night-time deliveries to the Lyon depot",
        estimated_monthly_cost=8000,  # above the EMEA threshold: the board decides
        starts_on=starts_on,
        expires_on=starts_on + datetime.timedelta(days=180),
    )
    lifecycle.submit_request(exception=exception, actor=alice)
    review = Review.objects.get(exception=exception, status="open")
    assert "am.alice" not in review.board.members.values_list("username", flat=True)  # nobody recused

    _vote(page, sign_in, "ccb.dan", "Night slots are free at Lyon; no overtime.")
    _vote(page, sign_in, "ccb.erin", "Low risk, and the customer's renewal depends on it.")

    # --- carol: quorum and rule met, she records the decision ------------------------------------------
    sign_in("ccb.carol")
    page.goto(f"/governance/reviews/{review.pk}/")
    card = page.get_by_test_id("decide-card")
    expect(card.get_by_test_id("quorum-check")).to_have_text("Quorum: 2 voted, 2 needed ✓")
    expect(card.get_by_test_id("rule-check")).to_contain_text("Rule (simple majority): approve supported ✓")
    expect(card.get_by_test_id("outcome-reject")).to_be_disabled()
    card.get_by_test_id("outcome-approve").check()
    card.get_by_label("Rationale").fill(RATIONALE)
    with page.expect_navigation():
        card.get_by_test_id("record-decision").click()
    expect(page.get_by_test_id("decision")).to_contain_text("approve")
    expect(page.get_by_test_id("decision-rationale")).to_have_text(RATIONALE)
    sign_out(page)

    # --- alice: her request is approved, with the board's rationale ------------------------------------
    sign_in("am.alice")
    page.goto(f"/exceptions/{exception.pk}/")
    expect(page.get_by_test_id("request-title")).to_have_text("Night-time deliveries to the Lyon depot")
    expect(page.get_by_test_id("status").first).to_have_text("Approved")
    expect(page.get_by_test_id("board-decision")).to_contain_text("Customer Intimacy Change Board: approved")
    expect(page.get_by_test_id("board-rationale")).to_have_text(RATIONALE)
    assert ExceptionRequest.objects.get(pk=exception.pk).status == "approved"
