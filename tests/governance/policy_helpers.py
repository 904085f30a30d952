"""Shared helpers of the threshold-policy and outcome tests: active exceptions and policies in one line."""

import datetime
from decimal import Decimal

from django.utils import timezone

from governance.models import ThresholdPolicy
from tests.exceptions.factories import ExceptionRequestFactory
from tests.segments.factories import CustomerFactory


def active(
    s, *, customer=None, process=None, tag="", monthly="500", started_days_ago=10, runs_days=180, **extra
):
    """An active exception (written straight to the table, as the lifecycle tests do)."""
    today = timezone.localdate()
    starts_on = today - datetime.timedelta(days=started_days_ago)
    values = {
        "customer": customer or s.acme,
        "process": process or s.fulfilment,
        "deviation_tag": tag,
        "estimated_monthly_cost": Decimal(monthly),
        "status": "active",
        "route": "lead",
        "starts_on": starts_on,
        "expires_on": starts_on + datetime.timedelta(days=runs_days),
    }
    values.update(extra)
    return ExceptionRequestFactory(**values)


def customers(s, count, *, region=None, manager=None):
    return [
        CustomerFactory(region=region or s.emea, account_manager=manager or s.alice) for _ in range(count)
    ]


def policy(name="Policy", scope="global", **limits) -> ThresholdPolicy:
    return ThresholdPolicy.objects.create(name=name, scope=scope, **limits)
