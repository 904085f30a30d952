"""The kernel's notifications: stored at once, e-mailed when the transaction commits, never for a rollback."""

import pytest
from django.db import transaction

from intimacy_ops.notifications import mark_all_read, notify, unread_count
from intimacy_ops.notifications.models import Notification
from tests.factories import user_with


def test_notify_stores_in_app_and_mails_on_commit(db, mailoutbox, django_capture_on_commit_callbacks):
    sam = user_with("data steward", username="steward.one")
    quiet = user_with("data steward", username="steward.quiet", email="")
    with django_capture_on_commit_callbacks(execute=True):
        notify([sam, quiet], subject="Something happened", body="Details.", link="/x/")
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {
        "steward.one",
        "steward.quiet",
    }
    assert [mail.to for mail in mailoutbox] == [[sam.email]]  # no address, no mail
    assert mailoutbox[0].subject == "[Intimacy Ops] Something happened" and "/x/" in mailoutbox[0].body
    assert unread_count(sam) == 1
    assert mark_all_read(sam) == 1 and unread_count(sam) == 0


def test_a_rolled_back_act_sends_no_mail(db, mailoutbox, django_capture_on_commit_callbacks):
    sam = user_with("data steward", username="steward.two")
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify([sam], subject="Never", body="")
        raise RuntimeError("rolled back")
    assert mailoutbox == [] and not Notification.objects.exists()
