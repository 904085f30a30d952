"""Two re-standardization runs at once (PostgreSQL, two threads with their own connections): the unique
marker per process and period lets one review through."""

import pytest
from django.db import connection

from governance.models import Review
from governance.services.restandardization import open_restandardization_reviews
from governance.standard.models import Restandardization
from tests.concurrency import twice_at_once
from tests.exceptions.factories import scenario
from tests.governance.policy_helpers import active

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent inserts need PostgreSQL"),
]


def test_twice_at_once_opens_one_review_per_process_and_period():
    s = scenario()
    for process in (s.fulfilment, s.billing):
        process.controlled = True
        process.save()
        active(s, customer=s.acme, process=process)

    results = twice_at_once(open_restandardization_reviews)

    assert not any(isinstance(result, Exception) for result in results), results
    assert Review.objects.filter(kind="restandardization").count() == 2
    assert Restandardization.objects.count() == 2
    assert sum(len(result.opened) for result in results) == 2
