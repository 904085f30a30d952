"""gunicorn's settings, from the environment (README, "Production shape"); `gunicorn intimacy_ops.wsgi`
reads this file from the working directory.

The defaults suit what the load test measured: a request is mostly CPU in Python (~20 ms) plus a few
short database round trips, so one process per core plus one, each with 2 threads to overlap the
database waits. More threads buy little under the GIL; more processes than cores only queue on the CPU.
  WEB_CONCURRENCY   worker processes      (default: cores + 1)
  WEB_THREADS       threads per process   (default: 2; with more than 1 the worker class is gthread)
  WEB_WORKER_CLASS  sync | gthread | …    (default: gthread when WEB_THREADS > 1, else sync)
  WEB_TIMEOUT       seconds a request may take before its worker is restarted (default: 30)
  WEB_BIND          address to listen on  (default: 0.0.0.0:8000)
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SystemExit(f"Refusing to start: {name}={raw!r} is not a whole number.") from None
    if value < 1:
        raise SystemExit(f"Refusing to start: {name}={raw!r} must be at least 1.")
    return value


bind = os.environ.get("WEB_BIND", "").strip() or "0.0.0.0:8000"  # noqa: S104  (inside a container)
workers = _int("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1)
threads = _int("WEB_THREADS", 2)
worker_class = os.environ.get("WEB_WORKER_CLASS", "").strip() or ("gthread" if threads > 1 else "sync")
timeout = _int("WEB_TIMEOUT", 30)
graceful_timeout = 30
keepalive = 5
accesslog = "-"
# A worker restarts after this many requests (±jitter), so a slow leak never grows without bound.
max_requests = 2000
max_requests_jitter = 200
