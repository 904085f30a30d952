"""Forms work by keyboard alone and focus is visible (issue 18, item 7): alice signs in and sends a new request
without the mouse; whatever the keyboard focuses, a link or a field, is ringed (`:focus-visible` in
static/css/app.css)."""

import re
from collections.abc import Callable

import pytest

from exceptions.models import ExceptionRequest
from intimacy_ops.accounts.demo import DEMO_PASSWORD
from intimacy_ops.accounts.models import User

pytestmark = pytest.mark.browser


@pytest.fixture
def alices_customer(demo_people):
    from intimacy_ops.accounts.models import Region
    from tests.exceptions.factories import ProcessFactory, RoutingThresholdFactory
    from tests.segments.factories import CustomerFactory

    emea = Region.objects.get(code="EMEA")
    RoutingThresholdFactory(region=emea)
    ProcessFactory(name="Warehouse picking and shipping")
    return CustomerFactory(
        name="Acme Logistics", region=emea, account_manager=User.objects.get(username="am.alice")
    )


def _focused(page) -> dict:
    return page.evaluate(
        """() => { const e = document.activeElement, style = getComputedStyle(e);
        return {id: e.id, tag: e.tagName, testid: e.dataset.testid || "", name: e.getAttribute("name") || "",
                outline: style.outlineStyle, width: parseFloat(style.outlineWidth)}; }"""
    )


def _tab_to(page, wanted: Callable[[dict], bool], most: int = 40) -> dict:
    """Press Tab until the focused element is the wanted one; fails past `most` presses."""
    for _ in range(most):
        page.keyboard.press("Tab")
        focused = _focused(page)
        if wanted(focused):
            return focused
    pytest.fail(f"not reached by Tab in {most} presses; focus ended on {_focused(page)}")


def test_alice_signs_in_and_sends_a_new_request_with_the_keyboard_alone(page, live_server, alices_customer):
    page.goto("/accounts/login/")
    _tab_to(page, lambda focused: focused["name"] == "username")
    page.keyboard.type("am.alice")
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/accounts/login/" not in page.url

    page.goto("/exceptions/new/")
    _tab_to(page, lambda focused: focused["id"] == "id_customer")
    page.keyboard.press("ArrowDown")  # a closed <select> changes its choice with the arrow keys
    page.keyboard.press("Tab")
    assert _focused(page)["id"] == "id_process"
    page.keyboard.press("ArrowDown")
    for field, text in (
        ("id_title", "Pallets wrapped in recycled film"),
        ("id_deviation", "Wrap Acme's pallets in recycled film instead of the standard stretch film."),
        ("id_justification", "Their sustainability report counts it; the renewal depends on it."),
    ):
        page.keyboard.press("Tab")
        assert _focused(page)["id"] == field
        page.keyboard.type(text)
    page.keyboard.press("Tab")
    assert _focused(page)["id"] == "id_kind"
    page.keyboard.press("ArrowDown")  # the first kind: one-off
    page.keyboard.press("Tab")
    assert _focused(page)["id"] == "id_starts_on"
    page.keyboard.type("06062027")  # day and month alike: the same date in every locale's order
    _tab_to(page, lambda focused: focused["id"] == "id_expires_on", most=3)  # Tab may walk the date's parts
    page.keyboard.type("07072027")
    # On through every other field to the button, and Enter sends the form.
    _tab_to(page, lambda focused: focused["testid"] == "save-review")
    with page.expect_navigation(url=re.compile(r"/exceptions/\d+/review/$")):
        page.keyboard.press("Enter")

    request = ExceptionRequest.objects.get(title="Pallets wrapped in recycled film")
    assert (request.customer, request.process.name, request.kind, str(request.starts_on)) == (
        alices_customer,
        "Warehouse picking and shipping",
        "one_off",
        "2027-06-06",
    )
    assert str(request.expires_on) == "2027-07-07"


def test_the_focused_link_or_field_shows_a_visible_outline(page, sign_in, alices_customer):
    """`:focus-visible` (static/css/app.css): whatever the keyboard focuses is ringed, links and fields alike."""
    sign_in("am.alice")
    page.goto("/exceptions/new/")
    skip = _tab_to(page, lambda focused: focused["tag"] == "A")
    assert skip["outline"] != "none" and skip["width"] >= 2, skip  # "Skip to content", the first stop
    link = _tab_to(
        page,
        lambda focused: (
            focused["tag"] == "A" and page.evaluate("document.activeElement.closest('nav') !== null")
        ),
    )
    assert link["outline"] != "none" and link["width"] >= 2, link
    field = _tab_to(page, lambda focused: focused["id"] == "id_customer")
    assert field["outline"] != "none" and field["width"] >= 2, field
