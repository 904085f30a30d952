"""Issue 17's acceptance in a real browser on the demo data: ccb.dan filters the exceptions list down to two active
exceptions of am.alice's customer and proposes to sunset them ("Propose sunset of these 2" → confirmation with
a reason); ccb.dan and ccb.erin vote approve; ccb.carol approves with a sunset date, leaving one out with a
reason; am.alice opens her other request and reads the sunset date."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.test_governance import sign_out

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", verbosity=0)


def _vote(page, sign_in, username, review_url):
    sign_in(username)
    page.goto(review_url)
    form = page.get_by_test_id("vote-form")
    form.get_by_label("Approve").check()
    form.get_by_label("Rationale").fill("The standard covers both cases now.")
    form.get_by_test_id("cast-vote").click()
    expect(page.get_by_test_id("votes-panel").get_by_test_id("vote-saved")).to_have_text(
        "Your vote is recorded."
    )
    sign_out(page)


def test_dan_proposes_a_sunset_dan_and_erin_vote_carol_approves_with_a_date_alice_sees_it(
    page, sign_in, demo
):
    from exceptions.models import ExceptionRequest, Process
    from governance.models import Review
    from intimacy_ops.accounts.models import Region, User
    from tests.exceptions.factories import ExceptionRequestFactory
    from tests.segments.factories import CustomerFactory

    alice = User.objects.get(username="am.alice")
    customer = CustomerFactory(
        name="Lumen Optics", region=Region.objects.get(code="EMEA"), account_manager=alice
    )
    process = Process.objects.get(name="Warehouse picking and shipping")
    today = timezone.localdate()
    kept, ending = (
        ExceptionRequestFactory(
            customer=customer,
            process=process,
            requested_by=alice,
            title=title,
            status="active",
            route="lead",
            starts_on=today - datetime.timedelta(days=60),
            expires_on=today + datetime.timedelta(days=120),
        )
        for title in ("Hand-packed lens kits", "Saturday pickups at Lyon")
    )
    sunset_on = today + datetime.timedelta(days=21)

    # --- dan: the filtered list → "Propose sunset of these 2" → the confirmation with a reason ------------
    sign_in("ccb.dan")
    page.goto(f"/exceptions/?status=active&customer={customer.pk}")
    expect(page.get_by_test_id("result-count")).to_contain_text("2 requests")
    expect(page.get_by_test_id("propose-sunset")).to_have_text("Propose sunset of these 2")
    page.get_by_test_id("propose-sunset").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Propose sunset of these 2")
    expect(page.get_by_test_id("covered-row")).to_have_count(2)
    page.get_by_label("Reason").fill("Both are covered by the new packing standard.")
    with page.expect_navigation():
        page.get_by_test_id("send-proposal").click()
    review = Review.objects.get(kind="sunset", status="open", covered=ending)
    review_url = f"/governance/reviews/{review.pk}/"
    expect(page).to_have_url(f"{page.url.split('/governance/')[0]}{review_url}")
    expect(page.get_by_test_id("covered-item")).to_have_count(2)
    sign_out(page)

    _vote(page, sign_in, "ccb.dan", review_url)
    _vote(page, sign_in, "ccb.erin", review_url)

    # --- carol: approve, with a date, leaving the lens kits out ------------------------------------------
    sign_in("ccb.carol")
    page.goto(review_url)
    card = page.get_by_test_id("decide-card")
    card.get_by_test_id("outcome-approve").check()
    card.get_by_label("Rationale").fill("Sunset the Saturday pickups; the lens kits run to their renewal.")
    card.get_by_label("Sunset date").fill(sunset_on.isoformat())
    card.get_by_label("Hand-packed lens kits — Lumen Optics").check()
    card.get_by_label("Why they are left out").fill("Renewal negotiation under way.")
    with page.expect_navigation():
        card.get_by_test_id("record-decision").click()
    expect(page.get_by_test_id("decision")).to_contain_text("approve")
    expect(page.locator(f'[data-exception="{kept.pk}"]').get_by_test_id("left-out")).to_contain_text(
        "Renewal negotiation under way."
    )
    sign_out(page)

    # --- alice: her request shows the sunset date; the one left out does not -----------------------------
    sign_in("am.alice")
    page.goto(f"/exceptions/{ending.pk}/")
    expect(page.get_by_test_id("sunset-on")).to_have_text(f"Sunset on {sunset_on.day} {sunset_on:%b %Y}")
    page.goto(f"/exceptions/{kept.pk}/")
    expect(page.get_by_test_id("sunset-on")).to_have_count(0)
    assert ExceptionRequest.objects.get(pk=kept.pk).sunset_on is None
