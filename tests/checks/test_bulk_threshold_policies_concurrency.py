"""Two runs of governance.threshold_policies at once (PostgreSQL, two threads with their own connections) open
each review once: both insert in the same order, and the partial unique constraint on open reviews lets one
through (the other counts it as already open); every review is named to each board member exactly once."""

import pytest
from django.db import connection

from governance.models import Review
from governance.services import evaluation
from intimacy_ops import checks
from intimacy_ops.notifications.models import Notification
from tests.concurrency import twice_at_once
from tests.exceptions.factories import scenario
from tests.governance.policy_helpers import active, policy

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="concurrent inserts against a partial unique index need PostgreSQL",
    ),
]

ROWS = 12


def test_two_runs_at_once_open_each_review_once_and_name_it_once(monkeypatch):
    monkeypatch.setattr(evaluation, "BATCH_SIZE", 3)
    s = scenario()
    for n in range(ROWS):
        active(s, customer=[s.acme, s.zenith][n % 2], started_days_ago=100, runs_days=110 + n)
    policy("Lead 30", sunset_lead_days=30)

    results = twice_at_once(lambda: checks.run("governance.threshold_policies"))
    again = checks.run("governance.threshold_policies")

    assert all(isinstance(result, checks.CheckResult) for result in results), results
    assert Review.objects.filter(status="open").count() == ROWS
    assert again == f"1 policy: 0 reviews opened, {ROWS} already open"
    for member in (s.carol, s.dan, s.erin):
        named = sum(
            int(subject.split(" ", 1)[0]) if subject[0].isdigit() else 1
            for subject in Notification.objects.filter(recipient=member).values_list("subject", flat=True)
        )
        assert named == ROWS
