"""E-mail copies go through a Celery task: retried while SMTP fails, then kept as a dead letter; the in-app
notification is never lost. Preferences: immediate, daily digest, or off for non-urgent ones."""

import datetime

import pytest
import time_machine
from django.test import Client, override_settings

from intimacy_ops import checks
from intimacy_ops.notifications import notify
from intimacy_ops.notifications.models import EmailDeadLetter, Notification, NotificationDigest
from intimacy_ops.notifications.services import set_preference
from tests.factories import user_with
from tests.notifications import backends

DAY = datetime.datetime(2026, 3, 2, 7, 0, tzinfo=datetime.UTC)


@pytest.fixture
def sam(db):
    return user_with("data steward", username="steward.sam")


@pytest.fixture(autouse=True)
def _fresh_backends():
    backends.attempts.clear()
    backends.FlakyBackend.failures_left = 2


@override_settings(EMAIL_BACKEND="tests.notifications.backends.RefusingBackend")
def test_a_mail_server_that_keeps_failing_costs_a_dead_letter_never_the_notification(
    sam, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify([sam], subject="Escalation, level 1: sla breached", body="Act now.", link="/x/", urgent=True)
    assert backends.attempts == ["steward.sam@example.com"] * 6  # the first try and five retries
    letter = EmailDeadLetter.objects.get()
    assert (letter.address, letter.attempts) == ("steward.sam@example.com", 6)
    assert "SMTPServerDisconnected" in letter.error and letter.subject.startswith("Escalation, level 1")
    notification = Notification.objects.get(recipient=sam)
    assert notification.email_state == "failed" and letter.notification == notification
    page = Client()
    page.force_login(sam)
    assert "Escalation, level 1" in page.get("/notifications/").content.decode()  # still in the app
    admin = Client()
    admin.force_login(user_with("administrator", regions=[], username="admin"))
    listed = admin.get("/admin/intimacy_ops/emaildeadletter/")
    assert listed.status_code == 200 and "steward.sam@example.com" in listed.content.decode()


@override_settings(EMAIL_BACKEND="tests.notifications.backends.FlakyBackend")
def test_a_passing_smtp_failure_is_retried_and_the_mail_arrives_once(
    sam, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify([sam], subject="Something happened", body="Details.")
    assert len(backends.attempts) == 3
    assert [mail.to for mail in mailoutbox] == [[sam.email]]
    assert Notification.objects.get().email_state == "sent" and not EmailDeadLetter.objects.exists()


def test_a_digest_reader_gets_urgent_mail_at_once_and_the_rest_in_one_daily_digest(
    sam, mailoutbox, django_capture_on_commit_callbacks
):
    set_preference(user=sam, email="digest")
    with time_machine.travel(DAY, tick=False), django_capture_on_commit_callbacks(execute=True):
        notify([sam], subject="Grant expires tomorrow", body="Renew it if needed.", link="/grants/1/")
        notify([sam], subject="Retention dry run ready", body="")
        notify([sam], subject="Escalation, level 2: purge overdue", body="Act now.", urgent=True)
    assert [mail.subject for mail in mailoutbox] == ["[Intimacy Ops] Escalation, level 2: purge overdue"]

    with (
        time_machine.travel(DAY + datetime.timedelta(hours=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert checks.run("notifications.digest") == "1 digest(s) sent"
        assert checks.run("notifications.digest") == "0 digest(s) sent"  # a second run sends nothing
    digest = mailoutbox[1]
    assert digest.to == [sam.email] and digest.subject == "[Intimacy Ops] Your daily digest for 2026-03-02"
    assert "Grant expires tomorrow" in digest.body and "/grants/1/" in digest.body
    assert "Retention dry run ready" in digest.body and "purge overdue" not in digest.body
    assert len(mailoutbox) == 2

    # Later the same day: held until tomorrow's digest (one per person and day).
    with (
        time_machine.travel(DAY + datetime.timedelta(hours=5), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        notify([sam], subject="Another thing", body="")
        assert checks.run("notifications.digest") == "0 digest(s) sent"
    with (
        time_machine.travel(DAY + datetime.timedelta(days=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert checks.run("notifications.digest") == "1 digest(s) sent"
    assert "Another thing" in mailoutbox[2].body and "Grant expires" not in mailoutbox[2].body
    assert NotificationDigest.objects.filter(recipient=sam).count() == 2


def test_off_means_no_mail_for_non_urgent_but_urgent_still_goes(
    sam, mailoutbox, django_capture_on_commit_callbacks
):
    set_preference(user=sam, email="off")
    with django_capture_on_commit_callbacks(execute=True):
        notify([sam], subject="Routine", body="")
        notify([sam], subject="Escalation, level 1: breach", body="", urgent=True)
        checks.run("notifications.digest")
    assert [mail.subject for mail in mailoutbox] == ["[Intimacy Ops] Escalation, level 1: breach"]
    assert Notification.objects.filter(recipient=sam).count() == 2  # both in the app


def test_the_settings_page_changes_the_preference(sam):
    client = Client()
    client.force_login(sam)
    listing = client.get("/notifications/").content.decode()
    assert "/notifications/settings/" in listing and "immediately" in listing
    page = client.get("/notifications/settings/")
    assert page.status_code == 200 and 'value="digest"' in page.content.decode()
    bad = client.post("/notifications/settings/", {"email": "hourly"})
    assert bad.status_code == 400 and 'data-testid="error-email"' in bad.content.decode()
    saved = client.post("/notifications/settings/", {"email": "digest"}, follow=True)
    assert "one daily digest" in saved.content.decode()
    assert sam.notification_preference.email == "digest"


@pytest.fixture
def people(db):
    return [user_with("data steward", username=f"steward.{n:03}") for n in range(3)]


@override_settings(EMAIL_BACKEND="tests.notifications.backends.CountingBackend")
def test_a_hundred_and_fifty_urgent_e_mails_leave_in_two_batches_each_e_mail_once(
    db, mailoutbox, django_capture_on_commit_callbacks
):
    backends.CountingBackend.opened = 0
    crowd = [user_with("data steward", username=f"steward.crowd{n:03}") for n in range(150)]
    with django_capture_on_commit_callbacks(execute=True):
        notify(crowd, subject="Escalation, level 1: sla breached", body="Act now.", urgent=True)
    assert sorted(mail.to[0] for mail in mailoutbox) == sorted(person.email for person in crowd)
    assert backends.CountingBackend.opened == 2  # batches of 100: one connection to the mail server each
    assert set(Notification.objects.values_list("email_state", flat=True)) == {"sent"}


@override_settings(EMAIL_BACKEND="tests.notifications.backends.SecondRefusedOnceBackend")
def test_a_send_refused_mid_batch_retries_the_rest_and_never_resends_what_left(
    people, mailoutbox, django_capture_on_commit_callbacks
):
    backends.SecondRefusedOnceBackend.handed = 0
    with django_capture_on_commit_callbacks(execute=True):
        notify(people, subject="Escalation, level 1: sla breached", body="Act now.", urgent=True)
    addresses = [person.email for person in people]
    assert backends.attempts == [addresses[0], addresses[1], addresses[1], addresses[2]]
    assert sorted(mail.to[0] for mail in mailoutbox) == addresses  # each once
    assert set(Notification.objects.values_list("email_state", flat=True)) == {"sent"}


@override_settings(EMAIL_BACKEND="tests.notifications.backends.RefusingBackend")
def test_a_batch_the_mail_server_keeps_refusing_leaves_a_dead_letter_per_e_mail(
    people, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify(people, subject="Escalation, level 1: sla breached", body="Act now.", urgent=True)
    letters = EmailDeadLetter.objects.order_by("address")
    assert [(letter.address, letter.attempts) for letter in letters] == [(p.email, 6) for p in people]
    assert set(Notification.objects.values_list("email_state", flat=True)) == {"failed"}
