"""Schemathesis against /api/schema/, as an administrator, an account manager and an operations lead: every
operation, valid and invalid input, all of schemathesis' default checks (no server error, status codes,
content types, headers and bodies as documented, invalid data refused…). Issue 13, "Fuzzing in CI".

In-process through the WSGI app, inside the test's transaction: what the fuzzer writes is rolled back and
no other test sees it. Hypothesis is derandomized (a fixed seed), so a run is the same every time.
"""

import time
from collections import Counter
from contextlib import contextmanager
from io import StringIO

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.core.failures import FailureGroup

pytestmark = pytest.mark.django_db

DEMO_PASSWORD = "intimacy-demo"  # CONTRACT.md
ROLES = {"administrator": "admin", "account manager": "am.bob", "operations lead": "ops.oscar"}
EXAMPLES_PER_OPERATION = 8  # × 90 operations × 3 roles: ≥ 2,000 cases
# Every check stays on. Schemathesis' positive-data check lets a schema-valid request be refused with 401,
# 403, 404, 409 or 429; this API also answers 400 to such a request, by contract: a related id that names
# nothing or lies outside your scope, a date before another, a business rule no JSON Schema can state
# (CONTRACT.md: "400 with field errors for bad input"). Every such 400 is documented (intimacy_ops.schema).
CONFIG = schemathesis.Config.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "3xx", "400", "401", "403", "404", "409", "429", "5xx"]
            }
        }
    }
)


@contextmanager
def connection_kept_open():
    """The WSGI handler closes the connection after each request (Django's test client keeps it from doing
    so): here that would end the test's transaction, and the fuzzer's writes would outlive the test."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=StringIO())


def token_of(username: str) -> str:
    from rest_framework.test import APIClient

    response = APIClient().post(
        "/api/v1/auth/token/", {"username": username, "password": DEMO_PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


def fuzz(schema, headers: dict) -> tuple[int, dict[str, str]]:
    """Every operation of the schema, a bounded number of cases each; → (cases run, failures by kind)."""
    cases, failures = 0, {}

    for result in schema.get_all_operations():
        operation = result.ok()
        strategy = st.one_of(
            operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE)
        )

        @given(case=strategy)
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            nonlocal cases
            cases += 1
            response = case.call(headers=headers)
            try:
                case.validate_response(response, headers=headers)
            except FailureGroup as failure:  # one or more checks failed
                for line in str(failure).splitlines():
                    if line.startswith("- "):
                        key = f"{case.operation.label}: {line[2:]}"
                        failures.setdefault(key, f"{case.as_curl_command(headers)}\n{failure}")
                if not any(line.startswith("- ") for line in str(failure).splitlines()):
                    failures.setdefault(
                        f"{case.operation.label}: {failure!s:.200}", case.as_curl_command(headers)
                    )

        run()
    return cases, failures


def test_the_schema_generates_without_a_warning():
    call_command("spectacular", "--fail-on-warn", "--file", "/dev/null")


@pytest.mark.parametrize("role", ROLES)
def test_fuzzing_the_api_finds_no_server_error_and_no_schema_violation(demo, role, capsys):
    headers = {"Authorization": f"Token {token_of(ROLES[role])}"}
    started = time.monotonic()

    with connection_kept_open():
        schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application(), config=CONFIG)
        cases, failures = fuzz(schema, headers)

    elapsed = time.monotonic() - started
    with capsys.disabled():
        print(
            f"\nschemathesis as {role}: {cases} cases in {elapsed:.0f} s, {len(failures)} distinct failures"
        )
    kinds = Counter(key.split(": ", 1)[1] for key in failures)
    assert not failures, "\n\n".join([str(kinds), *(f"{k}\n{v}" for k, v in sorted(failures.items()))])
    assert cases >= 600
