"""`python manage.py run_checks`: every registered periodic check once, synchronously, one line each
(`name: what it found and did`), each run recorded; `--check NAME` for one; an unknown name exits 1."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from intimacy_ops import checks
from intimacy_ops.health import CheckRun, Heartbeat, last_heartbeat

ROOT = Path(__file__).resolve().parents[2]


def run_checks(*names: str) -> tuple[list[str], str]:
    out, err = StringIO(), StringIO()
    call_command("run_checks", *names, stdout=out, stderr=err)
    return out.getvalue().splitlines(), err.getvalue()


def test_run_checks_runs_every_registered_check_printing_one_line_each(db):
    lines, errors = run_checks()

    assert errors == ""
    assert [line.split(": ", 1)[0] for line in lines] == [check.name for check in checks.registered()]
    [heartbeat_line] = [line for line in lines if line.startswith("heartbeat: ")]
    assert heartbeat_line.startswith("heartbeat: heartbeat recorded at ")
    assert "sla_sweep: 0 breached, 0 escalations raised, 0 reminders" in lines
    assert last_heartbeat().runs == 1
    # Every run is recorded, as the command's.
    runs = CheckRun.objects.all()
    assert sorted(run.name for run in runs) == sorted(check.name for check in checks.registered())
    assert {run.trigger for run in runs} == {"command"}
    assert all(run.finished_at and not run.error for run in runs)


def test_running_the_checks_twice_is_safe(db):
    run_checks()
    run_checks()

    assert Heartbeat.objects.count() == 1
    assert last_heartbeat().runs == 2


def test_run_checks_runs_only_the_checks_named(db):
    lines, _ = run_checks("heartbeat")

    assert len(lines) == 1
    assert lines[0].startswith("heartbeat: heartbeat recorded at ")


def test_dash_dash_check_runs_that_check_only(db):
    out = StringIO()
    call_command("run_checks", "--check", "sla_sweep", stdout=out)

    assert out.getvalue() == "sla_sweep: 0 breached, 0 escalations raised, 0 reminders\n"
    assert list(CheckRun.objects.values_list("name", flat=True)) == ["sla_sweep"]
    assert last_heartbeat() is None


def test_an_unknown_check_exits_1_naming_the_known_ones():
    env = os.environ | {"DJANGO_SETTINGS_MODULE": "tests.settings"}
    done = subprocess.run(
        [sys.executable, "manage.py", "run_checks", "--check", "no_such_check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode == 1
    assert "no_such_check" in done.stderr
    for check in checks.registered():
        assert check.name in done.stderr
    assert done.stdout == ""


def test_an_unknown_check_is_refused_naming_the_known_ones_and_nothing_runs(db):
    with pytest.raises(CommandError) as refused:
        run_checks("heartbeat", "no_such_check")

    message = str(refused.value)
    assert "no_such_check" in message
    for check in checks.registered():
        assert check.name in message
    assert not Heartbeat.objects.exists()


def test_a_failing_check_is_reported_without_hiding_the_others(db, monkeypatch):
    def broken() -> str:
        raise RuntimeError("the probe broke")

    monkeypatch.setitem(
        checks._registry,
        "aaa_broken",
        checks.Check(name="aaa_broken", func=broken, every_seconds=60, description=""),
    )
    out, err = StringIO(), StringIO()

    with pytest.raises(CommandError, match=f"1 of {len(checks.registered())} checks failed"):
        call_command("run_checks", stdout=out, stderr=err)

    assert "aaa_broken: FAILED: RuntimeError: the probe broke" in err.getvalue()
    assert "heartbeat: heartbeat recorded at " in out.getvalue()
    assert last_heartbeat().runs == 1
    assert CheckRun.objects.get(name="aaa_broken").error == "RuntimeError: the probe broke"
