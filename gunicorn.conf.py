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
  WEB_GC_THRESHOLDS the garbage collector's gen0,gen1,gen2 thresholds in each worker, the loaded
                    application frozen first, or "off" for Python's (default: 50000,20,100)
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
# A worker restarts after this many requests (±jitter), so a slow leak never grows without bound. Rarely:
# a restart closes the keep-alive connections it held, and a client that was reusing one at that moment
# gets "connection reset" (a browser retries; a script may not — the load test saw it at 2,000). At the
# load test's 25 requests/s over 3 workers this is a restart every ~20 minutes.
max_requests = 10000
max_requests_jitter = 1000


def _gc_thresholds() -> tuple[int, int, int] | None:
    raw = os.environ.get("WEB_GC_THRESHOLDS", "").strip() or "50000,20,100"
    if raw.lower() == "off":
        return None
    try:
        values = tuple(int(part) for part in raw.split(","))
    except ValueError:
        values = ()
    if len(values) != 3 or min(values) < 1:
        raise SystemExit(
            f"Refusing to start: WEB_GC_THRESHOLDS={raw!r}: three whole numbers (gen0,gen1,gen2) or off."
        )
    return values


gc_thresholds = _gc_thresholds()  # read now: a bad value stops gunicorn before any worker starts


def post_worker_init(worker):
    """Once a worker has loaded the application: the collector tuned (intimacy_ops.wsgi.tune_garbage_collector)."""
    if gc_thresholds is None:
        return
    from intimacy_ops.wsgi import tune_garbage_collector

    tune_garbage_collector(gc_thresholds)
    worker.log.info("garbage collector: application frozen, thresholds %s", gc_thresholds)
