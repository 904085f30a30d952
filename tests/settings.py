"""The test run's settings: the real settings, with test-only defaults put into the environment first.

Anything already in the environment (DATABASE_URL, REDIS_URL, …) wins, so CI's PostgreSQL and
Redis are used when set. A Celery worker started by the tests uses this module too.
"""

import os
import secrets
from pathlib import Path

_ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-" + secrets.token_urlsafe(32))
os.environ.setdefault("AUDIT_KEY", "tests-only-" + secrets.token_urlsafe(32))
os.environ.setdefault("DJANGO_HTTPS", "0")
os.environ.setdefault("DJANGO_MANIFEST_STATIC", "0")
os.environ.setdefault("INTIMACY_OPS_VAR_DIR", str(_ROOT / "var" / "test"))


def _isolate_xdist_worker() -> None:
    """Under `pytest -n N` each worker process (gw0, gw1, …) has a var/ folder and a Redis database of its own
    (pytest-django already gives it its own test database): the folder gets the worker's name, the Redis
    database number goes up by one plus the worker's number. Done once: a Celery worker or server a test starts
    inherits the changed environment (and the marker) and must not move again."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker or os.environ.get("INTIMACY_OPS_TEST_WORKER") == worker:
        return
    os.environ["INTIMACY_OPS_TEST_WORKER"] = worker
    os.environ["INTIMACY_OPS_VAR_DIR"] = str(Path(os.environ["INTIMACY_OPS_VAR_DIR"]) / worker)
    redis_url = os.environ.get("REDIS_URL", "")
    if redis_url:
        base, _, db = redis_url.rstrip("/").rpartition("/")
        number = int(db) if db.isdigit() else 0
        offset = 1 + int(worker.removeprefix("gw") or 0)
        os.environ["REDIS_URL"] = (
            f"{base if db.isdigit() else redis_url.rstrip('/')}/{(number + offset) % 16}"
        )


_isolate_xdist_worker()
# Notification e-mails run their Celery task in-process on commit, so tests read them in mail.outbox.
os.environ.setdefault("NOTIFICATION_EMAIL_DELIVERY", "inline")
# Audit events are sealed by the committing thread, so a test reads a sealed trail right after a commit
# (tests/test_audit_concurrency.py runs the production sealer thread).
os.environ.setdefault("AUDIT_SEALING", "inline")

from intimacy_ops.settings import *  # noqa: E402,F403

# Hashing passwords slowly is a production virtue and a test-suite cost.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # noqa: S303
