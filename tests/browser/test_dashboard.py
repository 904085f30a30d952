"""Oscar, the EMEA operations lead, opens the dashboard on the demo data, narrows it by segment (the panels
update in place, the URL keeps the view) and meets a bad filter as a form error."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", verbosity=0)


def test_oscar_filters_the_dashboard_by_segment_without_a_reload(page, sign_in, demo):
    from exceptions.models import ExceptionRequest
    from segments.models import Segment

    # A tier nobody has reached yet: the demo's stories put active requests in every other segment.
    top = Segment.objects.order_by("-rank").first()
    dormant = Segment.objects.create(
        name="Dormant", rank=top.rank + 1, min_annual_revenue=10**11, min_strategic_value=5,
        min_lifetime_value=10**11, min_support_complexity=5, capacity=10,
    )  # fmt: skip
    sign_in("ops.oscar")
    page.get_by_test_id("main-nav").get_by_role("link", name="Dashboard").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    by_segment = page.get_by_test_id("panel-exceptions-by-segment")
    expect(by_segment.locator("canvas")).to_be_visible()
    page.evaluate("window.stillThisPage = true")

    active = ExceptionRequest.objects.filter(status="active", customer__region__code="EMEA")
    holding = Segment.objects.filter(customers__in=active.values("customer")).distinct().first()
    empty = Segment.objects.exclude(customers__in=active.values("customer")).first()
    assert empty == dormant
    page.get_by_test_id("filter-segment").select_option(str(empty.pk))
    expect(page).to_have_url(re.compile(rf"segment={empty.pk}"))
    expect(page.get_by_test_id("empty-exceptions-by-segment")).to_be_visible()
    page.get_by_test_id("filter-segment").select_option(str(holding.pk))
    expect(page).to_have_url(re.compile(rf"segment={holding.pk}"))
    expect(page.get_by_test_id("panel-exceptions-by-segment").locator("tbody tr")).to_have_count(1)
    expect(page.get_by_test_id("panel-exceptions-by-segment").locator("tbody")).to_contain_text(holding.name)
    assert page.evaluate("window.stillThisPage") is True  # htmx swapped the panels; no full reload

    page.goto("/dashboard/?since=2026-05-01&until=2026-04-01")
    expect(page.get_by_test_id("filter-errors")).to_contain_text("until")
    expect(page.get_by_test_id("dashboard-panels")).to_have_count(0)
