"""Issue 6's acceptance in a real browser on the demo data: alice drafts a request (saved as she types), sees
similar requests appear, reviews and submits it, and reads its status and timeline; oscar approves it from
his "waiting for your decision" card; bob cannot open it."""

import datetime
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", verbosity=0)


def sign_out(page):
    with page.expect_navigation():
        page.get_by_test_id("logout").click()


def test_alice_drafts_and_submits_oscar_approves_bob_cannot_see_it(page, sign_in, demo):
    from exceptions.models import ExceptionRequest
    from segments.models import Customer

    acme = Customer.objects.get(name="Acme Logistics")
    starts_on = timezone.localdate() + datetime.timedelta(days=14)

    # --- alice: from her customer's page to a new request --------------------------------------------
    sign_in("am.alice")
    page.goto(f"/segments/customers/{acme.pk}/")
    page.get_by_test_id("exceptions").get_by_test_id("new-exception").click()
    expect(page.get_by_role("heading", name="New exception", level=1)).to_be_visible()
    expect(page.get_by_label("Customer", exact=True)).to_have_value(str(acme.pk))

    # Picking the process brings up the active exceptions on it (alice's pallet labels for another customer).
    expect(page.get_by_test_id("similar-empty")).to_be_visible()
    page.get_by_label("Standard process it deviates from").select_option(
        label="Warehouse picking and shipping"
    )
    similar = page.get_by_test_id("similar")
    expect(similar.get_by_test_id("similar-row").first).to_contain_text("Custom pallet labels")
    expect(similar.get_by_test_id("similar-count")).not_to_have_text("0")

    # A negative cost is named on its field as soon as she leaves it; nothing is saved yet.
    page.get_by_label("Monthly cost (estimate)").fill("-5")
    page.get_by_label("Monthly cost (estimate)").blur()
    expect(page.get_by_test_id("error-estimated_monthly_cost")).to_have_text("A cost cannot be negative.")
    expect(page.get_by_test_id("autosave")).to_contain_text("Not saved yet")

    page.get_by_label("Monthly cost (estimate)").fill("700")
    page.get_by_label("Short title").fill("Pallets wrapped in recycled film")
    page.get_by_label("What will be done differently, and how").fill(
        "Wrap Acme's pallets in recycled film instead of the standard stretch film."
    )
    page.get_by_label("Why the business needs it").fill(
        "Their sustainability report counts it; the renewal depends on it."
    )
    page.get_by_label("How long").select_option("recurring")
    page.get_by_label("Starts on").fill(starts_on.isoformat())
    page.get_by_label("Ends on").fill((starts_on + datetime.timedelta(days=180)).isoformat())
    page.get_by_label("Ends on").blur()

    # The draft is saved on its own; the indicator says when.
    expect(page.get_by_test_id("autosave")).to_have_text(re.compile(r"Saved at \d\d:\d\d"))
    expect(page.get_by_test_id("error-estimated_monthly_cost")).to_have_text("")
    draft = ExceptionRequest.objects.get(title="Pallets wrapped in recycled film")
    assert draft.status == "draft" and draft.estimated_monthly_cost == 700
    expect(page).to_have_url(re.compile(rf"/exceptions/{draft.pk}/edit/$"))

    # Review, then submit.
    page.get_by_test_id("save-review").click()
    expect(page).to_have_url(re.compile(rf"/exceptions/{draft.pk}/review/$"))
    expect(page.get_by_test_id("route-preview")).to_contain_text("an operations lead of the region decides")
    assert (
        ExceptionRequest.objects.filter(title="Pallets wrapped in recycled film").count() == 1
    )  # no second draft
    page.get_by_test_id("submit").click()

    expect(page).to_have_url(re.compile(rf"/exceptions/{draft.pk}/$"))
    # Below the threshold: it waits `submitted` for the lead, who takes it up as he decides.
    expect(page.get_by_test_id("status").first).to_have_text("Submitted")
    expect(page.get_by_test_id("waits-for")).to_contain_text(
        "Waiting for the operations lead of EMEA: Oscar Olsen"
    )
    timeline = page.get_by_test_id("timeline")
    expect(timeline.get_by_test_id("timeline-entry")).to_have_count(1)
    expect(timeline.get_by_test_id("timeline-entry").first).to_contain_text("Submitted")
    expect(timeline.get_by_test_id("timeline-entry").first).to_contain_text("Draft → Submitted")
    expect(timeline.get_by_test_id("timeline-entry").first).to_contain_text("Alice Martin")
    request_url = page.url
    sign_out(page)

    # --- oscar: it waits for him; he approves ------------------------------------------------------------
    sign_in("ops.oscar")
    card = page.get_by_test_id("waiting-card")
    card.get_by_role("link", name="Pallets wrapped in recycled film").click()
    expect(page).to_have_url(request_url)
    page.get_by_label("Comment for the requester").fill("Small and good for the account.")
    page.get_by_test_id("approve").click()
    expect(page.get_by_test_id("status").first).to_have_text("Approved")
    entries = page.get_by_test_id("timeline").get_by_test_id("timeline-entry")
    expect(entries).to_have_count(3)
    expect(entries.nth(1)).to_contain_text("Submitted → Under review")
    expect(entries.nth(1)).to_contain_text("Oscar Olsen")
    last = entries.last
    expect(last).to_contain_text("Under review → Approved")
    expect(last).to_contain_text("Oscar Olsen")
    expect(last).to_contain_text("Small and good for the account.")
    expect(page.get_by_test_id("decision-card")).to_have_count(0)
    sign_out(page)

    # --- bob, AMER: alice's request does not exist for him --------------------------------------------------
    sign_in("am.bob")
    response = page.goto(request_url)
    assert response.status == 404
    expect(page.get_by_test_id("error-page")).to_be_visible()
    expect(page.get_by_text("Pallets wrapped in recycled film")).to_have_count(0)


def test_oscar_filters_the_exceptions_by_status_and_segment_sorts_them_and_downloads_the_csv(
    page, sign_in, demo
):
    from exceptions.models import ExceptionRequest
    from segments.models import Segment

    active = ExceptionRequest.objects.filter(status="active", customer__region__code="EMEA")
    premier = Segment.objects.get(pk=active.values_list("customer__segment", flat=True).first())
    sign_in("ops.oscar")
    page.goto("/exceptions/")
    bar = page.get_by_test_id("filter-bar")
    page.get_by_test_id("filter-status").click()
    bar.get_by_label("Active").check()
    bar.get_by_label("Segment").select_option(str(premier.pk))
    with page.expect_navigation():
        bar.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(rf"status=active.*segment={premier.pk}"))
    rows = page.get_by_test_id("request-row")
    assert rows.count() >= 1
    for status in rows.evaluate_all("rows => rows.map(r => r.dataset.status)"):
        assert status == "active"

    with page.expect_navigation():
        page.locator('th a[data-sort="estimated_monthly_cost"]').click()
    expect(page).to_have_url(
        re.compile(rf"status=active.*segment={premier.pk}.*ordering=estimated_monthly_cost")
    )
    expect(page.get_by_test_id("filter-status")).to_contain_text("Active")

    with page.expect_download() as download:
        page.get_by_test_id("export-csv").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("id,title,status")
    assert len(text.splitlines()) == rows.count() + 1
    assert all(",active," in line for line in text.splitlines()[1:])
