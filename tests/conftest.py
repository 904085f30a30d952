"""Shared fixtures. Browser and worker fixtures live in tests/browser/ and tests/worker/."""

import os

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
