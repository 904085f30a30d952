"""The check `keyaccounts.health_scores` twice at once, and three times in a row (PostgreSQL, two threads with
their own connections): one row per customer and day, and the same score whichever run wrote last."""

import pytest
from django.db import connection

from keyaccounts.models import HealthScore
from keyaccounts.score import compute
from segments.models import Customer
from tests.concurrency import twice_at_once
from tests.keyaccounts import score_fixture

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent upserts need PostgreSQL"),
]


def test_the_check_twice_at_once_keeps_one_row_per_customer_and_day():
    w = score_fixture.build()
    day, now = score_fixture.TODAY, score_fixture.NOW

    results = twice_at_once(lambda: compute.run(day=day, now=now))

    assert not any(isinstance(result, Exception) for result in results), results
    assert [result.counts["scored"] for result in results] == [5, 5]
    assert HealthScore.objects.count() == Customer.objects.count() == 5
    assert HealthScore.objects.get(customer=w.acme).score == 54
    for _ in range(3):
        compute.run(day=day, now=now)
    assert HealthScore.objects.count() == 5
    assert HealthScore.objects.get(customer=w.acme).score == 54
