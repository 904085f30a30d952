"""ops.oscar closes a resolved incident (issue 19's browser acceptance, the post-mortem half): "Mark reviewed"
is refused naming the trust impact assessment; on the post-mortem page he opens the root-cause analysis,
writes the assessment (the facts beside it are frozen into it) and the lessons, and the incident is reviewed."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect


@pytest.fixture
def resolved_incident(demo_people):
    from exceptions.models import Process
    from incidents.models import AffectedCustomer, Incident
    from intimacy_ops.accounts.models import Region, User
    from tests.segments.factories import CustomerFactory

    oscar = User.objects.get(username="ops.oscar")
    emea = Region.objects.get(code="EMEA")
    started = timezone.now() - datetime.timedelta(days=2)
    made = Incident.objects.create(
        title="Carrier strike", kind="delay", severity="major", status="resolved", started_at=started,
        detected_at=started, resolved_at=started + datetime.timedelta(days=1), owner=oscar, declared_by=oscar,
    )  # fmt: skip
    made.regions.set([emea])
    made.processes.set([Process.objects.create(name="Shipping", category="fulfilment", owner=oscar)])
    for name in ("Acme", "Borealis"):
        customer = CustomerFactory(name=name, region=emea)
        AffectedCustomer.objects.create(incident=made, customer=customer, via="rule", added_at=started)
    return made


def test_oscar_writes_the_post_mortem_and_closes_the_incident(page, sign_in, resolved_incident):
    made = resolved_incident
    sign_in("ops.oscar")
    page.goto(f"/incidents/{made.pk}/")
    page.get_by_test_id("step-review").click()
    expect(page.locator("body")).to_contain_text("the trust impact assessment and lessons")

    page.goto(f"/incidents/{made.pk}/")
    page.get_by_test_id("post-mortem-link").click()
    expect(page.get_by_test_id("live-facts")).to_contain_text("2")
    page.get_by_test_id("root-cause-form").get_by_label("Process").select_option(label="Shipping")
    page.get_by_test_id("open-rca").click()
    expect(page.get_by_test_id("rca-link")).to_contain_text("Shipping")
    page.get_by_label("Trust impact assessment").fill("Both customers waited a day; neither has escalated.")
    page.get_by_label("Lessons", exact=True).fill("Book the backup courier before the strike, not during it.")
    page.get_by_test_id("save-post-mortem").click()
    expect(page.get_by_test_id("frozen-facts")).to_contain_text("Customers affected")
    expect(page.get_by_test_id("assessment-text")).to_contain_text("neither has escalated")

    page.goto(f"/incidents/{made.pk}/")
    page.get_by_test_id("step-review").click()
    expect(page.get_by_test_id("incident-status")).to_have_attribute("data-status", "reviewed")
