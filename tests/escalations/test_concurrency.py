"""Two climb runs at once on PostgreSQL (two threads, two connections): every due escalation climbs once,
its next level is told once, and neither run waits for the other's locked rows."""

import datetime
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from intimacy_ops.escalations import services
from intimacy_ops.escalations.models import Escalation
from intimacy_ops.notifications.models import Notification
from tests.escalations.factories import breached_case, cast, escalate

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks (SELECT … FOR UPDATE SKIP LOCKED) need PostgreSQL",
    ),
]


def test_two_climbs_at_once_climb_each_escalation_once(transactional_db):
    people = cast()
    escalations = [escalate(breached_case(people.alice, title=f"Case {n}"))[0] for n in range(40)]
    later = timezone.now() + datetime.timedelta(minutes=61)
    barrier = threading.Barrier(2)
    results: list = [None, None]

    def climb(index):
        try:
            barrier.wait()
            results[index] = services.climb_escalations(now=later)["climbed"]
        except Exception as error:  # reported below
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=climb, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert all(isinstance(count, int) for count in results), results
    assert sum(results) == len(escalations), results
    assert set(Escalation.objects.values_list("level", flat=True)) == {2}
    # Level 2 (EMEA's operations lead) was told once per escalation.
    assert Notification.objects.filter(recipient=people.oscar).count() == len(escalations)
    assert services.climb_escalations(now=later) == {"climbed": 0}
