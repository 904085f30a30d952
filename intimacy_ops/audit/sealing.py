"""Sealing: chaining committed events in a short transaction of its own, under the chain's lock.

A business transaction never takes the chain's lock: `record()` inserts the event unsealed and asks for
a seal once the transaction commits. On PostgreSQL that only wakes the process's sealer thread
(`sealer.py`), off the request's path; it then runs `seal_pending`: it takes the lock (a PostgreSQL advisory
lock held only for its own few milliseconds), reads the head of the chain, and gives each committed
unsealed event, in id order, the next sequence number and its keyed hash. Events left unsealed by a crash
between commit and sealing are sealed by the `audit.seal` check (intimacy_ops/audit/checks.py).
"""

import atexit
import logging
from types import SimpleNamespace

from django.db import OperationalError, connection, models, transaction

from intimacy_ops.audit import keys
from intimacy_ops.audit.models import CONTENT_FIELDS, GENESIS_HASH, AuditEvent, event_content
from intimacy_ops.audit.sealer import Sealer, background

logger = logging.getLogger(__name__)

# Serialises sealers on PostgreSQL so two of them cannot both extend the same head. A session-level
# advisory lock, only *tried*: a sealer that finds it held leaves its events to the holder, which looks
# for committed unsealed events once more after letting go (see `seal_pending`), so none is left behind
# and no committer ever waits for another's sealing.
CHAIN_LOCK_KEY = 0x1A0D17
BATCH_SIZE = 500


def _sealing_queryset() -> models.QuerySet:
    """A plain queryset: the one place allowed round the model's refusal (and only for the seal fields)."""
    return models.QuerySet(model=AuditEvent)


def _try_lock() -> bool:
    if connection.vendor != "postgresql":
        return True  # SQLite: one writer at a time already
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [CHAIN_LOCK_KEY])
        return cursor.fetchone()[0]


def _unlock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [CHAIN_LOCK_KEY])


def head() -> tuple[int, str]:
    """(seq, hash) of the newest sealed event; (0, GENESIS_HASH) for an empty chain."""
    row = AuditEvent.objects.filter(seq__isnull=False).order_by("-seq").values_list("seq", "hash").first()
    return row or (0, GENESIS_HASH)


# What the seal covers (models.event_content), read as plain values: no model instances to build.
CONTENT_COLUMNS = ("id", *CONTENT_FIELDS)


def _seal_batch() -> int:
    with transaction.atomic():
        unsealed = AuditEvent.objects.filter(seq__isnull=True).order_by("id").values(*CONTENT_COLUMNS)
        pending = [SimpleNamespace(**row) for row in unsealed[:BATCH_SIZE]]
        if not pending:
            return 0
        seq, prev_hash = head()
        kid, key = keys.current()
        for event in pending:
            seq += 1
            event.seq, event.prev_hash, event.key_id = seq, prev_hash, kid
            event.hash = keys.seal_hash(
                key, seq=seq, prev_hash=prev_hash, key_id=kid, content=event_content(event)
            )
            prev_hash = event.hash
        _write_seals(pending)
        return len(pending)


def _write_seals(events: list[SimpleNamespace]) -> None:
    """One UPDATE … FROM (VALUES …) on PostgreSQL (linear, where bulk_update's CASE is quadratic)."""
    if connection.vendor != "postgresql":
        sealed = [
            AuditEvent(id=e.id, seq=e.seq, prev_hash=e.prev_hash, hash=e.hash, key_id=e.key_id)
            for e in events
        ]
        _sealing_queryset().bulk_update(sealed, ["seq", "prev_hash", "hash", "key_id"])
        return
    table = AuditEvent._meta.db_table
    rows = ", ".join(["(%s, %s, %s, %s, %s)"] * len(events))
    params = [value for e in events for value in (e.id, e.seq, e.prev_hash, e.hash, e.key_id)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS e SET seq = v.seq::bigint, prev_hash = v.prev_hash, hash = v.hash, "  # noqa: S608
            f"key_id = v.key_id FROM (VALUES {rows}) AS v(id, seq, prev_hash, hash, key_id) "
            "WHERE e.id = v.id::bigint AND e.seq IS NULL",
            params,
        )


def seal_pending() -> int:
    """Seal every committed unsealed event; returns how many this call sealed. Never waits for another
    sealer: if one holds the chain, it will seal ours (it looks again after letting go)."""
    sealed = 0
    while _try_lock():
        try:
            while (done := _seal_batch()) == BATCH_SIZE:
                sealed += done
            sealed += done
        finally:
            _unlock()
        # An event committed while we held the lock, whose sealer found it taken, is visible now.
        if not AuditEvent.objects.filter(seq__isnull=True).exists():
            break
    return sealed


def seal_after_commit() -> None:
    """Seal now, in this thread (AUDIT_SEALING=inline, SQLite, a process's exit): never fails the business
    act that already committed."""
    try:
        seal_pending()
    except OperationalError as error:  # e.g. the database went away: the `audit.seal` check will do it
        logger.warning("audit events left for the next sealer: %s", error)


def request_seal() -> None:
    """Seal once the current transaction commits (at once outside one); asked once per transaction."""
    asked = getattr(connection, "_audit_seal_asked", None)
    if (
        connection.in_atomic_block
        and asked is not None
        and not asked.done
        and any(entry[1] is asked for entry in connection.run_on_commit)
    ):
        return  # this transaction already asked (a rolled-back one's request is gone from the list)

    def seal_on_commit() -> None:
        seal_on_commit.done = True
        if background():
            sealer.wake()  # the sealer thread seals it within AUDIT_SEAL_EVERY_MS or so
        else:
            seal_after_commit()

    seal_on_commit.done = False
    connection._audit_seal_asked = seal_on_commit
    transaction.on_commit(seal_on_commit, robust=True)


# This process's sealer thread (started by the first commit that wakes it).
sealer = Sealer(seal_pending)
atexit.register(sealer.flush_at_exit)
