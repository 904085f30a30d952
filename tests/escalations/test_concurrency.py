"""Two climb runs at once on PostgreSQL (two threads, two connections): every due escalation climbs once,
its next level is told once, and neither run waits for the other's locked rows."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from intimacy_ops.escalations import services
from intimacy_ops.escalations.models import Escalation
from intimacy_ops.notifications.models import Notification
from tests.concurrency import twice_at_once
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
    results = twice_at_once(lambda: services.climb_escalations(now=later)["climbed"])

    assert all(isinstance(count, int) for count in results), results
    assert sum(results) == len(escalations), results
    assert set(Escalation.objects.values_list("level", flat=True)) == {2}
    # Level 2 (EMEA's operations lead) was told once per escalation.
    assert Notification.objects.filter(recipient=people.oscar).count() == len(escalations)
    assert services.climb_escalations(now=later) == {"climbed": 0}
