"""exceptions.start_and_expiry acts in bulk (issue 14, item 3), with a fixed clock: a person hears once per run
about what it did to their requests (naming them, linking to the filtered list), the run's queries do not grow
with the rows it moves, and a database error in the middle of a batch leaves the batch wholly undone for the
next run to complete."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exceptions.models import ExceptionRequest, ExceptionTransition
from intimacy_ops import checks
from intimacy_ops.audit import AuditEvent
from intimacy_ops.notifications.models import Notification
from tests.exceptions.factories import ExceptionRequestFactory, scenario

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 10)
NOON = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)


def expiring(customer, process, count: int, title: str = "Expiring"):
    return [
        ExceptionRequestFactory(
            customer=customer,
            process=process,
            status="active",
            route="lead",
            title=f"{title} {n}",
            starts_on=TODAY - 40 * DAY,
            expires_on=TODAY - (n % 3) * DAY,
        )
        for n in range(count)
    ]


def run() -> checks.CheckResult:
    with time_machine.travel(NOON, tick=False):
        return checks.run("exceptions.start_and_expiry")


def test_an_account_manager_with_five_expiring_exceptions_hears_once_naming_five(client):
    s = scenario()
    mine = expiring(s.acme, s.fulfilment, 5)
    [amys] = expiring(s.borealis, s.fulfilment, 1, title="Borealis pallets")

    assert run().counts == {"activated": 0, "sunset": 0, "expired": 6}

    [notice] = Notification.objects.filter(recipient=s.alice)
    assert notice.subject == "5 of your exceptions expired today"
    assert notice.link == "/exceptions/?status=expired"
    assert all(f"“{exception.title}” for Acme" in notice.body for exception in mine)
    # One request alone reads as before: its own title and page.
    [single] = Notification.objects.filter(recipient=s.amy)
    assert single.subject == "Your exception “Borealis pallets 0” is expired"
    assert single.link == f"/exceptions/{amys.pk}/"
    # The link lists exactly the five.
    client.force_login(s.alice)
    page = client.get(notice.link).content.decode()
    assert all(exception.title in page for exception in mine)
    # A second run changes nothing and tells nobody again.
    assert run().counts == {"activated": 0, "sunset": 0, "expired": 0}
    assert Notification.objects.filter(recipient__in=[s.alice, s.amy]).count() == 2
    assert ExceptionTransition.objects.filter(action="expire").count() == 6
    assert AuditEvent.objects.filter(verb="exception.expire").count() == 6


def crossing(s, count: int) -> list:
    """`count` active requests of alice's that expired, and `count` approved ones of bob's that start."""
    ExceptionRequest.objects.all().delete()
    expiring(s.acme, s.fulfilment, count)
    return [
        ExceptionRequestFactory(
            customer=s.zenith,
            process=s.billing,
            status="approved",
            route="lead",
            starts_on=TODAY - DAY,
            expires_on=TODAY + 30 * DAY,
        )
        for _ in range(count)
    ]


def test_a_runs_queries_do_not_grow_with_the_rows_it_moves(django_assert_max_num_queries):
    s = scenario()
    crossing(s, 3)
    with CaptureQueriesContext(connection) as few:
        assert run().counts == {"activated": 3, "sunset": 0, "expired": 3}

    starting = crossing(s, 30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert run().counts == {"activated": 30, "sunset": 0, "expired": 30}
    assert {e.status for e in ExceptionRequest.objects.filter(pk__in=[e.pk for e in starting])} == {"active"}
    assert Notification.objects.filter(
        recipient=s.bob, subject="30 of your exceptions are now in force"
    ).exists()


INJECT = {
    "sqlite": [
        "CREATE TRIGGER bulk_test_fail BEFORE INSERT ON exceptions_exceptiontransition "
        "WHEN NEW.exception_id = {pk} BEGIN SELECT RAISE(ABORT, 'injected failure'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION bulk_test_fail() RETURNS trigger AS $$ BEGIN "
        "IF NEW.exception_id = {pk} THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$ "
        "LANGUAGE plpgsql",
        "CREATE TRIGGER bulk_test_fail BEFORE INSERT ON exceptions_exceptiontransition "
        "FOR EACH ROW EXECUTE FUNCTION bulk_test_fail()",
    ],
}
REMOVE = {
    "sqlite": ["DROP TRIGGER bulk_test_fail"],
    "postgresql": [
        "DROP TRIGGER bulk_test_fail ON exceptions_exceptiontransition",
        "DROP FUNCTION bulk_test_fail()",
    ],
}


def test_a_database_error_mid_batch_undoes_the_batch_and_the_next_run_completes_it():
    """A worker dying mid-batch, as the database sees it: the batch's transaction fails part-way (its third
    transition row is refused by a trigger, after the batch's UPDATE ran)."""
    s = scenario()
    rows = expiring(s.acme, s.fulfilment, 6)
    first_batch = sorted(row.pk for row in rows)
    with connection.cursor() as cursor:
        for statement in INJECT[connection.vendor]:
            cursor.execute(statement.format(pk=first_batch[2]))
    try:
        with pytest.raises(Exception, match="injected failure"):
            run()
        # The failing batch is wholly undone: no status, transition, audit event or notice of it remains.
        assert set(ExceptionRequest.objects.filter(pk__in=first_batch).values_list("status", flat=True)) == {
            "active"
        }
        assert not ExceptionTransition.objects.filter(exception_id__in=first_batch).exists()
        assert not AuditEvent.objects.filter(verb="exception.expire").exists()
        assert not Notification.objects.filter(recipient=s.alice).exists()
    finally:
        with connection.cursor() as cursor:
            for statement in REMOVE[connection.vendor]:
                cursor.execute(statement)

    assert run().counts == {"activated": 0, "sunset": 0, "expired": 6}
    assert ExceptionTransition.objects.filter(action="expire").count() == 6
    assert AuditEvent.objects.filter(verb="exception.expire").count() == 6
    assert set(ExceptionRequest.objects.values_list("status", flat=True)) == {"expired"}
    [notice] = Notification.objects.filter(recipient=s.alice)
    assert notice.subject == "6 of your exceptions expired today"
