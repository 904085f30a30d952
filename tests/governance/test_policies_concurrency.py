"""Two evaluations of the threshold policies at once (PostgreSQL, two threads with their own connections):
the partial unique constraint on open reviews per policy and subject lets one review through."""

import pytest
from django.db import connection

from governance.models import Review
from governance.services.evaluation import evaluate_threshold_policies
from tests.concurrency import twice_at_once
from tests.exceptions.factories import scenario
from tests.governance.policy_helpers import active, customers, policy

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="concurrent inserts against a partial unique index need PostgreSQL",
    ),
]


def test_two_evaluations_at_once_open_one_review_per_crossing():
    s = scenario()
    for customer in customers(s, 3):
        active(s, customer=customer, tag="saturday-delivery")
    active(s, started_days_ago=400, runs_days=800)
    policy("Similar 3", min_similar_customers=3)
    policy("Age", max_age_days=365)
    results = twice_at_once(evaluate_threshold_policies)

    assert not any(isinstance(result, Exception) for result in results), results
    assert Review.objects.filter(status="open").count() == 2
    assert sorted(Review.objects.values_list("kind", flat=True)) == ["standardization", "sunset"]
    # Between them, the two runs opened each crossing once and found it open once.
    assert sum(len(result.opened) for result in results) == 2
    assert sum(result.already_open for result in results) == 2
