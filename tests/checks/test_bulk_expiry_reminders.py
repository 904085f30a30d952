"""exceptions.expiry_reminders acts in bulk (issue 14, item 3), with a fixed clock: each requester hears once
per run, naming every exception of theirs about to expire and linking to the filtered list; exactly what
entered its region's window is reminded, once; the run's queries do not grow with the rows; a database error
in the middle of a batch leaves it wholly undone for the next run to complete."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exceptions.models import ExceptionRequest, ExpiryReminder
from exceptions.services import reminders
from intimacy_ops import checks
from intimacy_ops.notifications.models import Notification
from tests.exceptions.factories import ExceptionRequestFactory, scenario

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=datetime.UTC)
TODAY = NOON.date()
DAY = datetime.timedelta(days=1)


def active(customer, process, count: int, *, first_in: int, title: str = "Expiring"):
    """`count` active requests expiring `first_in`, `first_in + 1`, … (ten dates at most) days from today."""
    return [
        ExceptionRequestFactory(
            customer=customer,
            process=process,
            status="active",
            route="lead",
            title=f"{title} {n}",
            starts_on=TODAY - 40 * DAY,
            expires_on=TODAY + (first_in + n % 10) * DAY,
        )
        for n in range(count)
    ]


def run(at=NOON) -> checks.CheckResult:
    with time_machine.travel(at, tick=False):
        return checks.run("exceptions.expiry_reminders")


def test_a_requester_with_five_expiring_exceptions_hears_once_naming_five(client):
    s = scenario()
    s.emea.routing_threshold.expiry_reminder_days = 10
    s.emea.routing_threshold.save()
    mine = active(s.acme, s.fulfilment, 5, first_in=6)  # 6…10 days: all within EMEA's 10
    # Outside EMEA's window until tomorrow:
    later = active(s.acme, s.fulfilment, 1, first_in=11, title="Later")
    [amys] = active(s.borealis, s.fulfilment, 1, first_in=3, title="Borealis pallets")
    bobs = active(s.zenith, s.billing, 2, first_in=13, title="Zenith")  # AMER keeps 14: 13 in, 14 in

    result = run()
    assert result.counts == {"reminded": 8}
    assert result == "8 expiry reminders to 3 requesters"

    [notice] = Notification.objects.filter(recipient=s.alice)
    assert notice.subject == "5 of your exceptions expire within 10 days"
    assert notice.link == "/exceptions/?status=active&expires_before=2026-03-20"
    assert all(f"“{exception.title}” for Acme" in notice.body for exception in mine)
    assert "Later" not in notice.body
    # One request alone reads as before: its own title, days and page.
    [single] = Notification.objects.filter(recipient=s.amy)
    assert single.subject == "“Borealis pallets 0” expires in 3 days"
    assert single.link == f"/exceptions/{amys.pk}/"
    [bobs_notice] = Notification.objects.filter(recipient=s.bob)
    assert bobs_notice.subject == "2 of your exceptions expire within 14 days"
    # The link lists exactly the five (not the one expiring later, not someone else's).
    client.force_login(s.alice)
    page = client.get(notice.link).content.decode()
    assert all(exception.title in page for exception in mine)
    assert later[0].title not in page
    assert set(ExpiryReminder.objects.values_list("exception_id", flat=True)) == {
        e.pk for e in [*mine, amys, *bobs]
    }

    # A second run changes nothing and tells nobody again.
    assert run().counts == {"reminded": 0}
    assert Notification.objects.count() == 3
    # A day later only the one now 10 days away is reminded, alone.
    assert run(NOON + DAY).counts == {"reminded": 1}
    newest = Notification.objects.filter(recipient=s.alice).latest("id")
    assert newest.subject == "“Later 0” expires in 10 days"


def test_a_marker_another_run_wrote_first_silences_that_reminder(monkeypatch):
    """The race the unique marker decides: this run selected the exception before another run's marker was
    visible to it (the selection made blind to markers here); its insert conflicts, so it tells nobody."""
    s = scenario()
    [taken, free] = active(s.acme, s.fulfilment, 2, first_in=3)
    ExpiryReminder.objects.create(exception=taken, expires_on=taken.expires_on, days_before=3, sent_at=NOON)
    blind = ExceptionRequest.objects.filter(status="active", expires_on__gt=TODAY)
    monkeypatch.setattr(reminders, "due_for_reminder", lambda *, today: blind)

    assert run().counts == {"reminded": 1}
    [notice] = Notification.objects.filter(recipient=s.alice)
    assert notice.subject == f"“{free.title}” expires in 4 days"
    assert ExpiryReminder.objects.count() == 2


def test_a_runs_queries_do_not_grow_with_the_rows_it_reminds(django_assert_max_num_queries):
    s = scenario()
    active(s.acme, s.fulfilment, 3, first_in=2)
    active(s.zenith, s.billing, 3, first_in=2)
    with CaptureQueriesContext(connection) as few:
        assert run().counts == {"reminded": 6}

    ExpiryReminder.objects.all().delete()
    ExceptionRequest.objects.all().delete()
    active(s.acme, s.fulfilment, 30, first_in=1, title="Many")
    active(s.zenith, s.billing, 30, first_in=1, title="Many")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert run().counts == {"reminded": 60}
    assert Notification.objects.filter(
        recipient=s.bob, subject="30 of your exceptions expire within 10 days"
    ).exists()


def test_a_requesters_rows_share_one_batch_so_they_hear_once_per_run(monkeypatch):
    monkeypatch.setattr(reminders, "BATCH_SIZE", 4)
    s = scenario()
    active(s.acme, s.fulfilment, 7, first_in=1)
    active(s.borealis, s.fulfilment, 3, first_in=1, title="Amy's")
    active(s.zenith, s.billing, 6, first_in=1, title="Bob's")
    assert run().counts == {"reminded": 16}
    assert sorted(Notification.objects.values_list("subject", flat=True)) == [
        "3 of your exceptions expire within 3 days",
        "6 of your exceptions expire within 6 days",
        "7 of your exceptions expire within 7 days",
    ]


INJECT = {
    "sqlite": [
        "CREATE TRIGGER bulk_test_fail BEFORE INSERT ON intimacy_ops_notification "
        "WHEN NEW.recipient_id = {pk} BEGIN SELECT RAISE(ABORT, 'injected failure'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION bulk_test_fail() RETURNS trigger AS $$ BEGIN "
        "IF NEW.recipient_id = {pk} THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$ "
        "LANGUAGE plpgsql",
        "CREATE TRIGGER bulk_test_fail BEFORE INSERT ON intimacy_ops_notification "
        "FOR EACH ROW EXECUTE FUNCTION bulk_test_fail()",
    ],
}
REMOVE = {
    "sqlite": ["DROP TRIGGER bulk_test_fail"],
    "postgresql": [
        "DROP TRIGGER bulk_test_fail ON intimacy_ops_notification",
        "DROP FUNCTION bulk_test_fail()",
    ],
}


def test_a_database_error_mid_batch_undoes_the_batch_and_the_next_run_completes_it():
    """A worker dying mid-batch, as the database sees it: the batch's markers are written, then its notice
    insert is refused by a trigger."""
    s = scenario()
    rows = active(s.acme, s.fulfilment, 6, first_in=1)
    with connection.cursor() as cursor:
        for statement in INJECT[connection.vendor]:
            cursor.execute(statement.format(pk=s.alice.pk))
    try:
        with pytest.raises(Exception, match="injected failure"):
            run()
        # The failing batch is wholly undone: no marker, no notice.
        assert not ExpiryReminder.objects.exists()
        assert not Notification.objects.exists()
    finally:
        with connection.cursor() as cursor:
            for statement in REMOVE[connection.vendor]:
                cursor.execute(statement)

    assert run().counts == {"reminded": 6}
    assert set(ExpiryReminder.objects.values_list("exception_id", flat=True)) == {row.pk for row in rows}
    [notice] = Notification.objects.filter(recipient=s.alice)
    assert notice.subject == "6 of your exceptions expire within 6 days"
