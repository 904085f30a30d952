import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intimacy_ops.settings")
application = get_wsgi_application()


def tune_garbage_collector(thresholds: tuple[int, int, int]) -> None:
    """Import every view now (the URLconf loads lazily), set everything loaded so far aside from the
    collector (`gc.freeze`: the application is never garbage) and collect less often (gen0, gen1, gen2
    thresholds). Python's defaults (700, 10, 10) ran a collection every few hundred allocations of a request,
    and each older-generation pass walked the whole loaded application again: ~11 % of a worker's CPU in
    bench/mix_cpu.py. gunicorn.conf.py calls it in each worker (WEB_GC_THRESHOLDS)."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018  (imports every app's views)
    gc.collect()
    gc.freeze()
    gc.set_threshold(*thresholds)
