"""Two people's audited changes do not wait for each other's commit: the chain's lock is taken only by the
short sealing step after commit, never across a business transaction (PostgreSQL, the production database)."""

import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction

from intimacy_ops.audit import AuditEvent
from intimacy_ops.notifications.services import set_preference
from tests.factories import user_with

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_an_audited_write_commits_while_another_audited_transaction_is_still_open():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers are tested on PostgreSQL (SQLite has one writer at a time)")
    slow = user_with("data steward", username="steward.slow")
    quick = user_with("data steward", username="steward.quick")
    recorded, release, quick_done, slow_done = (threading.Event() for _ in range(4))
    failures = []

    def in_thread(work):
        def run():
            try:
                work()
            except Exception as error:  # reported by the test, not lost in the thread
                failures.append(error)
            finally:
                connections.close_all()

        return threading.Thread(target=run)

    def slow_writer():
        with transaction.atomic():
            set_preference(user=slow, email="off")  # its audit event is written here…
            recorded.set()
            release.wait(timeout=30)  # …and the business transaction stays open
        slow_done.set()

    def quick_writer():
        recorded.wait(timeout=30)
        with transaction.atomic():
            set_preference(user=quick, email="off")
        quick_done.set()

    threads = [in_thread(slow_writer), in_thread(quick_writer)]
    for thread in threads:
        thread.start()
    try:
        assert recorded.wait(timeout=10)
        assert quick_done.wait(timeout=5), "the second writer waited for the first one's commit"
        assert not slow_done.is_set()
    finally:
        release.set()
        for thread in threads:
            thread.join(timeout=30)
    assert not failures, failures

    events = AuditEvent.objects.filter(verb="notifications.preference_changed").order_by("seq")
    assert [event.actor_username for event in events] == ["steward.quick", "steward.slow"]
    assert all(event.seq is not None for event in events)  # both sealed right after their commits
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert out.getvalue().startswith(f"intact: {AuditEvent.objects.count()} events")
