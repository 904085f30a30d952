"""The "Background checks" page: administrators and operations leads see every check, its schedule and last run;
administrators run one now (a run_check task queued on the broker after commit); others get 403."""

import datetime

import pytest
from django.utils import timezone
from django.utils.html import escape
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from intimacy_ops import checks
from intimacy_ops.audit import AuditEvent
from intimacy_ops.celery import app
from intimacy_ops.health import CheckRun
from tests.factories import PASSWORD, user_with

pytestmark = pytest.mark.django_db


def signed_in(client, role, username):
    user = user_with(role, regions=["EMEA"], username=username)
    assert client.login(username=user.username, password=PASSWORD)
    return user


def queued_messages() -> int:
    with app.connection_for_write() as conn:
        return conn.default_channel.queue_declare(app.conf.task_default_queue, passive=False).message_count


@pytest.fixture
def empty_queue():
    from tests.worker.conftest import purge

    purge(app.conf.task_default_queue)
    yield
    purge(app.conf.task_default_queue)


def test_an_administrator_sees_every_check_with_its_schedule_and_last_run(client):
    signed_in(client, "administrator", "ada")
    started = timezone.now() - datetime.timedelta(minutes=3)
    CheckRun.objects.create(
        name="sla_sweep",
        started_at=started,
        finished_at=started + datetime.timedelta(seconds=2),
        summary="3 breached, 2 escalations raised, 1 reminder",
        trigger="beat",
    )
    CheckRun.objects.create(
        name="retention", started_at=started, finished_at=started, error="OperationalError: lock timeout"
    )
    every_minute = IntervalSchedule.objects.create(every=60, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(
        name="check:sla_sweep",
        task="intimacy_ops.run_check",
        interval=every_minute,
        args='["sla_sweep"]',
        enabled=False,
    )

    response = client.get("/checks/")

    assert response.status_code == 200
    page = response.content.decode()
    for check in checks.registered():
        assert f'data-testid="check-{check.name}"' in page
        assert escape(check.description) in page
    assert "3 breached, 2 escalations raised, 1 reminder" in page
    assert "took 2.00 s" in page
    assert "OperationalError: lock timeout" in page and "pill-bad" in page
    assert "paused" in page  # beat's entry was disabled in the admin
    assert "Every minute" in page
    assert page.count('data-testid="run-now"') == len(checks.registered())
    assert 'href="/checks/" data-nav="checks"' in page  # the navigation entry


def test_an_operations_lead_sees_the_page_without_run_now(client):
    signed_in(client, "operations lead", "ops")

    response = client.get("/checks/")

    assert response.status_code == 200
    assert 'data-testid="run-now"' not in response.content.decode()
    assert 'data-nav="checks"' in response.content.decode()


@pytest.mark.parametrize("role", ["account manager", "auditor", "board chair"])
def test_other_roles_get_403_and_no_navigation_entry(client, role):
    signed_in(client, role, "someone")

    assert client.get("/checks/").status_code == 403
    assert client.get("/checks/sla_sweep/").status_code == 403
    assert client.post("/checks/sla_sweep/run/").status_code == 403
    assert 'data-nav="checks"' not in client.get("/notifications/").content.decode()


def test_run_now_queues_the_check_after_commit_and_the_row_polls_until_it_ran(
    client, empty_queue, django_capture_on_commit_callbacks
):
    admin = signed_in(client, "administrator", "ada")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post("/checks/sla_sweep/run/", HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert queued_messages() == 0  # nothing on the broker before the commit
    for callback in callbacks:  # the commit: the enqueue (and the audit sealer) run
        callback()
    assert queued_messages() == 1  # a real message on the broker, for a worker
    row = response.content.decode()
    assert 'data-testid="queued"' in row and 'hx-trigger="every 2s"' in row
    assert AuditEvent.objects.filter(verb="check.run_requested", object_id="sla_sweep", actor=admin).exists()
    # The worker runs it (here in-process): the next poll shows the run and stops polling.
    since = response.context["row"]["since"]
    checks.run("sla_sweep", trigger="page")
    polled = client.get("/checks/sla_sweep/row/", {"since": since.isoformat()}).content.decode()
    assert 'data-testid="queued"' not in polled and "hx-trigger" not in polled
    assert "by page" in polled


def test_run_now_without_htmx_redirects_with_a_message(
    client, empty_queue, django_capture_on_commit_callbacks
):
    signed_in(client, "administrator", "ada")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/checks/heartbeat/run/", follow=True)

    assert response.redirect_chain == [("/checks/", 302)]
    assert "is queued" in response.content.decode()
    assert queued_messages() == 1


def test_an_operations_lead_cannot_run_a_check(client, empty_queue, django_capture_on_commit_callbacks):
    signed_in(client, "operations lead", "ops")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post("/checks/sla_sweep/run/")

    assert response.status_code == 403
    assert callbacks == [] and queued_messages() == 0
    assert not AuditEvent.objects.filter(verb="check.run_requested").exists()


def test_an_unknown_check_is_404(client):
    signed_in(client, "administrator", "ada")

    assert client.get("/checks/no_such_check/").status_code == 404
    assert client.post("/checks/no_such_check/run/").status_code == 404


def test_run_now_is_post_only(client):
    signed_in(client, "administrator", "ada")

    assert client.get("/checks/sla_sweep/run/").status_code == 405


@pytest.mark.parametrize("runs", [3, 50])
def test_the_list_and_the_history_cost_the_same_queries_for_3_or_50_runs(
    client, runs, django_assert_max_num_queries
):
    signed_in(client, "administrator", "ada")
    now = timezone.now()
    for name in ("sla_sweep", "heartbeat"):
        CheckRun.objects.bulk_create(
            CheckRun(name=name, started_at=now, finished_at=now, summary=f"run {number}")
            for number in range(runs)
        )

    with django_assert_max_num_queries(12):
        assert client.get("/checks/").status_code == 200
    with django_assert_max_num_queries(12):
        response = client.get("/checks/sla_sweep/")
    assert response.status_code == 200
    assert response.content.decode().count('data-label="Started"') == runs


def test_the_history_is_paginated_and_has_an_empty_state(client):
    signed_in(client, "administrator", "ada")
    assert "has not run yet" in client.get("/checks/sla_sweep/").content.decode()
    now = timezone.now()
    CheckRun.objects.bulk_create(
        CheckRun(name="sla_sweep", started_at=now, finished_at=now, summary=f"run {number}")
        for number in range(60)
    )

    second = client.get("/checks/sla_sweep/", {"page": 2}).content.decode()

    assert "Page 2 of 2" in second
    assert second.count('data-label="Started"') == 10
