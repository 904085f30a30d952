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
    from intimacy_ops import checks

    for check in checks.registered():
        key = f"check:{check.name}"
        if key not in sender.conf.beat_schedule:
            sender.conf.beat_schedule[key] = {
                "task": "intimacy_ops.run_check",
                "args": [check.name],
                "schedule": check.every_seconds,
            }
