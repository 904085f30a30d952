"""Issue 19's browser acceptance, whole: ops.oscar declares an incident and adds a tier's customers by rule;
am.alice finds it on her home, sends the tier-1 message to one customer and gives a goodwill credit within her
limit; oscar resolves it, writes the post-mortem with the trust impact assessment and closes it as reviewed."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect


@pytest.fixture
def world(demo_people):
    from exceptions.models import Process
    from incidents.models import GoodwillLimit
    from intimacy_ops.accounts.models import Region, User
    from intimacy_ops.accounts.roles import Role
    from tests.segments.factories import CustomerFactory, SegmentFactory

    emea = Region.objects.get(code="EMEA")
    alice = User.objects.get(username="am.alice")
    strategic = SegmentFactory(name="Strategic", rank=1)
    standard = SegmentFactory(name="Standard", rank=3)
    Process.objects.create(
        name="Warehouse picking", category="fulfilment", owner=User.objects.get(username="ops.oscar")
    )
    GoodwillLimit.objects.create(role=Role.ACCOUNT_MANAGER, segment=strategic, amount=Decimal("500"))
    acme = CustomerFactory(name="Acme Logistics", region=emea, account_manager=alice, segment=strategic)
    CustomerFactory(
        name="Zephyr Retail", region=emea, account_manager=alice, segment=standard
    )  # not the tier
    return {"acme": acme}


def test_an_incident_from_declaration_to_review(page, sign_in, world):
    from incidents.models import AffectedCustomer, Goodwill, Incident, IncidentMessage

    # Oscar declares the outage for EMEA and adds the strategic tier's customers by rule.
    sign_in("ops.oscar")
    page.goto("/incidents/new/")
    form = page.get_by_test_id("declare-form")
    form.get_by_label("What is broken").fill("Warehouse system down: picking stopped")
    form.get_by_label("Kind").select_option("outage")
    form.get_by_label("Severity").select_option("critical")
    form.get_by_label("Started at").fill("2026-12-01T08:00")
    form.get_by_test_id("regions").get_by_label("EMEA", exact=False).check()
    form.get_by_label("Warehouse picking").check()
    page.get_by_test_id("declare").click()
    expect(page.get_by_test_id("incident-status")).to_have_attribute("data-status", "open")
    incident = Incident.objects.get()
    rule = page.get_by_test_id("rule-form")
    rule.get_by_label("Strategic").check()
    rule.get_by_test_id("add-by-rule").click()
    expect(page.get_by_test_id("affected-row")).to_have_count(1)
    assert list(AffectedCustomer.objects.values_list("customer__name", flat=True)) == ["Acme Logistics"]

    # Alice sees it on her home and opens her queue: the tier-1 customer with the message ready.
    page.context.clear_cookies()
    sign_in("am.alice")
    page.goto("/")
    expect(page.get_by_test_id("incidents-card")).to_contain_text("Warehouse system down")
    page.goto(f"/incidents/{incident.pk}/")
    page.get_by_test_id("contact-link").click()
    row = page.get_by_test_id("contact-row")
    expect(row).to_have_count(1)
    expect(row.get_by_test_id("contact-tier")).to_have_text("Strategic")
    expect(row.get_by_label("Message")).to_have_value(re.compile("Acme Logistics"))

    # A credit within her 500 limit for the tier: recorded at once, no approval.
    row.get_by_test_id("goodwill-open").click()
    goodwill = row.get_by_test_id("goodwill-form")
    goodwill.get_by_label("Amount").fill("300")
    goodwill.get_by_label("Reason").fill("A day of picking lost before the peak.")
    goodwill.get_by_test_id("give-goodwill").click()
    expect(page.locator("body")).to_contain_text("recorded")
    given = Goodwill.objects.get()
    assert (given.amount, given.status, given.exception_id) == (Decimal("300.00"), "recorded", None)

    # Then the message, recorded as sent by phone: the queue is empty.
    row = page.get_by_test_id("contact-row")
    row.get_by_label("Channel").select_option("phone")
    row.get_by_test_id("record-sent").click()
    expect(page.get_by_test_id("empty")).to_contain_text("Everyone is contacted")
    sent = IncidentMessage.objects.get()
    assert (sent.customer_id, sent.channel, sent.sent_by.username) == (world["acme"].pk, "phone", "am.alice")
    assert "Acme Logistics" in sent.body

    # Oscar resolves it, writes the post-mortem with the trust impact assessment, and closes it as reviewed.
    page.context.clear_cookies()
    sign_in("ops.oscar")
    page.goto(f"/incidents/{incident.pk}/")
    page.get_by_test_id("step-resolve").click()
    expect(page.get_by_test_id("incident-status")).to_have_attribute("data-status", "resolved")
    page.get_by_test_id("step-review").click()
    expect(page.locator("body")).to_contain_text("the trust impact assessment")
    page.goto(f"/incidents/{incident.pk}/")
    page.get_by_test_id("post-mortem-link").click()
    page.get_by_label("Trust impact assessment").fill(
        "One strategic customer waited a day; credited, called first."
    )
    page.get_by_label("Lessons", exact=True).fill("Fail over the warehouse system before the morning wave.")
    page.get_by_test_id("save-post-mortem").click()
    expect(page.get_by_test_id("frozen-facts")).to_contain_text("300")
    page.goto(f"/incidents/{incident.pk}/")
    page.get_by_test_id("step-review").click()
    expect(page.get_by_test_id("incident-status")).to_have_attribute("data-status", "reviewed")
