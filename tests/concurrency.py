"""Run work in threads released at the same instant: how the tests show that two runs of a check, or two
people clicking at once, act exactly once (row locks and database constraints, not luck)."""

import threading
from collections.abc import Callable

from django.db import connections


def at_once(*works: Callable[[], object], timeout: float = 120) -> list:
    """Start each callable in its own thread, all released together; returns what each returned, or the
    exception it raised (so a test reports it instead of a thread dying silently)."""
    barrier = threading.Barrier(len(works))
    results: list = [None] * len(works)

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = works[index]()
        except Exception as error:  # reported by the caller's assertions
            results[index] = error
        finally:
            connections.close_all()  # each thread had its own connection

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(works))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return results


def twice_at_once(work: Callable[[], object], *, timeout: float = 120) -> list:
    """The same work twice, at the same instant."""
    return at_once(work, work, timeout=timeout)
