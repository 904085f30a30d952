"""Every run of a check is recorded (start, end, summary, counts, error, trigger, host); an error is recorded
and re-raised; each check keeps its last KEEP_RUNS runs."""

import datetime
import socket

import pytest
import time_machine

from intimacy_ops import checks
from intimacy_ops.health import CheckRun
from intimacy_ops.tasks import run_check

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def probe_check(monkeypatch):
    """A check whose behaviour the test sets: `state["outcome"]` is returned, or raised when an exception."""
    state = {"outcome": "found 0"}

    def probe():
        if isinstance(state["outcome"], Exception):
            raise state["outcome"]
        return state["outcome"]

    monkeypatch.setitem(
        checks._registry,
        "probe",
        checks.Check(name="probe", func=probe, every_seconds=60, description="A probe."),
    )
    return state


def test_a_check_result_reads_as_its_line_and_carries_counts():
    result = checks.CheckResult(
        summary="3 breached, 2 escalations raised, 1 reminder", counts={"breached": 3}
    )

    assert result == "3 breached, 2 escalations raised, 1 reminder"
    assert result.summary == str(result)
    assert result.counts == {"breached": 3}
    assert checks.plural(1, "reminder") == "1 reminder"
    assert checks.plural(2, "escalation") == "2 escalations"


def test_a_run_is_recorded_with_its_line_counts_trigger_and_host(probe_check):
    probe_check["outcome"] = checks.CheckResult(summary="found 2", counts={"found": 2})
    with time_machine.travel(NOW, tick=False):
        result = checks.run("probe", trigger="command")

    assert result.counts == {"found": 2}
    run = CheckRun.objects.get(name="probe")
    assert (run.summary, run.counts, run.error, run.trigger) == ("found 2", {"found": 2}, "", "command")
    assert run.started_at == run.finished_at == NOW
    assert run.hostname == socket.gethostname()
    assert run.outcome == "ok"


def test_a_check_returning_a_plain_line_still_works(probe_check):
    assert run_check("probe") == "found 0"  # the task, called in-process: beat's trigger

    run = CheckRun.objects.get(name="probe")
    assert (run.summary, run.counts, run.trigger) == ("found 0", {}, "beat")


def test_an_error_is_recorded_on_the_run_and_raised_again(probe_check):
    probe_check["outcome"] = RuntimeError("the probe broke")

    with pytest.raises(RuntimeError, match="the probe broke"):
        run_check("probe")

    run = CheckRun.objects.get(name="probe")
    assert run.error == "RuntimeError: the probe broke"
    assert run.finished_at is not None
    assert run.outcome == "failed"


def test_each_check_keeps_its_last_runs_only(probe_check, monkeypatch):
    monkeypatch.setattr(checks, "KEEP_RUNS", 5)
    CheckRun.objects.create(name="heartbeat", started_at=NOW)  # another check's runs are not touched
    for number in range(8):
        probe_check["outcome"] = f"run {number}"
        checks.run("probe")

    kept = list(CheckRun.objects.filter(name="probe").order_by("id").values_list("summary", flat=True))
    assert kept == [f"run {number}" for number in range(3, 8)]
    assert CheckRun.objects.filter(name="heartbeat").count() == 1
