"""Does the audit trail serialize the business? Concurrent audited writers, real `audit.record` vs a
lock-free plain insert, and a web writer alone vs while a bulk check writes its batches.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_audit .venv/bin/python bench/audit.py [--seconds 8]

PostgreSQL only; the database's name must contain "bench": it is dropped, created and migrated afresh
(and dropped at the end). In one run:

  lock-free     16 threads, each in a loop: one transaction that writes a business row (a notification
                preference, through its service) and its audit event as a plain INSERT (no seal, no lock),
                then 20 ms of other work before commit
  record()      the same with the real `audit.record` (unsealed insert; the commit wakes the process's
                sealer thread, which seals every AUDIT_SEAL_EVERY_MS, off the writers' path)
  record(), inline  the same, sealed by the committing thread after commit (AUDIT_SEALING=inline), as before
  ratio         record() / lock-free (goal ≥ 0.85), and the inline one's
  web alone     one writer doing the same, alone
  web + check   that writer while a "bulk check" loops: a batch of 200 events via `audit.record_many`
                with 100 ms of work in the same transaction (goal ≥ 0.80 of alone); and the same sealed
                inline

Figures are printed with the load average beside each, never asserted.
"""

import argparse
import os
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
BENCH_DIR = ROOT / "var" / "bench"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ.setdefault("INTIMACY_OPS_VAR_DIR", str(BENCH_DIR / "audit-var"))
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("AUDIT_SEALING", "background")  # production's sealer thread (tests.settings: inline)

WRITERS = 16
OTHER_WORK_SECONDS = 0.020
CHECK_BATCH = 200
CHECK_WORK_SECONDS = 0.100


def load() -> str:
    return "load {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def run_writers(users, seconds: float, *, with_check: bool = False) -> tuple[int, int]:
    """Each user's thread writes audited changes for `seconds`; returns (writes, check events written)."""
    from django.db import connections, transaction

    from intimacy_ops import audit
    from intimacy_ops.notifications.services import set_preference

    stop = threading.Event()
    counts = [0] * len(users)
    checked = [0]

    def writer(index: int, user) -> None:
        choices = ("off", "digest")
        try:
            while not stop.is_set():
                with transaction.atomic():
                    set_preference(user=user, email=choices[counts[index] % 2])  # row + audit event
                    time.sleep(OTHER_WORK_SECONDS)  # the rest of the request's work, transaction open
                counts[index] += 1
        finally:
            connections.close_all()

    def bulk_check() -> None:
        try:
            while not stop.is_set():
                with transaction.atomic():
                    audit.record_many(
                        [
                            {"actor": None, "verb": "bench.expired", "object_type": "bench", "object_id": n}
                            for n in range(CHECK_BATCH)
                        ]
                    )
                    time.sleep(CHECK_WORK_SECONDS)
                checked[0] += CHECK_BATCH
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(i, user)) for i, user in enumerate(users)]
    if with_check:
        threads.append(threading.Thread(target=bulk_check))
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    return sum(counts), checked[0]


def lock_free_record(**kwargs):
    """The baseline: the same event row, inserted plainly, never sealed, no lock of any kind."""
    from intimacy_ops.audit.recording import _event

    event = _event(**kwargs)
    event.save()
    return event


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=8.0, help="length of each measured phase")
    parser.add_argument(
        "--rounds", type=int, default=1, help="repeat the phases, alternating (a busy machine)"
    )
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("bench/audit.py measures PostgreSQL: set DATABASE_URL=postgres://…/bench_audit")
    from audit_chain import fresh_database

    print(
        f"database: {fresh_database(url)}; {WRITERS} writers, {OTHER_WORK_SECONDS * 1000:.0f} ms work after the audit call"
    )

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from intimacy_ops import audit
    from tests.factories import user_with

    call_command("migrate", verbosity=0, interactive=False)
    users = [user_with("data steward", username=f"bench.writer{n}") for n in range(WRITERS)]
    real_record = audit.record

    from django.conf import settings

    from intimacy_ops.audit.sealing import sealer

    # Each phase starts from a sealed trail (the lock-free phase's events are sealed between phases, untimed).
    phases = (
        ("lock-free insert", lock_free_record, "background"),
        ("record(), inline", real_record, "inline"),  # the committing thread seals (before this change)
        ("audit.record()", real_record, "background"),  # the commit wakes the sealer thread
    )
    results: dict[str, float] = {}
    for round_number in range(1, args.rounds + 1):
        # Alternating the phases round after round spreads a shared machine's drift over all of them.
        rotated = phases[round_number % len(phases) :] + phases[: round_number % len(phases)]
        for label, record, sealing in rotated:  # each phase first once: autovacuum after a seal, say
            audit.record, settings.AUDIT_SEALING = record, sealing
            writes, _ = run_writers(users, args.seconds)
            results[label] = results.get(label, 0) + writes
            print(f"  {round_number}. {label:<18} {writes / args.seconds:8.1f} writes/s   ({load()})")
            sealer.stop()
            audit.seal_pending()
        audit.record = real_record
        for label, with_check, sealing in (
            ("web writer alone", False, "background"),
            ("web + bulk check", True, "background"),
            ("web + check, inline", True, "inline"),
        ):
            settings.AUDIT_SEALING = sealing
            writes, checked = run_writers(users[:1], args.seconds, with_check=with_check)
            results[label] = results.get(label, 0) + writes
            results[f"{label} events"] = results.get(f"{label} events", 0) + checked
            print(f"  {round_number}. {label:<18} {writes / args.seconds:8.1f} writes/s   ({load()})")
            sealer.stop()
            audit.seal_pending()
        settings.AUDIT_SEALING = "background"
    total = args.rounds * args.seconds
    for label in (
        *(phase[0] for phase in phases),
        "web writer alone",
        "web + bulk check",
        "web + check, inline",
    ):
        print(f"  {label:<18} {results[label] / total:8.1f} writes/s over {args.rounds} rounds")
    inline = results["record(), inline"] / results["lock-free insert"]
    ratio = results["audit.record()"] / results["lock-free insert"]
    print(f"  ratio record()/lock-free: {ratio:.2f} (goal ≥ 0.85; sealed inline: {inline:.2f})   ({load()})")
    beside, alone = results["web + bulk check"], results["web writer alone"]
    print(
        f"  ratio with check/alone: {beside / alone:.2f} (goal ≥ 0.80; sealed inline: "
        f"{results['web + check, inline'] / alone:.2f}); the check wrote "
        f"{results['web + bulk check events'] / total:.0f} events/s "
        f"({results['web + check, inline events'] / total:.0f} inline)"
    )
    sealer.stop()
    audit.seal_pending()
    print(f"  verify_audit: {audit.verify_chain()}")
    connection.close()
    from checks_rows import drop_database

    drop_database(url)


if __name__ == "__main__":
    main()
