"""Issue 18, "Queues", in Chromium: ops.oscar approves three requests in one bulk action from "Waiting for me" —
ticks them (select all, then one off), confirms what will happen, and reads the per-item result, a request decided
meanwhile named with its reason."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture
def waiting(demo_people):
    from exceptions.models import ExceptionRequest
    from intimacy_ops.accounts.models import Region, User
    from tests.exceptions.factories import ExceptionRequestFactory, ProcessFactory, RoutingThresholdFactory
    from tests.segments.factories import CustomerFactory

    emea = Region.objects.get(code="EMEA")
    RoutingThresholdFactory(region=emea)
    alice = User.objects.get(username="am.alice")
    customer = CustomerFactory(name="Acme Logistics", region=emea, account_manager=alice)
    process = ProcessFactory(name="Warehouse picking")
    titles = ["Saturday deliveries", "Recycled film", "Late cut-off", "Pallet labels", "Night pickup"]
    return [
        ExceptionRequestFactory(
            customer=customer,
            process=process,
            title=title,
            status=ExceptionRequest.Status.SUBMITTED,
            route="lead",
            risk_rating="medium" if n % 2 else "low",
        )
        for n, title in enumerate(titles)
    ]


def test_oscar_approves_three_requests_in_one_bulk_action_and_reads_each_result(page, sign_in, waiting):
    from exceptions.models import ExceptionRequest
    from exceptions.services import lifecycle
    from intimacy_ops.accounts.models import User

    sign_in("ops.oscar")
    page.goto("/exceptions/waiting/")
    rows = page.get_by_test_id("request-row")
    expect(rows).to_have_count(5)
    expect(page.get_by_test_id("bulk-count")).to_have_text("0 selected")

    page.get_by_label("Select all requests on this page").check()
    expect(page.get_by_test_id("bulk-count")).to_have_text("5 selected")
    page.get_by_label("Select Night pickup").uncheck()
    expect(page.get_by_test_id("bulk-count")).to_have_text("4 selected")
    page.get_by_label("Select Night pickup").focus()  # a tick is reached by keyboard too
    page.get_by_label("Decision").select_option("approve")
    page.get_by_label("Comment for the requesters").fill("Fine for the peak season.")
    with page.expect_navigation():
        page.get_by_test_id("bulk-review").click()

    # The confirmation lists what will happen; nothing is decided yet.
    expect(page.get_by_role("heading", level=1)).to_have_text("Approve: 4 requests")
    expect(page.get_by_test_id("bulk-item")).to_have_count(4)
    expect(page.get_by_test_id("bulk-comment-shown")).to_have_text("Fine for the peak season.")
    assert ExceptionRequest.objects.filter(status=ExceptionRequest.Status.APPROVED).count() == 0

    # One of them is decided meanwhile (in another tab): it is refused, the three others go ahead.
    late = ExceptionRequest.objects.get(title="Pallet labels")
    lifecycle.decide_request(
        exception=late, actor=User.objects.get(username="ops.oscar"), action="reject", comment="No."
    )
    with page.expect_navigation():
        page.get_by_test_id("bulk-confirm-submit").click()

    flash = page.get_by_test_id("flash")
    expect(flash).to_contain_text(
        "3 approved (Saturday deliveries, Recycled film, Late cut-off), 1 refused — Pallet labels: "
        "Cannot approve while the status is 'rejected'"
    )
    expect(page.get_by_test_id("request-row")).to_have_count(1)
    expect(page.get_by_test_id("request-row")).to_contain_text("Night pickup")
    approved = ExceptionRequest.objects.filter(status=ExceptionRequest.Status.APPROVED)
    assert sorted(approved.values_list("title", flat=True)) == [
        "Late cut-off",
        "Recycled film",
        "Saturday deliveries",
    ]
