"""Kernel tasks: thin wrappers that call services."""

from celery import shared_task

from intimacy_ops import checks


@shared_task(name="intimacy_ops.run_check")
def run_check(name: str) -> str:
    """Run one registered periodic check (beat sends one of these per schedule entry)."""
    return checks.run(name)
