"""Celery tasks of the segments app: thin wrappers that call services."""

from celery import shared_task

from segments.imports import running


@shared_task(name="segments.run_import")
def run_import(run_id: int) -> str:
    """Import the uploaded file of a queued run; a run already done (or under way) is not run again."""
    return running.process_queued_run(run_id=run_id)
