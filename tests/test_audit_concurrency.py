"""Two people's audited changes do not wait for each other's commit: the chain's lock is taken only by the
short sealing step after commit, never across a business transaction, and that step runs in the process's
sealer thread, off the committing request's path (PostgreSQL, the production database)."""

import threading
import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction

from intimacy_ops.audit import AuditEvent
from intimacy_ops.audit.sealing import sealer
from intimacy_ops.notifications.services import set_preference
from tests.factories import user_with

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def sealed_soon(events, within: float = 30.0) -> bool:
    """Whether the sealer thread sealed them (it gathers AUDIT_SEAL_EVERY_MS of commits, then seals)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if not events.filter(seq__isnull=True).exists():
            return True
        time.sleep(0.05)
    return False


def test_an_audited_write_commits_while_another_audited_transaction_is_still_open(settings):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers are tested on PostgreSQL (SQLite has one writer at a time)")
    settings.AUDIT_SEALING = "background"  # production's sealer thread, not the tests' inline sealing
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
    try:
        assert sealed_soon(events), "the sealer thread left committed events unsealed"
    finally:
        sealer.stop()  # its own database connection closes with it
    # Sealed in id order of what had committed by then: the quick one first, unless the slow one's commit
    # fell into the same gathering window.
    assert sorted(event.actor_username for event in events) == ["steward.quick", "steward.slow"]
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert out.getvalue().startswith(f"intact: {AuditEvent.objects.count()} events")
