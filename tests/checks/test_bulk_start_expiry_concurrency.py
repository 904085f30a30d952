"""Two runs of exceptions.start_and_expiry at once (PostgreSQL, two threads with their own connections) move
each request once: the locked batches skip what the other holds, and the UPDATE's state guard re-checks it."""

import datetime

import pytest
import time_machine
from django.db import connection

from exceptions.models import ExceptionRequest, ExceptionTransition
from exceptions.services import lifecycle
from intimacy_ops import checks
from intimacy_ops.audit import AuditEvent
from intimacy_ops.notifications.models import Notification
from tests.concurrency import twice_at_once
from tests.exceptions.factories import ExceptionRequestFactory, scenario

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks (SELECT … FOR UPDATE SKIP LOCKED) need PostgreSQL",
    ),
]

NOON = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=datetime.UTC)
TODAY = NOON.date()
DAY = datetime.timedelta(days=1)
ROWS = 40


def test_two_runs_at_once_expire_each_request_once(monkeypatch):
    monkeypatch.setattr(lifecycle, "DUE_BATCH_SIZE", 4)  # many small batches, so the two runs interleave
    s = scenario()
    customers = [s.acme, s.borealis, s.zenith]
    rows = [
        ExceptionRequestFactory(
            customer=customers[n % 3],
            process=s.fulfilment,
            status="active",
            route="lead",
            starts_on=TODAY - 40 * DAY,
            expires_on=TODAY - (n % 4) * DAY,
        )
        for n in range(ROWS)
    ]
    with time_machine.travel(NOON, tick=False):
        results = twice_at_once(lambda: checks.run("exceptions.start_and_expiry"))
        again = checks.run("exceptions.start_and_expiry")

    assert all(isinstance(result, checks.CheckResult) for result in results), results
    assert sum(result.counts["expired"] for result in results) == ROWS
    assert again.counts == {"activated": 0, "sunset": 0, "expired": 0}
    assert set(ExceptionRequest.objects.values_list("status", flat=True)) == {"expired"}
    assert sorted(ExceptionTransition.objects.values_list("exception_id", flat=True)) == sorted(
        r.pk for r in rows
    )
    assert AuditEvent.objects.filter(verb="exception.expire").count() == ROWS
    # Every expired request is named in exactly one notice (grouped per person and batch).
    named = sum(
        int(subject.split(" ", 1)[0]) if subject[0].isdigit() else 1
        for subject in Notification.objects.values_list("subject", flat=True)
    )
    assert named == ROWS
