"""Intimacy Ops: the project package and the shared kernel."""

__version__ = "0.1.0"

from .celery import app as celery_app  # noqa: E402  (Celery's documented place for the app)

__all__ = ["celery_app", "__version__"]
