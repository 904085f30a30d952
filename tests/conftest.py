"""Shared fixtures. Browser and worker fixtures live in tests/browser/ and tests/worker/."""

import os
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from tests.factories import PASSWORD, user_with

# Playwright's sync API runs an event loop in the test thread; Django must still allow ORM calls there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES", "") == "1"


def pytest_report_header(config):
    from django.conf import settings

    broker = "redis" if settings.REDIS_URL else "embedded filesystem broker"
    return [
        f"intimacy-ops: database={settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}, broker={broker}, "
        f"REQUIRE_SERVICES={'1' if REQUIRE_SERVICES else '0'}"
    ]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Under REQUIRE_SERVICES=1 a skip (a missing service, browser or tool) is a failure, never silent."""
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_SERVICES and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"REQUIRE_SERVICES=1 and this test would have been skipped: {reason}"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts from an empty cache: a per-minute counter (a customer link's views per address, all
    tests coming from 127.0.0.1) counts that test's requests, not the ones of whatever ran the same minute."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def make_user(db):
    """`make_user("account manager", regions=["EMEA"])` → a saved user with that role."""
    return user_with


@pytest.fixture
def browse(client):
    """`browse(user)` → the Django test client, signed in as that user (pages, not the API)."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def signed_in_api(db):
    """`signed_in_api(user)` → an APIClient authenticated with that user's real API token."""

    def sign_in(user):
        client = APIClient()
        response = client.post(
            "/api/v1/auth/token/", {"username": user.username, "password": PASSWORD}, format="json"
        )
        assert response.status_code == 200, response.content
        client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
        return client

    return sign_in


# --- the browser: one Debian Chromium per session, for tests/browser/ and tests/canary/ ------------------
# (Playwright's sync API can run only once per thread: a second session fixture elsewhere would fail.)

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser(django_db_setup):
    """Debian's Chromium, started once per session (after the test database exists; see below)."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: apt-get install -y chromium")
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Playwright's sync API leaves its asyncio loop "running" in this thread, and from then on Django
    # hands out different connection objects here (thread-critical locals become per-context). The test
    # database's serialized contents live on the old ones; without them a `serialized_rollback` test
    # run after this point (ours, or any later in the session) would start from an empty database.
    serialized = {
        alias: connections[alias]._test_serialized_contents
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }
    playwright = sync_playwright().start()
    for alias, contents in serialized.items():
        connections[alias]._test_serialized_contents = contents
    try:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    except Exception:
        playwright.stop()
        raise
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture(autouse=True)
def audit_checkpoints(tmp_path_factory, settings, monkeypatch) -> Path:
    """Each test has its own audit checkpoint folder (and so do the processes it starts): a checkpoint left by
    an earlier test of the same database would otherwise read as a truncated trail."""
    folder = tmp_path_factory.mktemp("audit-checkpoints")
    settings.AUDIT_CHECKPOINT_DIR = folder
    monkeypatch.setenv("AUDIT_CHECKPOINT_DIR", str(folder))
    return folder
