"""Two runs of exceptions.expiry_reminders at once (PostgreSQL, two threads with their own connections)
remind of each expiry once: the locked batches skip what the other holds, and the marker's unique
constraint (INSERT … ON CONFLICT DO NOTHING) decides a row both selected."""

import datetime

import pytest
import time_machine
from django.db import connection

from exceptions.models import ExpiryReminder
from exceptions.services import reminders
from intimacy_ops import checks
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


def test_two_runs_at_once_remind_of_each_expiry_once(monkeypatch):
    monkeypatch.setattr(reminders, "BATCH_SIZE", 4)  # several batches, so the two runs interleave
    s = scenario()
    customers = [s.acme, s.borealis, s.zenith]
    rows = [
        ExceptionRequestFactory(
            customer=customers[n % 3],
            process=s.fulfilment,
            status="active",
            route="lead",
            starts_on=TODAY - 40 * DAY,
            expires_on=TODAY + (1 + n % 9) * DAY,
        )
        for n in range(ROWS)
    ]
    with time_machine.travel(NOON, tick=False):
        results = twice_at_once(lambda: checks.run("exceptions.expiry_reminders"))
        again = checks.run("exceptions.expiry_reminders")

    assert all(isinstance(result, checks.CheckResult) for result in results), results
    assert sum(result.counts["reminded"] for result in results) == ROWS
    assert again.counts == {"reminded": 0}
    assert sorted(ExpiryReminder.objects.values_list("exception_id", flat=True)) == sorted(r.pk for r in rows)
    # Every expiry is named in exactly one notice (grouped per requester and run).
    named = sum(
        int(subject.split(" ", 1)[0]) if subject[0].isdigit() else 1
        for subject in Notification.objects.values_list("subject", flat=True)
    )
    assert named == ROWS
    assert Notification.objects.count() <= 6  # three requesters, each heard from at most each run
