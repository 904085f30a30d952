"""Two runs of keyaccounts.plays_due at once (PostgreSQL, two threads with their own connections) make one
play per customer, play and occurrence, move each customer once and remind each overdue play once: the
constraint (INSERT … SELECT … ON CONFLICT DO NOTHING) and the locked batches (SKIP LOCKED) decide."""

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from intimacy_ops.notifications.models import Notification
from keyaccounts.models import PlaybookMove, PlayDue
from keyaccounts.playbooks import moves, overdue
from segments.services.customers import lock_segment
from tests.concurrency import twice_at_once
from tests.keyaccounts.playbook_helpers import days, run, world
from tests.segments.factories import CustomerFactory

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks (SELECT … FOR UPDATE SKIP LOCKED) need PostgreSQL",
    ),
]


def test_two_runs_at_once_make_one_play_per_occurrence_and_tell_once(monkeypatch):
    monkeypatch.setattr(moves, "BATCH_SIZE", 3)
    monkeypatch.setattr(overdue, "BATCH_SIZE", 3)
    s = world()
    for n in range(20):
        CustomerFactory(name=f"Extra {n}", region=s.emea, account_manager=s.alice, segment=s.strategic)
    results = twice_at_once(run)
    assert sum(r.counts["created"] for r in results) == PlayDue.objects.count() == 2 + 4 + 4 + 20 * 2
    # Every strategic customer moves to premier; both runs at once move each once.
    for customer in s.strategic.customers.all():
        lock_segment(
            actor=s.oscar, customer=customer, segment=s.premier, reason="Moving them all down a tier."
        )
    moved = twice_at_once(run)
    assert sum(r.counts["moved"] for r in moved) == PlaybookMove.objects.count() == 21
    assert Notification.objects.filter(recipient=s.alice, subject__contains="moved playbook").count() <= 2
    with time_machine.travel(timezone.now() + days(12), tick=False):
        late = twice_at_once(run)
    overdue_plays = PlayDue.objects.filter(status="due", reminded_on__isnull=False).count()
    assert sum(r.counts["reminded"] for r in late) == overdue_plays > 0
    reminders = Notification.objects.filter(recipient=s.alice, subject__endswith="of your customers overdue")
    assert reminders.count() <= 2  # once per run at most, each play named once
    named = sum(body.count("\n- ") for body in reminders.values_list("body", flat=True))
    assert (
        named == PlayDue.objects.filter(customer__account_manager=s.alice, reminded_on__isnull=False).count()
    )
