"""The registry of periodic checks: each app registers its checks in its `checks.py`, found at start-up
(intimacy_ops/discovery.py); the kernel's own, the heartbeat, is registered at the end of this module.

Beat runs each on its schedule through the `intimacy_ops.run_check` task (defined here, so "run now"
enqueues it without going round through intimacy_ops/tasks.py); `python manage.py run_checks` runs them
all once, synchronously; administrators can "run now" from /checks/. A check
returns one line saying what it did — a `str`, or a `CheckResult` (a `str` that also carries counts)
— and must be idempotent and safe to run twice at once.

`run()` records every run as a `CheckRun` (start, end, summary, counts, error, trigger, host) and keeps
the last `KEEP_RUNS` of each check.
"""

import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from intimacy_ops import access, audit, errors, health
from intimacy_ops.health import CheckRun

KEEP_RUNS = 200
TRIGGERS = ("beat", "command", "page")


class CheckResult(str):
    """What a check found and did: its line (`summary`, also the string itself) and counts by name.

    A `str` so that a check's result reads and compares as its line: `CheckResult(summary="3 breached",
    counts={"breached": 3}) == "3 breached"`.
    """

    counts: dict[str, int]

    def __new__(cls, summary: str = "", counts: Mapping[str, int] | None = None) -> "CheckResult":
        result = super().__new__(cls, summary)
        result.counts = dict(counts or {})
        return result

    @property
    def summary(self) -> str:
        return str.__str__(self)

    def __repr__(self) -> str:
        return f"CheckResult(summary={self.summary!r}, counts={self.counts!r})"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """`1 reminder`, `2 reminders`: for check lines."""
    return f"{count} {singular if count == 1 else (plural_form or singular + 's')}"


def in_locked_batches(
    queryset, ids: list[int], handle: Callable[[list], object], *, size: int, keys: list | None = None
) -> list:
    """How a check acts on what crossed its line: `ids` were found with one indexed query; each batch of
    `size` is handed to `handle` inside its own transaction, its rows locked. Rows another run of the check
    holds are skipped, never waited for (PostgreSQL's SKIP LOCKED; SQLite has no row locks and one writer
    at a time), and `queryset` re-states the line, so a row another run dealt with meanwhile drops out.
    `keys` (one per id, ids sorted by it: the person who hears) never splits a key across batches: a batch
    grows past `size` rather than tell a person twice in one run. Returns what `handle` returned per batch."""
    results = []
    for batch in batches(ids, size, keys):
        with transaction.atomic():
            rows = (
                queryset.filter(pk__in=batch).select_for_update(skip_locked=True, of=("self",)).order_by("pk")
            )
            results.append(handle(list(rows)))
    return results


def batches(ids: list, size: int, keys: list | None = None):
    """`ids` in slices of `size`; with `keys` (one per id, sorted by it), never splitting a key."""
    if keys is None:
        for start in range(0, len(ids), size):
            yield ids[start : start + size]
        return
    batch: list[int] = []
    last = object()
    for key, pk in zip(keys, ids, strict=True):
        if len(batch) >= size and key != last:
            yield batch
            batch = []
        batch.append(pk)
        last = key
    if batch:
        yield batch


@dataclass(frozen=True)
class Check:
    name: str
    func: Callable[[], str]
    every_seconds: int
    description: str


_registry: dict[str, Check] = {}


def register(
    *, name: str, every_seconds: int, description: str
) -> Callable[[Callable[[], str]], Callable[[], str]]:
    """Decorator: add a function to the periodic checks under `name`."""

    def decorate(func: Callable[[], str]) -> Callable[[], str]:
        _registry[name] = Check(name=name, func=func, every_seconds=every_seconds, description=description)
        return func

    return decorate


def registered() -> list[Check]:
    return sorted(_registry.values(), key=lambda check: check.name)


def get(name: str) -> Check:
    try:
        return _registry[name]
    except KeyError:
        raise LookupError(
            f"No periodic check named {name!r}; known: {', '.join(sorted(_registry))}"
        ) from None


def run(name: str, *, trigger: str = "beat") -> CheckResult:
    """Run one check now, recording the run (and its error, re-raised) as a `CheckRun`."""
    check = get(name)
    record = CheckRun.objects.create(
        name=name, started_at=timezone.now(), trigger=trigger, hostname=socket.gethostname()[:255]
    )
    try:
        outcome = check.func()
    except Exception as error:
        CheckRun.objects.filter(pk=record.pk).update(
            finished_at=timezone.now(), error=f"{error.__class__.__name__}: {error}"
        )
        raise
    finally:
        _prune(name)
    result = outcome if isinstance(outcome, CheckResult) else CheckResult(str(outcome))
    CheckRun.objects.filter(pk=record.pk).update(
        finished_at=timezone.now(), summary=result.summary, counts=result.counts
    )
    return result


def _prune(name: str) -> None:
    """Keep the last KEEP_RUNS runs of a check (one indexed lookup and one delete)."""
    oldest_kept = (
        CheckRun.objects.filter(name=name)
        .order_by("-id")
        .values_list("id", flat=True)[KEEP_RUNS - 1 : KEEP_RUNS]
    )
    boundary = next(iter(oldest_kept), None)
    if boundary is not None:
        CheckRun.objects.filter(name=name, id__lt=boundary).delete()


def request_run(*, actor, name: str) -> Check:
    """An administrator asks for a check to run now: a `run_check` task (trigger "page") once this commits."""
    access.require(actor, "create", CheckRun)
    try:
        check = get(name)
    except LookupError:
        raise errors.NotFound("No periodic check has that name.") from None
    with transaction.atomic():
        audit.record(actor=actor, verb="check.run_requested", object_type="check", object_id=name)
        # robust: with the broker down the request is logged, not a 500 after the audit record committed; the
        # check still runs on beat's schedule once the broker is back.
        transaction.on_commit(lambda: run_check.apply_async((name, "page")), robust=True)
    return check


@shared_task(name="intimacy_ops.run_check")
def run_check(name: str, trigger: str = "beat") -> str:
    """Run one registered periodic check (beat sends one of these per schedule entry; "run now" too).

    The run is recorded as a CheckRun; an error is recorded there and re-raised, so Celery sees it.
    """
    return run(name, trigger=trigger).summary


# The kernel's own check: the heartbeat that /healthz and the administrator's home read (intimacy_ops/health.py).
register(
    name="heartbeat",
    every_seconds=health.HEARTBEAT_EVERY_SECONDS,
    description="Records that beat and a worker are alive.",
)(health.beat)
