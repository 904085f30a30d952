"""Issue 18's defects a new user hit, in a real browser: the request form's "Save and review" works on the
first click after typing, and a fixed field error clears its banner and border; a steward who flags a
break-glass session without a comment is told on the same page, on the field."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture
def acme(demo_people):
    from exceptions.services.catalog import create_process
    from intimacy_ops.accounts.models import Region, User
    from segments.models import Customer

    create_process(
        actor=User.objects.get(username="admin"),
        name="Warehouse picking and shipping",
        category="fulfilment",
        procedure="Pick, pack, ship.",
    )
    return Customer.objects.create(
        source="crm",
        external_id="CRM-1",
        name="Acme Logistics",
        region=Region.objects.get(code="EMEA"),
        account_manager=User.objects.get(username="am.alice"),
        contact_email="ceo@acme.example",
    )


def _fill_request(page, starts_on):
    page.get_by_label("Standard process it deviates from").select_option(
        label="Warehouse picking and shipping"
    )
    page.get_by_label("Short title").fill("Pallets wrapped in recycled film")
    page.get_by_label("How long").select_option("recurring")
    page.get_by_label("Starts on").fill(starts_on.isoformat())
    page.get_by_label("Ends on").fill((starts_on + datetime.timedelta(days=180)).isoformat())
    page.get_by_label("What will be done differently, and how").fill("Wrap Acme's pallets in recycled film.")


def test_alice_saves_and_reviews_with_one_click_after_typing_in_a_text_field(page, sign_in, acme):
    from exceptions.models import ExceptionRequest

    sign_in("am.alice")
    page.goto(f"/exceptions/new/?customer={acme.pk}")
    _fill_request(page, timezone.localdate() + datetime.timedelta(days=14))
    # The last thing typed is a text field; she clicks at once, without leaving it first.
    page.get_by_label("Why the business needs it").fill("Their sustainability report counts it.")
    page.get_by_test_id("save-review").click()

    expect(page).to_have_url(re.compile(r"/exceptions/\d+/review/$"))
    assert ExceptionRequest.objects.filter(title="Pallets wrapped in recycled film").count() == 1


def test_a_fixed_field_error_clears_the_banner_and_the_red_border_once_autosave_saves(page, sign_in, acme):
    sign_in("am.alice")
    page.goto(f"/exceptions/new/?customer={acme.pk}")
    _fill_request(page, timezone.localdate() + datetime.timedelta(days=14))
    page.get_by_label("Monthly cost (estimate)").fill("-5")
    page.get_by_label("Why the business needs it").fill("Their sustainability report counts it.")
    page.get_by_test_id("save-review").click()
    expect(page.get_by_test_id("form-errors")).to_be_visible()
    expect(page.get_by_label("Monthly cost (estimate)")).to_have_attribute("aria-invalid", "true")

    page.get_by_label("Monthly cost (estimate)").fill("700")
    page.get_by_label("Monthly cost (estimate)").blur()
    expect(page.get_by_test_id("autosave")).to_have_text(re.compile(r"Saved at \d\d:\d\d"))
    expect(page.get_by_test_id("form-errors")).to_have_count(0)
    expect(page.get_by_test_id("error-estimated_monthly_cost")).to_have_text("")
    expect(page.get_by_label("Monthly cost (estimate)")).not_to_have_attribute("aria-invalid", "true")


def test_sam_flags_a_session_without_a_comment_and_sees_the_field_error_on_the_same_page(page, sign_in, acme):
    from intimacy_ops.accounts.models import User
    from privacy.models import BreakGlassSession
    from privacy.services.sensitive_access import open_break_glass

    open_break_glass(
        actor=User.objects.get(username="ops.oscar"),
        subject=acme,
        justification="P1 outage at the customer's main site, AM unreachable",
    )
    sign_in("steward.sam")
    page.goto("/segments/privacy/break-glass/")
    row = page.get_by_test_id("session-row")
    expect(row).to_contain_text("Oscar Olsen")
    expect(row.get_by_text("required to flag")).to_be_visible()  # the hint is a label, never cut off
    row.get_by_test_id("flag").click()

    expect(page).to_have_url(re.compile(r"/segments/privacy/break-glass/"))
    expect(page.get_by_role("heading", name="Break-glass sessions")).to_be_visible()
    expect(page.get_by_test_id("form-errors")).to_be_visible()
    expect(row.get_by_test_id("error-comment")).to_contain_text("Say what is wrong with it")
    assert BreakGlassSession.objects.get().reviewed_at is None

    row.get_by_label("Comment").fill("No P1 was open at that hour.")
    row.get_by_test_id("flag").click()
    expect(page.get_by_test_id("session-row")).to_have_count(0)
    expect(page.get_by_role("status").or_(page.locator(".messages"))).to_contain_text(
        "Break-glass by Oscar Olsen"
    )
    expect(page.get_by_test_id("reviewed-sessions")).to_contain_text(re.compile("flag", re.I))


def test_the_checks_table_fits_a_1024_px_window(page, sign_in, demo_people):
    page.set_viewport_size({"width": 1024, "height": 768})
    sign_in("ops.oscar")
    page.goto("/checks/")
    table = page.get_by_test_id("checks-table")
    expect(table).to_be_visible()
    overflow = page.evaluate(
        """() => { const wrap = document.querySelector('[data-testid=checks-table]').closest('.table-wrap');
                   return wrap.scrollWidth - wrap.clientWidth; }"""
    )
    assert overflow <= 1, f"the table is {overflow}px wider than its frame"
    last = table.locator("thead th").last.bounding_box()
    assert last["x"] + last["width"] <= 1024


def test_notifications_open_read_and_filter_in_the_browser(page, sign_in, demo_people):
    from intimacy_ops.accounts.models import User
    from intimacy_ops.notifications import notify

    alice = User.objects.get(username="am.alice")
    for n in range(3):
        notify(
            [alice],
            subject=f"Vote {n + 1} on your review",
            body="Dan voted.",
            link="/notifications/settings/",
        )
    notify([alice], subject="Escalation raised", body="", link="/escalations/", urgent=True)
    sign_in("am.alice")
    expect(page.get_by_test_id("unread-count")).to_have_text("4")
    page.goto("/notifications/")
    page.screenshot(path="var/screenshots/notifications.png", full_page=True)
    expect(page.get_by_test_id("notification")).to_have_count(2)  # the three votes are one group
    page.get_by_role("link", name="Vote 3 on your review").click()
    expect(page).to_have_url(re.compile(r"/notifications/settings/$"))
    page.screenshot(path="var/screenshots/notification-settings.png", full_page=True)
    expect(page.get_by_test_id("unread-count")).to_have_text("3")
    page.goto("/notifications/?show=unread&kind=escalations")
    expect(page.get_by_test_id("notification")).to_have_count(1)
    expect(page.get_by_test_id("notification")).to_contain_text("Escalation raised")
