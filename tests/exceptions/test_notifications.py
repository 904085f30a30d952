"""Who hears what: the requester on every status change of their request they did not make themselves, the
approver (the region's operations leads, or the board's members and chair) when something waits for them; in
the app and by e-mail once the transaction commits, never for a rolled-back act. Reminders before expiry go
to the requester exactly once per expiry date, however often and however concurrently the check runs."""

import datetime

import pytest
import time_machine
from django.db import connection, transaction

from exceptions.models import ExpiryReminder
from exceptions.services import lifecycle, reminders
from governance import services as governance
from governance.models import Review
from intimacy_ops import checks, errors
from intimacy_ops.notifications.models import Notification
from tests.concurrency import twice_at_once
from tests.exceptions.factories import ExceptionRequestFactory, scenario

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=datetime.UTC)
TODAY = NOON.date()


@pytest.fixture
def s():
    return scenario()


def _inbox(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).order_by("id").values_list("subject", flat=True))


def _mailed_to(mailoutbox) -> list[str]:
    return sorted(address for mail in mailoutbox for address in mail.to)


def _submit(client, exception):
    response = client.post(f"/api/v1/exceptions/{exception.pk}/submit/", {}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def test_a_small_request_waits_for_the_regions_leads_and_the_requester_hears_who_decides(
    s, signed_in_api, mailoutbox, django_capture_on_commit_callbacks
):
    draft = ExceptionRequestFactory(customer=s.acme, process=s.fulfilment, title="Saturday deliveries")
    with django_capture_on_commit_callbacks(execute=True):
        _submit(signed_in_api(s.alice), draft)
    # Her own submit is not news to her; the routing right after it tells her who decides.
    assert _inbox(s.alice) == ["Your request “Saturday deliveries” waits for an operations lead of EMEA"]
    assert _inbox(s.oscar) == ["Waiting for your decision: “Saturday deliveries”"]
    assert _inbox(s.carol) == []
    assert _mailed_to(mailoutbox) == sorted([s.alice.email, s.oscar.email])
    assert all(f"/exceptions/{draft.pk}/" in mail.body for mail in mailoutbox)
    assert Notification.objects.filter(link=f"/exceptions/{draft.pk}/").count() == 2


def test_a_big_request_waits_for_the_boards_members_and_chair(
    s, signed_in_api, mailoutbox, django_capture_on_commit_callbacks
):
    draft = ExceptionRequestFactory(
        customer=s.acme, process=s.fulfilment, title="Night picking", estimated_monthly_cost=9000
    )
    with django_capture_on_commit_callbacks(execute=True):
        _submit(signed_in_api(s.alice), draft)
    for member in (s.carol, s.dan, s.erin):
        assert _inbox(member) == ["Waiting for Change board: “Night picking”"]
    assert _inbox(s.oscar) == []
    assert _inbox(s.alice) == ["Your request “Night picking” waits for the change-control board"]
    assert _mailed_to(mailoutbox) == sorted(u.email for u in (s.alice, s.carol, s.dan, s.erin))


@pytest.mark.parametrize("status", ["submitted", "under_review"])  # submitted: taken up on the way
@pytest.mark.parametrize(
    "action, subject, words",
    [
        ("approve", "Your request “Saturday deliveries” was approved", "approved by"),
        ("reject", "Your request “Saturday deliveries” was rejected", "rejected by"),
        ("return_for_changes", "Your request “Saturday deliveries” needs changes", "submit it again"),
    ],
)
def test_the_requester_hears_the_leads_decision_with_its_comment(
    s, signed_in_api, mailoutbox, django_capture_on_commit_callbacks, action, subject, words, status
):
    exception = ExceptionRequestFactory(
        customer=s.acme,
        process=s.fulfilment,
        title="Saturday deliveries",
        status=status,
        route="lead",
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in_api(s.oscar).post(
            f"/api/v1/exceptions/{exception.pk}/{action.replace('_', '-')}/",
            {"comment": "Checked with the Lyon site."},
            format="json",
        )
    assert response.status_code == 200, response.content
    assert _inbox(s.alice) == [subject]
    assert _inbox(s.oscar) == []  # the one who decided is not told what he did
    [mail] = mailoutbox
    assert mail.to == [s.alice.email] and subject in mail.subject
    assert words in mail.body and "Checked with the Lyon site." in mail.body
    assert f"/exceptions/{exception.pk}/" in mail.body


def test_the_boards_decision_reaches_the_requester(s, mailoutbox, django_capture_on_commit_callbacks):
    exception = ExceptionRequestFactory(customer=s.acme, process=s.fulfilment, estimated_monthly_cost=9000)
    lifecycle.submit_request(exception=exception, actor=s.alice)
    Notification.objects.all().delete()
    review = Review.objects.get(exception=exception)
    for member in (s.carol, s.dan, s.erin):
        governance.cast_vote(review=review, member=member, choice="approve", rationale="Yes.")
    with django_capture_on_commit_callbacks(execute=True):
        governance.decide_review(review=review, actor=s.carol, outcome="approve", rationale="Votes 3-0.")
    assert _inbox(s.alice) == [f"Your request “{exception.title}” was approved"]
    assert "by the change-control board" in Notification.objects.get(recipient=s.alice).body
    # Governance tells the board and the process owner too (issue 7); the requester hears it once.
    assert _mailed_to(mailoutbox).count(s.alice.email) == 1


def test_withdrawing_tells_the_approver_it_no_longer_waits_and_not_the_requester(
    s, signed_in_api, mailoutbox, django_capture_on_commit_callbacks
):
    small = ExceptionRequestFactory(customer=s.acme, process=s.fulfilment)
    lifecycle.submit_request(exception=small, actor=s.alice)  # waits `submitted` for the leads
    big = ExceptionRequestFactory(customer=s.acme, process=s.fulfilment, estimated_monthly_cost=9000)
    lifecycle.submit_request(exception=big, actor=s.alice)
    Notification.objects.all().delete()
    alice = signed_in_api(s.alice)
    with django_capture_on_commit_callbacks(execute=True):
        for exception in (small, big):
            assert (
                alice.post(f"/api/v1/exceptions/{exception.pk}/withdraw/", {}, format="json").status_code
                == 200
            )
    assert _inbox(s.alice) == []
    assert _inbox(s.oscar) == [f"No longer waiting for you: “{small.title}”"]
    for member in (s.carol, s.dan, s.erin):
        assert _inbox(member) == [f"No longer waiting for Change board: “{big.title}”"]
    assert len(mailoutbox) == 4


def test_activation_and_expiry_by_the_system_reach_the_requester(s, django_capture_on_commit_callbacks):
    exception = ExceptionRequestFactory(
        customer=s.acme,
        process=s.fulfilment,
        title="Saturday deliveries",
        status="approved",
        route="lead",
        starts_on=TODAY,
        expires_on=TODAY + datetime.timedelta(days=30),
    )
    lifecycle.activate_due_exceptions(today=TODAY)
    lifecycle.expire_due_exceptions(today=TODAY + datetime.timedelta(days=30))
    assert _inbox(s.alice) == [
        "Your exception “Saturday deliveries” is now in force",
        "Your exception “Saturday deliveries” is expired",
    ]
    assert exception.pk


def test_a_rolled_back_submit_stores_and_sends_nothing(s, mailoutbox, django_capture_on_commit_callbacks):
    # No board covers AMER: the submit transition is applied, then routing fails and everything rolls back.
    s.board.regions.set([s.emea])
    exception = ExceptionRequestFactory(customer=s.zenith, process=s.fulfilment, estimated_monthly_cost=9000)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(errors.Conflict):
        lifecycle.submit_request(exception=exception, actor=s.bob)
    exception.refresh_from_db()
    assert exception.status == "draft"
    assert not Notification.objects.exists() and mailoutbox == []


def test_a_decision_rolled_back_by_its_caller_sends_nothing(
    s, mailoutbox, django_capture_on_commit_callbacks
):
    exception = ExceptionRequestFactory(
        customer=s.acme, process=s.fulfilment, status="under_review", route="lead"
    )
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        lifecycle.decide_request(exception=exception, actor=s.oscar, action="approve")
        assert Notification.objects.filter(recipient=s.alice).count() == 1  # stored in the transaction…
        raise RuntimeError("…which rolls back")
    assert not Notification.objects.exists() and mailoutbox == []


# --- reminders before expiry ---------------------------------------------------------------------


def _active(s, expires_in: int, customer=None):
    return ExceptionRequestFactory(
        customer=customer or s.acme,
        process=s.fulfilment,
        status="active",
        route="lead",
        starts_on=TODAY - datetime.timedelta(days=60),
        expires_on=TODAY + datetime.timedelta(days=expires_in),
    )


def test_the_requester_is_reminded_once_n_days_before_expiry(
    s, mailoutbox, django_capture_on_commit_callbacks
):
    s.emea.routing_threshold.expiry_reminder_days = 10
    s.emea.routing_threshold.save()
    due = _active(s, 10)
    tomorrow = _active(s, 11)  # outside EMEA's window until tomorrow
    _active(s, 20, customer=s.zenith)  # AMER keeps the default 14: not yet
    bob_due = _active(s, 14, customer=s.zenith)
    with time_machine.travel(NOON, tick=False), django_capture_on_commit_callbacks(execute=True):
        first = checks.run("exceptions.expiry_reminders")
        second = checks.run("exceptions.expiry_reminders")
    assert (first, second) == ("2 expiry reminders to 2 requesters", "0 expiry reminders to 0 requesters")
    assert _inbox(s.alice) == [f"“{due.title}” expires in 10 days"]
    assert _inbox(s.bob) == [f"“{bob_due.title}” expires in 14 days"]
    assert _mailed_to(mailoutbox) == sorted([s.alice.email, s.bob.email])
    assert set(ExpiryReminder.objects.values_list("exception", "days_before")) == {
        (due.pk, 10),
        (bob_due.pk, 14),
    }
    # A day later only the one now 10 days away is reminded; the others are not reminded again.
    with time_machine.travel(NOON + datetime.timedelta(days=1), tick=False):
        assert checks.run("exceptions.expiry_reminders") == "1 expiry reminder to 1 requester"
    assert _inbox(s.alice) == [f"“{due.title}” expires in 10 days", f"“{tomorrow.title}” expires in 10 days"]
    assert len(_inbox(s.bob)) == 1


def test_an_extended_exception_is_reminded_of_its_new_date(s):
    exception = _active(s, 5)
    assert reminders.send_expiry_reminders(today=TODAY).counts == {"reminded": 1}
    exception.expires_on = TODAY + datetime.timedelta(days=40)
    exception.save()
    later = TODAY + datetime.timedelta(days=30)
    assert reminders.send_expiry_reminders(today=later).counts == {"reminded": 1}
    assert ExpiryReminder.objects.filter(exception=exception).count() == 2


def test_a_second_run_tells_nobody(s):
    # The race of two runs at once is in tests/checks/test_bulk_expiry_reminders*.py.
    _active(s, 3)
    assert reminders.send_expiry_reminders(today=TODAY).counts == {"reminded": 1}
    assert reminders.send_expiry_reminders(today=TODAY).counts == {"reminded": 0}
    assert Notification.objects.filter(recipient=s.alice).count() == 1
    assert ExpiryReminder.objects.count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
def test_two_concurrent_runs_remind_exactly_once():
    s = scenario()
    exceptions = [_active(s, days) for days in (2, 3, 4)]
    with time_machine.travel(NOON, tick=False):
        results = twice_at_once(lambda: checks.run("exceptions.expiry_reminders"))
    assert sum(result.counts["reminded"] for result in results) == 3, results
    assert ExpiryReminder.objects.count() == 3
    # Grouped (issue 14): alice hears of her three expiries in one notice (two if the runs split them).
    notices = Notification.objects.filter(recipient=s.alice).values_list("subject", flat=True)
    assert sum(int(n.split()[0]) if n[0].isdigit() else 1 for n in notices) == 3
    assert {r.exception_id for r in ExpiryReminder.objects.all()} == {e.pk for e in exceptions}
