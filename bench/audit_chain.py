"""The audit trail's price: appending with `audit.record()` and walking with `verify_chain()`, against plain rows.

    .venv/bin/python bench/audit_chain.py [--events 5000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/io_bench_audit .venv/bin/python bench/audit_chain.py

By default the database is a throwaway SQLite file, var/bench/audit_chain.sqlite3, deleted and migrated
afresh on every run. With DATABASE_URL set to PostgreSQL the database's name must contain "bench": it is
dropped and created again (audit events cannot be deleted, so a clean start means a new database).

In one run, on one database, with the same N events:

  baseline INSERT   the same row written to a table with the audit table's columns and indexes, one
                    INSERT per transaction, no predecessor lookup and no hashing
  baseline bulk     the same rows with bulk_create in batches of 1,000 (the ceiling)
  record()          the real append: lock (PostgreSQL), read the last hash, SHA-256, INSERT
  baseline read     reading the plain rows back in id order
  verify_chain()    reading the trail back and recomputing every hash and link

Figures are printed (events/s and the ratio to the baseline), never asserted.
"""

import argparse
import os
import secrets
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DIR = ROOT / "var" / "bench"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ.setdefault("INTIMACY_OPS_VAR_DIR", str(BENCH_DIR / "audit-chain-var"))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{BENCH_DIR / 'audit_chain.sqlite3'}")
os.environ.setdefault("LOG_LEVEL", "WARNING")

BULK_BATCH = 1_000


def fresh_database(url: str) -> str:
    """Start from an empty database: delete the SQLite file, or drop and create the PostgreSQL database."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path = Path(parts.path[1:] if parts.path.startswith("//") else parts.path)
        path.parent.mkdir(parents=True, exist_ok=True)
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
            leftover.unlink(missing_ok=True)
        return f"sqlite ({path.relative_to(ROOT) if path.is_relative_to(ROOT) else path})"
    if parts.scheme in {"postgres", "postgresql"}:
        name = parts.path.lstrip("/")
        if "bench" not in name:
            raise SystemExit(
                f"Refusing to drop database {name!r}: a benchmark database's name must contain 'bench'."
            )
        import psycopg2

        admin = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{name}"')
        admin.close()
        return f"postgresql ({name})"
    raise SystemExit(f"Unsupported DATABASE_URL scheme {parts.scheme!r}: use sqlite:// or postgres://.")


def plain_event_model():
    """A model with the audit table's columns, indexes and unique constraints, but no chain and no hashing."""
    from django.db import models

    from intimacy_ops.audit import AuditEvent

    attrs = {
        "__module__": __name__,
        "Meta": type(
            "Meta",
            (),
            {
                "app_label": "bench",
                "db_table": "bench_plain_event",
                "constraints": [
                    models.UniqueConstraint(fields=["prev_hash"], name="bench_plain_event_single_successor")
                ],
            },
        ),
    }
    for field in AuditEvent._meta.local_fields:
        if not field.primary_key:
            attrs[field.name] = field.clone()
    return type("PlainEvent", (models.Model,), attrs)


def payload(i: int) -> dict:
    """One event's worth of content, the size a service writes when a request changes status."""
    return {
        "verb": "exception.submitted",
        "before": {"status": "draft", "estimated_monthly_cost": f"{1000 + i % 500}.00", "approver": None},
        "after": {
            "status": "submitted",
            "estimated_monthly_cost": f"{1000 + i % 500}.00",
            "approver": "ops.oscar",
        },
        "comment": f"benchmark event {i}",
    }


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:>9,.0f} events/s" if seconds > 0 else "      n/a"


def line(label: str, count: int, seconds: float, note: str = "") -> None:
    print(f"  {label:<44} {count:>7,} in {seconds:7.2f} s  {rate(count, seconds)}  {note}".rstrip())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=5_000, help="events per phase (default 5,000)")
    options = parser.parse_args()
    count = options.events

    where = fresh_database(os.environ["DATABASE_URL"])

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from intimacy_ops import audit
    from intimacy_ops.accounts.models import User

    print(f"Audit chain benchmark: {count:,} events per phase on {where}")
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    print(f"  (fresh database migrated in {time.perf_counter() - started:.1f} s)")

    PlainEvent = plain_event_model()
    with connection.schema_editor() as editor:
        editor.create_model(PlainEvent)

    actor = User.objects.create(username="bench.actor")
    events = [payload(i) for i in range(count)]
    # Unique random link values made before the clock starts: the baseline pays for the INSERT only.
    links = [(secrets.token_hex(32), secrets.token_hex(32)) for _ in range(2 * count)]

    def plain_row(i: int, event: dict, link: tuple[str, str]):
        return PlainEvent(
            at=timezone.now(),
            actor=actor,
            actor_username=actor.username,
            verb=event["verb"],
            object_type="accounts.user",
            object_id=str(actor.pk),
            object_repr=str(actor),
            before=event["before"],
            after=event["after"],
            comment=event["comment"],
            prev_hash=link[0],
            hash=link[1],
        )

    print()
    started = time.perf_counter()
    for i, event in enumerate(events):
        with transaction.atomic():
            plain_row(i, event, links[i]).save()
    insert_seconds = time.perf_counter() - started
    line("baseline: plain INSERT, one per transaction", count, insert_seconds)

    rows = [plain_row(i, event, links[count + i]) for i, event in enumerate(events)]
    started = time.perf_counter()
    with transaction.atomic():
        PlainEvent.objects.bulk_create(rows, batch_size=BULK_BATCH)
    bulk_seconds = time.perf_counter() - started
    line(f"baseline: bulk_create, batches of {BULK_BATCH:,}", count, bulk_seconds)

    started = time.perf_counter()
    for event in events:
        audit.record(
            actor=actor,
            verb=event["verb"],
            obj=actor,
            before=event["before"],
            after=event["after"],
            comment=event["comment"],
        )
    record_seconds = time.perf_counter() - started
    line(
        "audit.record(): hash-chained append",
        count,
        record_seconds,
        f"{record_seconds / insert_seconds:.2f}x the plain INSERT's time",
    )

    print()
    started = time.perf_counter()
    read = sum(1 for _ in PlainEvent.objects.order_by("id")[:count].iterator(chunk_size=2000))
    read_seconds = time.perf_counter() - started
    line("baseline: read plain rows back in id order", read, read_seconds)

    started = time.perf_counter()
    report = audit.verify_chain()
    verify_seconds = time.perf_counter() - started
    line(
        "verify_chain(): every hash and link",
        report.checked,
        verify_seconds,
        f"{verify_seconds / read_seconds:.2f}x the plain read's time",
    )
    print(f"\n  verify_chain() says: {report}")
    if not report.intact:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
