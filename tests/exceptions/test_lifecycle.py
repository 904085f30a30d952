"""Dates drive the end of the lifecycle: approved → active on the start date, active → expired on the expiry date.
The periodic check runs them and is idempotent."""

import datetime

import pytest
import time_machine

from exceptions.models import ExceptionTransition
from exceptions.services import lifecycle
from intimacy_ops import checks
from tests.exceptions.factories import ExceptionRequestFactory, scenario

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 10)


@pytest.fixture
def s():
    return scenario()


def _approved(s, starts_on, expires_on=None):
    return ExceptionRequestFactory(
        customer=s.acme,
        process=s.fulfilment,
        status="approved",
        route="lead",
        starts_on=starts_on,
        expires_on=expires_on or starts_on + datetime.timedelta(days=30),
    )


def test_an_approved_exception_becomes_active_on_its_start_date_not_before(s):
    due = _approved(s, TODAY)
    later = _approved(s, TODAY + datetime.timedelta(days=1))
    assert lifecycle.activate_due_exceptions(today=TODAY) == 1
    due.refresh_from_db(), later.refresh_from_db()
    assert (due.status, later.status) == ("active", "approved")
    row = ExceptionTransition.objects.get(exception=due)
    assert (row.action, row.actor, row.authority) == ("activate", None, "system")
    assert "2026-03-10" in row.comment


def test_an_active_exception_expires_on_its_expiry_date(s):
    exception = _approved(s, TODAY - datetime.timedelta(days=30), expires_on=TODAY)
    lifecycle.activate_due_exceptions(today=TODAY - datetime.timedelta(days=1))
    assert lifecycle.expire_due_exceptions(today=TODAY - datetime.timedelta(days=1)) == 0
    assert lifecycle.expire_due_exceptions(today=TODAY) == 1
    exception.refresh_from_db()
    assert exception.status == "expired"


def test_a_permanent_exception_never_expires(s):
    exception = ExceptionRequestFactory(
        customer=s.acme,
        process=s.fulfilment,
        status="active",
        kind="permanent",
        expires_on=None,
        permanent_reason="x",
    )
    assert lifecycle.expire_due_exceptions(today=TODAY + datetime.timedelta(days=5000)) == 0
    exception.refresh_from_db()
    assert exception.status == "active"


def test_the_periodic_check_is_registered_and_idempotent(s):
    _approved(s, TODAY - datetime.timedelta(days=40), expires_on=TODAY - datetime.timedelta(days=1))
    _approved(s, TODAY)
    with time_machine.travel(datetime.datetime(2026, 3, 10, 12, 0, tzinfo=datetime.UTC), tick=False):
        first = checks.run("exceptions.start_and_expiry")
        second = checks.run("exceptions.start_and_expiry")
    assert first == "activated 2, sunset 0, expired 1 exception(s)"
    assert second == "activated 0, sunset 0, expired 0 exception(s)"
    assert ExceptionTransition.objects.count() == 3
