"""The recurring-failure check at size (issue 16): does its time follow the clusters, or the table?

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_feedback .venv/bin/python bench/feedback.py \
        --items 500000        # then twice as many, the same clusters

PostgreSQL only; the database (its name must contain "bench") is created afresh and dropped at the end unless
--keep. Items are written set-based (bench/generate_feedback.py): a history at --per-day answers a day going
back, and the same 30-day window in both rounds (--per-day answers a day, --clusters processes with
--cluster detractors each). Round 1 has --items rows, round 2 twice as many (a longer history). Each round
runs the check --repeat times from no RCA (the RCAs it opened deleted between runs) and once more with the
RCAs in place (nothing to open); printed: the median time, the RCAs opened, the ratio round 2 / round 1
(goal ≤ 1.3×) and the load average.

The sentiment throughput and the inbox's p95 are the feedback items' side (issue 16, part A): not here.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ.setdefault("INTIMACY_OPS_VAR_DIR", str(ROOT / "var" / "bench" / "feedback-var"))
os.environ.setdefault("LOG_LEVEL", "WARNING")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=500_000)
    parser.add_argument("--per-day", type=int, default=2_000)
    parser.add_argument("--clusters", type=int, default=10)
    parser.add_argument("--cluster", type=int, default=8, help="detractors per cluster process in the window")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument(
        "--explain", action="store_true", help="print the plan of the crossing query per round"
    )
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit(
            "bench/feedback.py measures PostgreSQL: set DATABASE_URL=postgres://…/bench_feedback"
        )
    from audit_chain import fresh_database
    from checks_rows import drop_database

    print(f"database: {fresh_database(url)}")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    try:
        run(args)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            drop_database(url)


def _timed_check(repeat: int) -> tuple[float, int, float]:
    from django.db import connection

    from feedback.models import RootCauseAnalysis
    from feedback.services_rca.recurring import open_recurring_rcas

    times, opened = [], 0
    for _ in range(repeat):
        RootCauseAnalysis.objects.all().delete()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE feedback_feedbackitem")
        started = time.perf_counter()
        opened = open_recurring_rcas().counts["opened"]
        times.append(time.perf_counter() - started)
    started = time.perf_counter()
    assert open_recurring_rcas().counts["opened"] == 0  # idempotent: the RCAs are there
    again = time.perf_counter() - started
    return statistics.median(times), opened, again


def _explain(today) -> None:
    import datetime

    from django.db import connection
    from django.db.models import Count

    from feedback.services_rca.recurring import negatives_in

    start = today - datetime.timedelta(days=29)
    sql, params = (
        negatives_in(start, today)
        .values("process")
        .annotate(n=Count("pk"))
        .order_by()
        .query.sql_with_params()
    )
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        print("\n".join("    " + row[0] for row in cursor.fetchall()))


def run(args) -> None:
    import generate_feedback
    from django.utils import timezone

    from intimacy_ops.accounts.roles import Role
    from segments.models import Customer
    from tests.exceptions.factories import ProcessFactory
    from tests.factories import RegionFactory, user_with

    today = timezone.localdate()
    emea = RegionFactory(code="EMEA")
    owner = user_with(Role.PROCESS_OWNER, regions=["EMEA"], username="owner.bench")
    processes = [ProcessFactory(name=f"Process {n:02d}", owner=owner).pk for n in range(20)]
    Customer.objects.bulk_create(
        Customer(
            source="bench",
            external_id=f"B{n:05d}",
            name=f"Customer {n:05d}",
            region=emea,
            annual_revenue=1,
            lifetime_value=1,
            strategic_value=1,
            support_complexity=1,
        )  # fmt: skip
        for n in range(2_000)
    )
    customers = list(Customer.objects.values_list("pk", flat=True))
    clusters = processes[: args.clusters]
    started = time.perf_counter()
    in_window = generate_feedback.window(
        per_day=args.per_day, clusters=clusters, cluster=args.cluster, customers=customers, processes=processes,
        today=today,
    )  # fmt: skip
    written = in_window
    figures = []
    for round_number, size in ((1, args.items), (2, 2 * args.items)):
        more = size - written
        generate_feedback.history(
            start=written - in_window, count=more, per_day=args.per_day, customers=customers,
            processes=processes, today=today,
        )  # fmt: skip
        written = size
        print(f"round {round_number}: {size:,} items ({in_window:,} in the window) written in "
              f"{time.perf_counter() - started:.1f} s")  # fmt: skip
        median, opened, again = _timed_check(args.repeat)
        load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
        print(f"  recurring-failure check: {median * 1000:.0f} ms (median of {args.repeat}), opened {opened} RCAs; "
              f"again with them in place {again * 1000:.0f} ms; load average {load}")  # fmt: skip
        figures.append(median)
        if args.explain:
            _explain(today)
        started = time.perf_counter()
    print(f"round 2 / round 1: {figures[1] / figures[0]:.2f}× (goal ≤ 1.3×)")


if __name__ == "__main__":
    main()
