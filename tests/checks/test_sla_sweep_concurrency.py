"""Two SLA sweeps at once (PostgreSQL, two threads with their own connections) produce exactly the escalations of
one: the locked batches skip what the other holds, and re-check what it already did."""

import pytest
import time_machine
from django.db import connection

from intimacy_ops import checks
from intimacy_ops.escalations.models import Escalation
from segments import checks as sla_checks
from segments.models import ServiceCase
from tests.checks.factories import minutes, open_case, sla_scene
from tests.concurrency import twice_at_once

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks (SELECT … FOR UPDATE SKIP LOCKED) need PostgreSQL",
    ),
]

CASES = 40


def test_two_sweeps_at_once_raise_each_escalation_exactly_once(monkeypatch):
    monkeypatch.setattr(sla_checks, "SWEEP_BATCH_SIZE", 4)  # many small batches, so the two runs interleave
    scene = sla_scene()
    cases = [open_case(scene, minutes(index % 3), f"Case {index}") for index in range(CASES)]
    with time_machine.travel(minutes(65), tick=False):
        results = twice_at_once(lambda: checks.run("sla_sweep"))

    assert all(isinstance(result, checks.CheckResult) for result in results), results
    assert sum(result.counts["breached"] for result in results) == CASES
    assert sum(result.counts["escalations_raised"] for result in results) == CASES
    assert Escalation.objects.count() == CASES
    assert set(Escalation.objects.values_list("object_id", flat=True)) == {case.pk for case in cases}
    assert set(Escalation.objects.values_list("reason", flat=True)) == {"sla_response_breached"}
    assert ServiceCase.objects.filter(breached=True, response_breached_at__isnull=False).count() == CASES
    # The update reminders (due at 90 min) are not yet due; a third sweep finds nothing.
    with time_machine.travel(minutes(66), tick=False):
        assert checks.run("sla_sweep").counts == {"breached": 0, "escalations_raised": 0, "reminders": 0}
