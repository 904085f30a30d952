"""Reminders to the requester N days before an exception expires (issue 6, item 7), in bulk (issue 14, item 3).

N is the region's `RoutingThreshold.expiry_reminder_days` (default 14; a region without a threshold uses
`settings.EXCEPTION_EXPIRY_REMINDER_DAYS`, default 14). Exactly once per exception and expiry date: an
`ExpiryReminder` row, unique on (exception, expires_on), marks it. The check finds what is due with one
indexed query (ids by requester), then acts per batch in one transaction (`checks.in_locked_batches`: rows
another run holds are skipped, a requester's rows share a batch): one `INSERT … ON CONFLICT DO NOTHING
RETURNING` of the markers — a row a concurrent run marked first comes back missing and is not told — and one
insert of the notices, one per requester naming all their expiries ("3 of your exceptions expire within
10 days", linking to the filtered list). A failure mid-batch undoes markers and notices together; the next
run completes the batch. An extension moves the expiry, so the new date is reminded of again.
"""

import datetime

from django.conf import settings
from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from exceptions.models import ExceptionRequest, ExpiryReminder, RoutingThreshold
from exceptions.services import notifications
from intimacy_ops import checks

DEFAULT_REMINDER_DAYS = 14
BATCH_SIZE = 500


def _default_days() -> int:
    return int(getattr(settings, "EXCEPTION_EXPIRY_REMINDER_DAYS", DEFAULT_REMINDER_DAYS))


def _within_window(today: datetime.date) -> Q:
    """Expiring within the customer's region's window: one OR branch per distinct window (a handful)."""
    days_by_region = dict(RoutingThreshold.objects.values_list("region_id", "expiry_reminder_days"))
    regions_by_days: dict[int, list[int]] = {}
    for region_id, days in days_by_region.items():
        regions_by_days.setdefault(days, []).append(region_id)
    window = Q(expires_on__lte=today + datetime.timedelta(days=_default_days())) & ~Q(
        customer__region_id__in=list(days_by_region)
    )
    for days, region_ids in regions_by_days.items():
        window |= Q(customer__region_id__in=region_ids, expires_on__lte=today + datetime.timedelta(days=days))
    return window


def due_for_reminder(*, today: datetime.date):
    """Active exceptions expiring within their region's reminder window and not reminded of that date yet."""
    return (
        ExceptionRequest.objects.filter(
            status=ExceptionRequest.Status.ACTIVE, expires_on__isnull=False, expires_on__gt=today
        )
        .filter(_within_window(today))
        .filter(
            ~Exists(
                ExpiryReminder.objects.filter(exception=OuterRef("pk"), expires_on=OuterRef("expires_on"))
            )
        )
    )


def _mark(exceptions: list[ExceptionRequest], today: datetime.date) -> set[int]:
    """Insert the batch's markers in one statement; returns the exceptions this call marked (a concurrent
    run's marker wins silently: its exception is left out, so nobody hears twice)."""
    table = ExpiryReminder._meta.db_table
    now = timezone.now()
    values = [
        (exception.pk, exception.expires_on, (exception.expires_on - today).days, now)
        for exception in exceptions
    ]
    placeholders = ", ".join(["(%s, %s, %s, %s)"] * len(values))
    with connection.cursor() as cursor:
        cursor.execute(
            # The table is the model's and the placeholders ours: no outside text in the statement.
            f"INSERT INTO {table} (exception_id, expires_on, days_before, sent_at) VALUES {placeholders} "  # noqa: S608
            "ON CONFLICT (exception_id, expires_on) DO NOTHING RETURNING exception_id",
            [value for row in values for value in row],
        )
        return {row[0] for row in cursor.fetchall()}


def send_expiry_reminders(*, today: datetime.date) -> checks.CheckResult:
    """Every due reminder, once; each requester hears once per run. Idempotent, safe to run twice at once."""
    due = due_for_reminder(today=today)
    pairs = list(due.order_by("requested_by_id", "pk").values_list("requested_by_id", "pk"))

    def remind(batch: list[ExceptionRequest]) -> tuple[int, int]:
        if not batch:
            return 0, 0
        marked = _mark(batch, today)
        reminded = [exception for exception in batch if exception.pk in marked]
        notifications.expiry_reminders(reminded, today=today)
        return len(reminded), len({exception.requested_by_id for exception in reminded})

    still_due = due.select_related("customer", "requested_by")
    done = checks.in_locked_batches(
        still_due,
        [pk for _, pk in pairs],
        remind,
        size=BATCH_SIZE,
        keys=[requester for requester, _ in pairs],
    )
    reminded = sum(count for count, _ in done)
    requesters = sum(people for _, people in done)
    return checks.CheckResult(
        summary=f"{checks.plural(reminded, 'expiry reminder')} to {checks.plural(requesters, 'requester')}",
        counts={"reminded": reminded},
    )
