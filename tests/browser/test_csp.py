"""The Content-Security-Policy in a real browser (issue 13, item 4): Chromium refuses nothing on the main pages
of several roles, the API docs and the admin, and what runs on them still works — htmx swaps, the autosave,
the votes panel, the tiers chart, the calendar page's Copy button, Swagger UI, the admin's own scripts."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

# In the page, before any of its own scripts: every refusal the browser reports is passed to the test.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportViolation(`${event.violatedDirective} refused ${event.blockedURI || "inline"} on ${location.pathname}`);
});
"""


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", verbosity=0)


@pytest.fixture
def refusals(page):
    """What the browser refused or complained about in the policies (its events, its console), and every page
    that came without the Content-Security-Policy."""
    found = []
    page.expose_function("reportViolation", lambda text: found.append(text))
    page.add_init_script(REPORT_VIOLATIONS)

    def console(message):
        text = message.text
        if "Refused to" in text or "Content Security Policy" in text or "Permissions-Policy" in text:
            found.append(f"console: {text}")

    def response(response):
        if response.request.resource_type == "document":
            policy = response.headers.get("content-security-policy", "")
            if "script-src 'self';" not in policy + ";" or "frame-ancestors 'none'" not in policy:
                found.append(f"{response.url} came without the policy: {policy!r}")

    page.on("console", console)
    page.on("response", response)
    return found


def switch_to(page, sign_in, username):
    page.context.clear_cookies()
    sign_in(username)


def an_open_review_for_dan():
    from exceptions.models import Process
    from exceptions.services import lifecycle
    from governance.models import Review
    from intimacy_ops.accounts.models import User
    from segments.models import Customer
    from tests.exceptions.factories import ExceptionRequestFactory

    alice = User.objects.get(username="am.alice")
    starts_on = timezone.localdate() + datetime.timedelta(days=30)
    exception = ExceptionRequestFactory(
        customer=Customer.objects.filter(account_manager=alice).order_by("name").first(),
        process=Process.objects.get(name="Warehouse picking and shipping"),
        requested_by=alice,
        title="Saturday deliveries under the policy",
        estimated_monthly_cost=8000,  # above the EMEA threshold: the board decides
        starts_on=starts_on,
        expires_on=starts_on + datetime.timedelta(days=180),
    )
    lifecycle.submit_request(exception=exception, actor=alice)
    return Review.objects.get(exception=exception, status="open")


def test_main_pages_of_several_roles_run_under_the_policy_with_nothing_refused(page, sign_in, demo, refusals):
    from intimacy_ops.accounts.models import User
    from segments.models import Customer

    review = an_open_review_for_dan()
    acme = Customer.objects.get(name="Acme Logistics")

    # --- the API docs: Swagger UI's start-up script now comes from a URL ----------------------------------
    page.goto("/api/docs/")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()

    # --- alice: home, customers, a customer, a new request (htmx swaps and the autosave) ------------------
    sign_in("am.alice")
    expect(page.get_by_test_id("home-title")).to_be_visible()
    page.goto("/segments/customers/")
    expect(page.get_by_test_id("customer-row").first).to_be_visible()
    page.goto(f"/segments/customers/{acme.pk}/")
    page.get_by_test_id("exceptions").get_by_test_id("new-exception").click()
    expect(page.get_by_role("heading", name="New exception", level=1)).to_be_visible()
    page.get_by_label("Standard process it deviates from").select_option(
        label="Warehouse picking and shipping"
    )
    expect(page.get_by_test_id("similar").get_by_test_id("similar-row").first).to_contain_text(
        "Custom pallet labels"
    )
    page.get_by_label("Monthly cost (estimate)").fill("-5")
    page.get_by_label("Monthly cost (estimate)").blur()
    expect(page.get_by_test_id("error-estimated_monthly_cost")).to_have_text("A cost cannot be negative.")

    # --- dan: a review's votes panel (htmx), then his calendar page (its script from static/js) -----------
    switch_to(page, sign_in, "ccb.dan")
    page.goto(f"/governance/reviews/{review.pk}/")
    form = page.get_by_test_id("vote-form")
    form.get_by_label("Approve").check()
    form.get_by_label("Rationale").fill("Saturday slots are free; no overtime.")
    form.get_by_test_id("cast-vote").click()
    expect(page.get_by_test_id("votes-panel").get_by_test_id("vote-saved")).to_have_text(
        "Your vote is recorded."
    )
    page.goto("/governance/calendar/")
    address = page.get_by_test_id("feed-address")
    address.focus()
    assert address.evaluate("field => field.selectionEnd - field.selectionStart") == len(
        address.input_value()
    )
    page.get_by_test_id("copy-feed").click()
    expect(page.locator("#copy-status")).to_have_text(re.compile(r"Copied|Select the address"))

    # --- oscar: the tiers page's preview (htmx) draws its Chart.js chart --------------------------------
    switch_to(page, sign_in, "ops.oscar")
    page.goto("/segments/tiers/")
    busy = page.locator("#what-if-form-busy")
    assert busy.evaluate("element => getComputedStyle(element).visibility") == "hidden"  # shipped CSS
    premier = page.get_by_test_id("what-if-form").locator("tbody tr").nth(1)
    premier.locator("input").first.fill("800000")  # a lower revenue threshold for Premier
    page.get_by_test_id("preview-button").click()
    expect(page.get_by_test_id("capacity-chart")).to_be_visible()
    canvas = page.locator("#tier-chart")
    page.wait_for_function(
        "() => Chart.getChart(document.getElementById('tier-chart'))?.data.labels.length > 0"
    )
    assert canvas.evaluate("canvas => canvas.width") > 0

    # --- admin: the admin site and a change form, with the admin's own scripts --------------------------
    switch_to(page, sign_in, "admin")
    page.goto("/admin/")
    expect(page.locator("#site-name")).to_be_visible()
    page.goto(f"/admin/segments/customer/{acme.pk}/change/")
    expect(page.locator("#content h1")).to_be_visible()
    alice = User.objects.get(username="am.alice")
    page.goto(f"/admin/accounts/user/{alice.pk}/change/")
    expect(page.locator("input[name=_save]")).to_be_visible()
    expect(page.locator("#id_groups_from")).to_be_attached()  # SelectFilter2.js built the two-box picker
    main = page.locator("#main")
    shifted = "shifted" in (main.get_attribute("class") or "")
    page.locator("#toggle-nav-sidebar").click()  # nav_sidebar.js
    expect(main).to_have_class(re.compile(r"\bshifted\b") if not shifted else re.compile(r"^(?!.*shifted)"))

    page.wait_for_timeout(200)  # a late report still arrives
    assert refusals == [], "\n".join(refusals)
