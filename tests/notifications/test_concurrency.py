"""Two digest runs at once on PostgreSQL: each person gets one digest that day, each held notification in it once."""

import datetime

import pytest
from django.db import connection

from intimacy_ops.notifications import notify
from intimacy_ops.notifications.models import NotificationDigest
from intimacy_ops.notifications.services import send_daily_digests, set_preference
from tests.concurrency import twice_at_once
from tests.factories import user_with

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks and concurrent inserts need PostgreSQL"
    ),
]


def test_two_digest_runs_at_once_send_one_digest_per_person(transactional_db, mailoutbox):
    readers = [user_with("data steward", username=f"steward.{n}") for n in range(10)]
    for reader in readers:
        set_preference(user=reader, email="digest")
    for n in range(3):
        notify(readers, subject=f"Thing {n}", body="")
    today = datetime.date(2026, 3, 2)
    results = twice_at_once(lambda: send_daily_digests(today=today))

    assert sum(results) == len(readers), results
    assert NotificationDigest.objects.count() == len(readers)
    assert sorted(len(mail.to) for mail in mailoutbox) == [1] * len(readers)
    assert all(mail.body.count("Thing ") == 3 for mail in mailoutbox)
