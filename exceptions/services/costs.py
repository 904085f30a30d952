"""The cost ledger: actual costs incurred by active exceptions, against what was estimated."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from exceptions.models import CostEntry, ExceptionRequest
from exceptions.services.lifecycle import lock
from intimacy_ops import access, audit, errors


def record_cost(
    *, actor, exception: ExceptionRequest, incurred_on: datetime.date, amount: Decimal, note: str = ""
) -> CostEntry:
    """Book an actual cost against an active exception (its account manager or an operations lead of the region)."""
    access.require(actor, "record_cost", exception)
    problems = {}
    if amount is None or Decimal(amount) < 0:
        problems["amount"] = ["An actual cost cannot be negative."]
    if incurred_on > timezone.localdate():
        problems["incurred_on"] = ["A cost cannot be booked in the future."]
    elif incurred_on < exception.starts_on:
        problems["incurred_on"] = [
            f"The exception started on {exception.starts_on:%Y-%m-%d}; book costs from then."
        ]
    if problems:
        raise errors.ValidationFailed(problems)
    with transaction.atomic():
        exception = lock(exception)  # the status cannot move while the cost is booked
        if exception.status != ExceptionRequest.Status.ACTIVE:
            raise errors.Conflict(
                f"Actual costs are booked on active exceptions only; this one is '{exception.status}'."
            )
        entry = CostEntry.objects.create(
            exception=exception,
            incurred_on=incurred_on,
            amount=amount,
            note=note,
            recorded_by=actor,
            recorded_at=timezone.now(),
        )
        audit.record(
            actor=actor,
            verb="exception.cost_recorded",
            obj=exception,
            after={"entry": entry.pk, "incurred_on": incurred_on, "amount": amount, "note": note},
        )
    return entry
