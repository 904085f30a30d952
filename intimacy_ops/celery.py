"""The Celery app. Broker and result backend come from settings (Redis, or the embedded filesystem broker)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intimacy_ops.settings")

app = Celery("intimacy_ops")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


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
