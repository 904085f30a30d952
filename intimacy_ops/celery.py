"""The Celery app. Broker and result backend come from settings (Redis, or the embedded filesystem broker)."""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intimacy_ops.settings")

app = Celery("intimacy_ops")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Celery's Django fixup closes every database connection after each task: a new PostgreSQL backend, its
# authentication and session setup for every e-mail (~24,000 connections in the load test's 5 minutes,
# bench/README.md). It keeps them instead (this many tasks between its own closes), and each task starts and
# ends as a web request does: Django's close_old_connections honours CONN_MAX_AGE, CONN_HEALTH_CHECKS (a
# connection PostgreSQL dropped is noticed and replaced) and closes one an error left unusable.
app.conf["CELERY_DB_REUSE_MAX"] = 1_000_000_000
app.autodiscover_tasks()


@signals.task_prerun.connect(dispatch_uid="close-old-connections-before-task")
@signals.task_postrun.connect(dispatch_uid="close-old-connections-after-task")
def _close_old_connections(task=None, **_kwargs) -> None:
    if task is not None and getattr(task.request, "is_eager", False):
        return  # run in the caller's process and transaction (tests, CELERY_TASK_ALWAYS_EAGER): theirs to manage
    from django.db import close_old_connections

    close_old_connections()


@app.on_after_finalize.connect
def _schedule_registered_checks(sender: Celery, **_kwargs) -> None:
    """Every periodic check an app registered runs on beat, unless settings already schedule it."""
    # Imported here, not at the top: this module loads with the `intimacy_ops` package, before Django's
    # settings and app registry are ready, and the registry imports models (and is filled by ready()).
    from intimacy_ops import checks

    # A copy: adding to `conf.beat_schedule` in place would change settings.CELERY_BEAT_SCHEDULE itself.
    schedule = dict(sender.conf.beat_schedule)
    for check in checks.registered():
        schedule.setdefault(
            f"check:{check.name}",
            {"task": "intimacy_ops.run_check", "args": [check.name], "schedule": check.every_seconds},
        )
    sender.conf.beat_schedule = schedule
