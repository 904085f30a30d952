"""Two retention runs at once (PostgreSQL): SKIP LOCKED shares the rows out, nothing is processed twice."""

import datetime
import threading

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from intimacy_ops.audit import AuditEvent
from privacy.models import RetentionPolicy
from privacy.retention import service
from segments.models import ServiceCase
from tests.segments.factories import CustomerFactory

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks with SKIP LOCKED need PostgreSQL"
    ),
]


def _expired_cases(count: int) -> list[int]:
    customer = CustomerFactory()
    resolved = timezone.now() - datetime.timedelta(days=800)
    opened = resolved - datetime.timedelta(days=1)
    cases = ServiceCase.objects.bulk_create(
        [
            ServiceCase(
                customer=customer,
                source="t",
                external_id=f"T-{n}",
                title=f"About Jane {n}",
                priority="P3",
                opened_at=opened,
                resolved_at=resolved,
            )
            for n in range(count)
        ]
    )
    return [case.pk for case in cases]


def _in_thread(target, results, index, barrier=None):
    def run():
        try:
            if barrier is not None:
                barrier.wait()
            results[index] = target()
        except Exception as error:  # reported by the test
            results[index] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_two_runs_at_once_process_every_row_exactly_once():
    ids = _expired_cases(600)
    policy = RetentionPolicy.objects.create(kind="closed_cases", action="anonymize", keep_months=24)
    barrier = threading.Barrier(2)
    results = [None, None]

    threads = [
        _in_thread(lambda: service.apply_policy(policy, batch_size=50), results, i, barrier) for i in range(2)
    ]
    for thread in threads:
        thread.join(timeout=120)

    for result in results:
        assert isinstance(result, service.Outcome), result
    assert sum(result.processed for result in results) == 600
    batched = [
        pk for event in AuditEvent.objects.filter(verb="retention.anonymized") for pk in event.after["ids"]
    ]
    assert sorted(batched) == sorted(ids)  # every row in exactly one batch of one run
    assert ServiceCase.objects.filter(anonymized_at__isnull=True).count() == 0


def test_a_row_locked_by_someone_else_is_skipped_and_taken_by_the_next_run():
    ids = _expired_cases(3)
    policy = RetentionPolicy.objects.create(kind="closed_cases", action="anonymize", keep_months=24)
    locked, release = threading.Event(), threading.Event()
    results = [None]

    def hold_lock():
        with transaction.atomic():
            ServiceCase.objects.select_for_update().get(pk=ids[0])
            locked.set()
            release.wait(timeout=60)
        return "released"

    holder = _in_thread(hold_lock, results, 0)
    assert locked.wait(timeout=30)
    try:
        first = service.apply_policy(policy)
    finally:
        release.set()
        holder.join(timeout=30)

    assert first.processed == 2
    assert list(ServiceCase.objects.filter(anonymized_at__isnull=True).values_list("pk", flat=True)) == [
        ids[0]
    ]
    second = service.apply_policy(policy)
    assert second.processed == 1
    assert not ServiceCase.objects.filter(anonymized_at__isnull=True).exists()
