"""The SLA sweep acts in bulk (issue 14, item 3), with a fixed clock: breaches are escalated in one insert per
batch yet each escalation still reaches its account manager as its own urgent notice; the proactive-update
reminders reach an account manager once per run, naming every case; the run's queries do not grow with the
cases it acts on."""

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from intimacy_ops import checks
from intimacy_ops.escalations.models import Escalation
from intimacy_ops.notifications.models import Notification
from segments.models import ServiceCase
from tests.checks.factories import minutes, open_case, sla_scene

pytestmark = pytest.mark.django_db


def test_breaches_stay_individual_urgent_notices_and_reminders_come_grouped():
    scene = sla_scene()
    cases = [open_case(scene, minutes(0), f"Line {n} down") for n in range(5)]

    with time_machine.travel(minutes(65), tick=False):
        breached = checks.run("sla_sweep")
    assert breached.counts == {"breached": 5, "escalations_raised": 5, "reminders": 0}
    urgent = Notification.objects.filter(recipient=scene.alice, urgent=True)
    assert urgent.count() == 5  # urgent escalations stay one per case
    assert {n.subject.split(" — ")[0] for n in urgent} == {"Escalation, level 1: SLA response breached"}
    assert set(Escalation.objects.values_list("object_id", flat=True)) == {case.pk for case in cases}

    with time_machine.travel(minutes(95), tick=False):
        reminded = checks.run("sla_sweep")
        again = checks.run("sla_sweep")
    assert reminded.counts == {"breached": 0, "escalations_raised": 0, "reminders": 5}
    assert again.counts == {"breached": 0, "escalations_raised": 0, "reminders": 0}
    [notice] = Notification.objects.filter(recipient=scene.alice, urgent=False)
    assert notice.subject == "Update your customers on 5 open cases"
    assert all(f"case {case.external_id} (P1)" in notice.body for case in cases)
    assert notice.link == "/segments/cases/?status=open"


def counted_sweep(scene, count: int, opened: float) -> int:
    for n in range(count):
        open_case(scene, minutes(opened), f"Line {n} down")
    with time_machine.travel(minutes(opened + 65), tick=False), CaptureQueriesContext(connection) as captured:
        assert checks.run("sla_sweep").counts == {
            "breached": count,
            "escalations_raised": count,
            "reminders": 0,
        }
    return len(captured.captured_queries)


def test_a_sweeps_queries_do_not_grow_with_the_cases():
    scene = sla_scene(update_interval_minutes=None)
    few = counted_sweep(scene, 3, opened=0)
    many = counted_sweep(scene, 30, opened=100)  # the first three are not due again before 240
    assert ServiceCase.objects.filter(breached=True).count() == 33
    assert many <= few, (few, many)


def test_an_account_manager_hears_once_per_run_however_the_cases_are_batched(monkeypatch):
    from segments import checks as sla_checks

    monkeypatch.setattr(sla_checks, "SWEEP_BATCH_SIZE", 2)  # five cases: three batches if split by count
    scene = sla_scene()
    cases = [open_case(scene, minutes(0), f"Line {n} down") for n in range(5)]
    with time_machine.travel(minutes(65), tick=False):
        checks.run("sla_sweep")
    with time_machine.travel(minutes(95), tick=False):
        assert checks.run("sla_sweep").counts["reminders"] == 5
    [notice] = Notification.objects.filter(recipient=scene.alice, urgent=False)
    assert notice.subject == "Update your customers on 5 open cases"
    assert all(f"case {case.external_id} (P1)" in notice.body for case in cases)
    assert Notification.objects.filter(recipient=scene.alice, urgent=True).count() == 5
