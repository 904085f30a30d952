"""A real Celery worker runs tasks sent through the configured broker (Redis, or the embedded filesystem broker)."""

import pytest
from django.conf import settings
from django.db import connection

from intimacy_ops.celery import app
from intimacy_ops.health import Heartbeat, last_heartbeat
from intimacy_ops.tasks import run_check
from tests.worker import probe_tasks

pytestmark = pytest.mark.worker

TASK_TIMEOUT = 20


def test_a_worker_runs_the_heartbeat_check_sent_through_the_broker(celery_processes):
    assert not Heartbeat.objects.exists()
    worker = celery_processes.worker()

    result = run_check.delay("heartbeat")

    assert result.get(timeout=TASK_TIMEOUT).startswith("heartbeat recorded at ")
    heartbeat = last_heartbeat()
    assert heartbeat is not None, "the worker ran the check but this process sees no heartbeat row"
    assert heartbeat.runs == 1
    worker.wait_for_log(f"Task intimacy_ops.run_check[{result.id}] succeeded", timeout=10)


def test_the_worker_uses_this_runs_test_database_broker_and_var_folder(celery_processes):
    celery_processes.worker()

    where = probe_tasks.where_am_i.delay().get(timeout=TASK_TIMEOUT)

    assert where["database"] == str(connection.settings_dict["NAME"])
    assert where["broker"] == ("redis" if settings.REDIS_URL else "filesystem")
    with app.connection_for_read() as conn:
        assert where["broker"] == conn.transport.driver_type
    assert where["var_dir"] == str(settings.VAR_DIR)


def test_a_check_that_does_not_exist_fails_in_the_worker_and_the_caller_hears_why(celery_processes):
    celery_processes.worker()

    result = run_check.delay("no_such_check")

    with pytest.raises(LookupError, match="no_such_check.*heartbeat"):
        result.get(timeout=TASK_TIMEOUT)
    assert result.status == "FAILURE"
