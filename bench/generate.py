"""A realistic data set at any size, written with PostgreSQL COPY: the load test's, the dashboards' and the
feedback benchmarks' starting point.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_NAME_data .venv/bin/python bench/generate.py --fresh
    ... bench/generate.py --customers 100000 --cases-per-customer 2 --exceptions 25000   # the defaults
    ... bench/generate.py --customers 200000 --cases-per-customer 10 --exceptions 1000000 \
            --reviews 100000 --escalations 50000                                          # bench/dashboard.py

PostgreSQL only. `--fresh` drops and creates the database (its name must contain "bench"); without it the
database is migrated (`migrate` is a no-op on a migrated one) and the rows are added to what is there.

What it writes:
- through the app (`seed_demo`, idempotent): the demo regions, users, segments, SLA policies, processes,
  routing thresholds, the board and the demo requests; then, by the ORM, a third region (APAC) with its
  routing threshold and calendar, the board extended to it, and bench users per role and region like the
  demo's — `bench.am.<region>.NN`, `bench.lead.<region>.NN`, `bench.steward.<region>`,
  `bench.member.NN` (board members of every region), `bench.auditor` — password `intimacy-demo`, hashed
  once and shared (hashing each would cost a second apiece);
- by COPY: customers over the 3 regions (each with an account manager of its region and the segment its
  figures earn), service cases (most resolved, some open, the overdue ones already swept: breached,
  with their open escalation), exception requests in every status with the transitions that led there
  (lead- or board-routed by the region's thresholds), the board's reviews of board-routed requests (open
  for those under review, decided with the chair's outcome otherwise) with members' votes, and the
  overdue-review escalations;
- set-based, with `--feedback N`: N feedback items (bench/generate_feedback.py: a history and the same
  30-day window of 10 clusters whatever N);
- by COPY, with `--reviews N` / `--escalations N`: more until the table holds N (bench/generate_topups.py:
  board re-reviews, mostly decided; escalations on cases, mostly resolved, some raised to a role nobody
  holds in APAC).

Constraints hold: unique external ids, one open review per request, one open escalation per subject and
reason, one vote per member and review, dates in order. By default nothing is left for a periodic check
to act on (`--due 0.01` leaves that share of cases, requests and reviews past their line, unswept).

Audit: the generated history has no audit events. The audit table holds only what the app itself wrote
(`seed_demo`, and whatever runs afterwards), so `verify_audit` judges the app's own chain and this script
depends on nothing inside intimacy_ops/audit.py.
"""

import argparse
import datetime
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

REGIONS = {"EMEA": "Europe/Paris", "AMER": "America/New_York", "APAC": "Asia/Singapore"}
PASSWORD = "intimacy-demo"  # noqa: S105  (the published demo password, CONTRACT.md)


def configure_environment() -> None:
    """Production settings with what they refuse to start without; e-mails of the seed go to files."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intimacy_ops.settings")
    os.environ.setdefault("DJANGO_DEBUG", "0")
    os.environ.setdefault("DJANGO_HTTPS", "0")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-secret-key-not-for-production-0123456789")
    os.environ.setdefault("AUDIT_KEY", "bench-audit-key-not-for-production")
    var_dir = ROOT / "var" / "bench" / "generate-var"
    os.environ.setdefault("INTIMACY_OPS_VAR_DIR", str(var_dir))
    os.environ.setdefault("AUDIT_CHECKPOINT_DIR", str(var_dir / "audit"))
    os.environ.setdefault("NOTIFICATION_EMAIL_DELIVERY", "inline")
    os.environ.setdefault("LOG_LEVEL", "WARNING")


def _vacuum() -> None:
    """What autovacuum does within a minute of a bulk load in a deployment: the visibility map set (index-only
    scans: the customer list's capped count 8 → 2 ms at 100,000 customers) and the statistics fresh. This
    machine's PostgreSQL runs with autovacuum off (CI's setting), so the generator does it itself."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--cases-per-customer", type=float, default=2.0)
    parser.add_argument("--exceptions", type=int, default=None, help="default: a quarter of --customers")
    parser.add_argument(
        "--reviews", type=int, default=None, help="top reviews up to this many (dashboard bench)"
    )
    parser.add_argument("--escalations", type=int, default=None, help="top escalations up to this many")
    parser.add_argument("--managers-per-region", type=int, default=10)
    parser.add_argument("--leads-per-region", type=int, default=2)
    parser.add_argument("--board-members", type=int, default=6)
    parser.add_argument("--due", type=float, default=0.0, help="share left past its line, unswept")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--fresh", action="store_true", help="drop and create the database first")
    parser.add_argument("--feedback", type=int, default=0, help="feedback items (bench/generate_feedback.py)")
    parser.add_argument("--people-file", help="write the usernames per role here (JSON), for bench/load.py")
    args = parser.parse_args()
    if args.exceptions is None:
        args.exceptions = args.customers // 4
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit(
            "bench/generate.py writes with PostgreSQL COPY: set DATABASE_URL=postgres://…/bench_…"
        )
    configure_environment()
    generate(url, args)


def generate(url: str, args) -> dict:
    """Build the data set into DATABASE_URL (Django must not be set up yet); return what was created."""
    started = time.perf_counter()
    if args.fresh:
        from audit_chain import fresh_database

        print(f"database: {fresh_database(url)}")
    import django

    django.setup()
    from django.core.management import call_command

    step = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    print(f"migrate: {time.perf_counter() - step:.1f} s")
    step = time.perf_counter()
    call_command("seed_demo", verbosity=0)
    print(f"seed_demo (through the app): {time.perf_counter() - step:.1f} s")

    import generate_rows

    step = time.perf_counter()
    people = generate_rows.people(args)
    print(f"people: {people.summary} in {time.perf_counter() - step:.1f} s (password {PASSWORD!r})")
    if getattr(args, "people_file", None):
        Path(args.people_file).write_text(json.dumps(people.usernames, indent=1))
    counts = generate_rows.copy_everything(args, people)
    if getattr(args, "feedback", 0):
        counts["feedback_feedbackitem"] = _feedback(args.feedback)
    step = time.perf_counter()
    _vacuum()
    print(f"VACUUM ANALYZE: {time.perf_counter() - step:.1f} s")
    total = time.perf_counter() - started
    for table, (rows, seconds) in counts.items():
        print(f"  {table:<28} {rows:>10,} rows  {seconds:6.1f} s  ({rows / max(seconds, 1e-9):,.0f} rows/s)")
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"generated in {total:.1f} s (load average {load}) on {datetime.date.today().isoformat()}")
    return {table: rows for table, (rows, _) in counts.items()}


def _feedback(total: int) -> tuple[int, float]:
    """`total` feedback items, set-based: the window's (10 clusters of 8 detractors) and a history before it."""
    import generate_feedback
    from django.utils import timezone

    from exceptions.models import Process
    from segments.models import Customer

    step = time.perf_counter()
    customers = list(Customer.objects.order_by("pk").values_list("pk", flat=True)[:20_000])
    processes = list(Process.objects.order_by("pk").values_list("pk", flat=True))
    today, per_day = timezone.localdate(), 2_000
    written = generate_feedback.window(
        per_day=per_day,
        clusters=processes[:10],
        cluster=8,
        customers=customers,
        processes=processes,
        today=today,
    )
    written += generate_feedback.history(
        start=0,
        count=max(total - written, 0),
        per_day=per_day,
        customers=customers,
        processes=processes,
        today=today,
    )
    return written, time.perf_counter() - step


if __name__ == "__main__":
    main()
