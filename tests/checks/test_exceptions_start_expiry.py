"""exceptions.start_and_expiry with a fixed clock, over several batches: exactly the requests whose start or
expiry date has come move, once; the run's counts are recorded; a second run changes nothing."""

import datetime

import pytest
import time_machine

from exceptions.models import ExceptionRequest, ExceptionTransition
from exceptions.services import lifecycle
from intimacy_ops import checks
from intimacy_ops.health import CheckRun
from tests.exceptions.factories import ExceptionRequestFactory, scenario

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 10)
NOON = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=datetime.UTC)


def request(s, status, starts_on, expires_on):
    return ExceptionRequestFactory(
        customer=s.acme,
        process=s.fulfilment,
        status=status,
        route="lead",
        starts_on=starts_on,
        expires_on=expires_on,
    )


def test_start_and_expiry_act_exactly_on_what_crossed_its_date_across_batches(monkeypatch):
    monkeypatch.setattr(lifecycle, "DUE_BATCH_SIZE", 2)
    s = scenario()
    day = datetime.timedelta(days=1)
    starting = [request(s, "approved", TODAY - n * day, TODAY + 30 * day) for n in range(5)]
    not_yet = request(s, "approved", TODAY + day, TODAY + 30 * day)
    expiring = [request(s, "active", TODAY - 40 * day, TODAY - n * day) for n in range(3)]
    still_active = request(s, "active", TODAY - 40 * day, TODAY + day)

    with time_machine.travel(NOON, tick=False):
        first = checks.run("exceptions.start_and_expiry")
        second = checks.run("exceptions.start_and_expiry")

    assert first == "activated 5, sunset 0, expired 3 exception(s)"
    assert first.counts == {"activated": 5, "sunset": 0, "expired": 3}
    assert second.counts == {"activated": 0, "sunset": 0, "expired": 0}
    status = dict(ExceptionRequest.objects.values_list("pk", "status"))
    # Those activated today whose expiry is also past would expire on the same run: none here.
    assert {status[row.pk] for row in starting} == {"active"}
    assert {status[row.pk] for row in expiring} == {"expired"}
    assert (status[not_yet.pk], status[still_active.pk]) == ("approved", "active")
    assert ExceptionTransition.objects.filter(action="activate").count() == 5
    assert ExceptionTransition.objects.filter(action="expire").count() == 3
    runs = CheckRun.objects.filter(name="exceptions.start_and_expiry").order_by("id")
    assert [run.counts for run in runs] == [
        {"activated": 5, "sunset": 0, "expired": 3},
        {"activated": 0, "sunset": 0, "expired": 0},
    ]
