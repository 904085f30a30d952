"""Reminders to the requester N days before an exception expires (issue 6, item 7).

N is the region's `RoutingThreshold.expiry_reminder_days` (default 14; a region without a threshold uses
`settings.EXCEPTION_EXPIRY_REMINDER_DAYS`, default 14). Exactly once per exception and expiry date: an
`ExpiryReminder` row, unique on (exception, expires_on), is written in the same transaction as the
notification; a concurrent run that loses the insert rolls back its notification too. An extension
moves the expiry, so the new date is reminded of again.
"""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from exceptions.models import ExceptionRequest, ExpiryReminder, RoutingThreshold
from exceptions.services import notifications

DEFAULT_REMINDER_DAYS = 14


def _default_days() -> int:
    return int(getattr(settings, "EXCEPTION_EXPIRY_REMINDER_DAYS", DEFAULT_REMINDER_DAYS))


def due_for_reminder(*, today: datetime.date):
    """Active exceptions expiring within their region's reminder window and not reminded of that date yet."""
    days_by_region = dict(RoutingThreshold.objects.values_list("region_id", "expiry_reminder_days"))
    horizon = today + datetime.timedelta(days=max([_default_days(), *days_by_region.values()]))
    candidates = (
        ExceptionRequest.objects.filter(
            status=ExceptionRequest.Status.ACTIVE,
            expires_on__isnull=False,
            expires_on__gt=today,
            expires_on__lte=horizon,
        )
        .filter(
            ~Exists(
                ExpiryReminder.objects.filter(exception=OuterRef("pk"), expires_on=OuterRef("expires_on"))
            )
        )
        .select_related("customer", "requested_by")
        .order_by("expires_on", "pk")
    )
    for exception in candidates:
        if (exception.expires_on - today).days <= days_by_region.get(
            exception.customer.region_id, _default_days()
        ):
            yield exception


def remind(exception: ExceptionRequest, *, today: datetime.date) -> bool:
    """Remind the requester of this exception's expiry date unless someone already did; True if this call did."""
    days_left = (exception.expires_on - today).days
    try:
        with transaction.atomic():
            ExpiryReminder.objects.create(
                exception=exception,
                expires_on=exception.expires_on,
                days_before=days_left,
                sent_at=timezone.now(),
            )
            notifications.expiry_reminder(exception, days_left)
    except IntegrityError:
        return False  # another run reminded them first
    return True


def send_expiry_reminders(*, today: datetime.date) -> int:
    """Every due reminder, once. Idempotent and safe to run twice at once."""
    return sum(remind(exception, today=today) for exception in due_for_reminder(today=today))
