"""Playwright fixtures: one fresh context per test against `live_server`, in the session's one Debian Chromium
(`browser`, in tests/conftest.py: tests/canary/ drives it too).

A failing test leaves a full-page screenshot in var/screenshots/<test name>.png.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from intimacy_ops.accounts.demo import DEMO_PASSWORD

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
TIMEOUT_MS = 10_000
# `expect(...)` waits as long as an action does (its own default, 5 s, is short on a loaded 2-core machine).
expect.set_options(timeout=TIMEOUT_MS)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    # Everything in this folder drives the browser, whether or not a test remembered the marker.
    for item in items:
        if "tests/browser/" in item.nodeid:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item (`item.report_setup`, `item.report_call`) for the page fixture."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture
def page(request, browser, live_server, django_db_serialized_rollback):
    """A page in a fresh browser context (no cookies) whose relative URLs go to the live server.

    Serialized rollback brings back what migrations wrote (the role groups) that the live server's
    transactional database flushed after the previous test.
    """
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    failed = any(
        getattr(getattr(request.node, f"report_{when}", None), "failed", False) for when in ("setup", "call")
    )
    if failed:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name).strip("_")
        try:
            page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
        except Exception as problem:  # a crashed page must not hide the test's own failure
            print(f"could not save a screenshot: {problem}")
    context.close()


@pytest.fixture
def demo_people(transactional_db):
    """CONTRACT.md's demo regions and users (password `intimacy-demo`)."""
    from intimacy_ops.accounts.demo import seed_people

    seed_people()


@pytest.fixture
def sign_in(page):
    """`sign_in("am.alice")`: fill in and send the real sign-in form, wait for the page it leads to."""

    def sign_in(username: str, password: str = DEMO_PASSWORD):
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        with page.expect_navigation():
            page.get_by_test_id("sign-in").click()
        return page

    return sign_in
