"""The SLA sweep with a fixed clock: it marks and escalates exactly the cases whose due time passed, reminds
the account manager before a proactive-update deadline once per interval, and a second run changes nothing."""

from io import StringIO

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command

from intimacy_ops import checks
from intimacy_ops.escalations.models import Escalation
from intimacy_ops.health import CheckRun
from intimacy_ops.notifications.models import Notification
from segments.models import ServiceCase
from segments.services import sla
from tests.checks.factories import LADDER, minutes, open_case, sla_scene

pytestmark = pytest.mark.django_db


def sweep_at(moment) -> checks.CheckResult:
    with time_machine.travel(moment, tick=False):
        return checks.run("sla_sweep")


def escalations_of(case) -> list[tuple[str, int]]:
    rows = Escalation.objects.filter(
        content_type=ContentType.objects.get_for_model(ServiceCase), object_id=case.pk
    ).order_by("reason")
    return [(row.reason, row.level) for row in rows]


def test_a_case_is_breached_and_escalated_only_once_its_response_due_time_has_passed():
    scene = sla_scene(update_interval_minutes=None)
    late = open_case(scene, minutes(0), "Late one")
    later = open_case(scene, minutes(30), "Due later")
    answered = open_case(scene, minutes(0), "Answered in time")
    with time_machine.travel(minutes(50), tick=False):
        sla.record_first_response(actor=scene.oscar, case=answered)

    assert sweep_at(minutes(60)) == "0 breached, 0 escalations raised, 0 reminders"  # exactly due: not late
    result = sweep_at(minutes(61))

    assert result == "1 breached, 1 escalation raised, 0 reminders"
    assert result.counts == {"breached": 1, "escalations_raised": 1, "reminders": 0}
    assert escalations_of(late) == [("sla_response_breached", 1)]
    assert escalations_of(later) == escalations_of(answered) == []
    assert list(ServiceCase.objects.filter(breached=True).values_list("pk", flat=True)) == [late.pk]
    escalation = Escalation.objects.get()
    assert escalation.target_user == scene.alice  # the customer's account manager first
    assert escalation.region == scene.emea
    assert escalation.ladder == [{"role": "account manager", "after_minutes": 0}, *LADDER]
    assert escalation.target_role == "account manager"
    # A second run at the same time changes nothing.
    assert sweep_at(minutes(61)) == "0 breached, 0 escalations raised, 0 reminders"
    assert Escalation.objects.count() == 1


def test_the_resolution_line_is_a_second_escalation_of_the_same_case():
    scene = sla_scene(update_interval_minutes=None)
    case = open_case(scene, minutes(0))
    with time_machine.travel(minutes(20), tick=False):
        sla.record_first_response(actor=scene.oscar, case=case)
    resolved = open_case(scene, minutes(0), "Resolved in time")
    with time_machine.travel(minutes(200), tick=False):
        sla.resolve_case(actor=scene.oscar, case=resolved)

    assert sweep_at(minutes(240)) == "0 breached, 0 escalations raised, 0 reminders"
    assert sweep_at(minutes(241)) == "1 breached, 1 escalation raised, 0 reminders"
    assert sweep_at(minutes(300)) == "0 breached, 0 escalations raised, 0 reminders"

    assert escalations_of(case) == [("sla_resolution_breached", 1)]
    assert escalations_of(resolved) == []


def test_a_case_left_unanswered_gets_both_escalations_each_once():
    scene = sla_scene(update_interval_minutes=None)
    case = open_case(scene, minutes(0))

    assert sweep_at(minutes(61)).counts["escalations_raised"] == 1
    assert sweep_at(minutes(241)).counts == {"breached": 1, "escalations_raised": 1, "reminders": 0}
    assert sweep_at(minutes(500)).counts == {"breached": 0, "escalations_raised": 0, "reminders": 0}

    assert escalations_of(case) == [("sla_resolution_breached", 1), ("sla_response_breached", 1)]


def test_the_account_manager_is_reminded_before_each_proactive_update_deadline_once():
    scene = sla_scene(update_interval_minutes=120)
    case = open_case(scene, minutes(0))
    with time_machine.travel(minutes(10), tick=False):
        sla.record_first_response(actor=scene.oscar, case=case)  # updates are due every 2 h from here

    def reminders():
        return Notification.objects.filter(recipient=scene.alice).order_by("pk")

    # Deadline 10 + 120 = 130 min; the reminder comes a quarter of the interval (30 min) before it.
    assert sweep_at(minutes(99)).counts["reminders"] == 0
    assert sweep_at(minutes(100)).counts["reminders"] == 1
    assert sweep_at(minutes(100)).counts["reminders"] == 0
    assert sweep_at(minutes(200)).counts["reminders"] == 0
    [reminder] = reminders()
    assert "by 2026-03-02 11:10 UTC" in reminder.subject
    # The next one, for the deadline 250 min, at 220 min; once.
    assert sweep_at(minutes(220)).counts["reminders"] == 1
    assert sweep_at(minutes(221)).counts["reminders"] == 0
    assert [row.subject for row in reminders()][1].endswith("by 2026-03-02 13:10 UTC")


def test_a_resolved_case_or_a_policy_without_an_update_interval_gets_no_reminder():
    scene = sla_scene(update_interval_minutes=None)
    open_case(scene, minutes(0))
    assert sweep_at(minutes(1000)).counts["reminders"] == 0

    scene.policy.update_interval_minutes = 120
    scene.policy.save()
    case = open_case(scene, minutes(1000))
    with time_machine.travel(minutes(1010), tick=False):
        sla.resolve_case(actor=scene.oscar, case=case)
    assert sweep_at(minutes(1200)).counts["reminders"] == 0
    assert not Notification.objects.filter(recipient=scene.alice, subject__startswith="Update").exists()


def test_run_checks_prints_the_sweeps_line_and_records_the_run():
    scene = sla_scene()
    open_case(scene, minutes(0))
    out = StringIO()

    with time_machine.travel(minutes(95), tick=False):
        call_command("run_checks", "--check", "sla_sweep", stdout=out)

    assert out.getvalue() == "sla_sweep: 1 breached, 1 escalation raised, 1 reminder\n"
    run = CheckRun.objects.get(name="sla_sweep")
    assert (run.trigger, run.summary, run.error) == (
        "command",
        "1 breached, 1 escalation raised, 1 reminder",
        "",
    )
    assert run.counts == {"breached": 1, "escalations_raised": 1, "reminders": 1}
    assert run.started_at == run.finished_at == minutes(95)
