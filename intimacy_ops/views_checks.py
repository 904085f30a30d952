"""The "Background checks" page (/checks/): every periodic check, its schedule, its last run and its history.

Administrators and operations leads see it; administrators can run a check now (queued to a worker,
the row polls until that run is over).
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_GET, require_POST

from intimacy_ops import access, checks, errors
from intimacy_ops.escalations import reach
from intimacy_ops.health import CheckRun, beat_status, last_heartbeat

HISTORY_PAGE_SIZE = 50


def _require_viewer(user) -> None:
    access.require(user, "view", CheckRun)


def _can_run(user) -> bool:
    return bool(access.allowed(user, "create", CheckRun))


def _check_or_404(name: str) -> checks.Check:
    try:
        return checks.get(name)
    except LookupError:
        raise errors.NotFound("No periodic check has that name.") from None


def every(seconds: int) -> str:
    """60 → "every minute", 3600 → "every hour", 90 → "every 90 s"."""
    for unit, label in ((86_400, "day"), (3600, "hour"), (60, "minute")):
        if seconds % unit == 0:
            count = seconds // unit
            return f"every {label}" if count == 1 else f"every {count} {label}s"
    return f"every {seconds} s"


def _periodic_tasks() -> dict:
    """django-celery-beat's entries for the checks (what beat really runs: operations may pause or re-time them)."""
    try:
        from django_celery_beat.models import PeriodicTask
    except ImportError:  # pragma: no cover - installed with the project
        return {}
    entries = PeriodicTask.objects.filter(name__startswith="check:").select_related("interval")
    return {entry.name.removeprefix("check:"): entry for entry in entries}


def _latest_runs() -> dict[str, CheckRun]:
    latest = CheckRun.objects.values("name").annotate(last=Max("id")).values("last")
    return {run.name: run for run in CheckRun.objects.filter(id__in=latest)}


def _waiting_since(request: HttpRequest) -> datetime.datetime | None:
    since = parse_datetime(request.GET.get("since", ""))
    return since if since and timezone.is_aware(since) else None


def _row(check: checks.Check, run: CheckRun | None, entry, *, since=None) -> dict:
    # Queued by "run now" at `since`: keep polling until a run that started after it has finished.
    waiting = since is not None and (run is None or run.started_at < since or run.finished_at is None)
    return {
        "check": check,
        "run": run,
        "entry": entry,
        "every": every(check.every_seconds),
        "since": since,
        "waiting": waiting,
    }


@login_required
@require_GET
def check_list(request: HttpRequest) -> HttpResponse:
    _require_viewer(request.user)
    runs, entries = _latest_runs(), _periodic_tasks()
    rows = [_row(check, runs.get(check.name), entries.get(check.name)) for check in checks.registered()]
    heartbeat = last_heartbeat()
    return render(
        request,
        "checks/list.html",
        {
            "rows": rows,
            "can_run": _can_run(request.user),
            "beat": beat_status(heartbeat=heartbeat),
            "heartbeat": heartbeat,
            "gaps": reach.gaps(),  # ladder rungs nobody holds in a region: they fall through
        },
    )


@login_required
@require_GET
def check_row(request: HttpRequest, name: str) -> HttpResponse:
    """One check's row, which the page polls after "run now" until the queued run is over."""
    _require_viewer(request.user)
    check = _check_or_404(name)
    run = CheckRun.objects.filter(name=name).order_by("-id").first()
    row = _row(check, run, _periodic_tasks().get(name), since=_waiting_since(request))
    return render(request, "checks/_row.html", {"row": row, "can_run": _can_run(request.user)})


@login_required
@require_POST
def check_run_now(request: HttpRequest, name: str) -> HttpResponse:
    _require_viewer(request.user)
    check = _check_or_404(name)
    queued_at = timezone.now()
    checks.request_run(actor=request.user, name=name)
    if request.headers.get("HX-Request"):
        run = CheckRun.objects.filter(name=name).order_by("-id").first()
        row = _row(check, run, _periodic_tasks().get(name), since=queued_at)
        return render(request, "checks/_row.html", {"row": row, "can_run": True})
    messages.success(request, f"“{name}” is queued: a worker runs it in a moment.")
    return redirect("checks")


@login_required
@require_GET
def check_history(request: HttpRequest, name: str) -> HttpResponse:
    _require_viewer(request.user)
    check = _check_or_404(name)
    page = Paginator(CheckRun.objects.filter(name=name).order_by("-id"), HISTORY_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "checks/history.html",
        {"check": check, "page": page, "keep": checks.KEEP_RUNS, "every": every(check.every_seconds)},
    )
