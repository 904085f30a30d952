"""Feedback at size (issue 16): sentiment throughput, the inbox's first page, the recurring-failure check.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_feedback .venv/bin/python bench/feedback.py \
        --items 500000        # then twice as many, the same clusters

PostgreSQL only; the database (its name must contain "bench") is created afresh and dropped at the end unless
--keep. Items are written set-based (bench/generate_feedback.py): a history at --per-day answers a day going
back, and the same 30-day window in both rounds (--per-day answers a day, --clusters processes with
--cluster detractors each). Round 1 has --items rows, round 2 twice as many (a longer history). Each round
runs the check --repeat times from no RCA (the RCAs it opened deleted between runs) and once more with the
RCAs in place (nothing to open); printed: the median time, the RCAs opened, the ratio round 2 / round 1
(goal ≤ 1.3×) and the load average.

Sentiment throughput (once, before the rows: it does not depend on the table): `feedback.sentiment.suggest` —
what the import and the API call per item — over --texts feedback-like texts (bench_sentiment.py: 1–4
sentences each, praise, complaints, negations, intensifiers, the generated rows' texts), on one core (the
process pinned to one CPU), items/s by wall clock and by CPU time; beside it VADER's raw `polarity_scores` on the
same texts (the baseline: what suggest adds is the label, the confidence and the rationale).

The inbox's first page (each round, after the check): `/feedback/` through the Django test client as an account
manager (the customers of every --manager-share-th customer) and as an operations lead of the region (every
item), 2 warm-up then --requests timed requests each: median and p95 (goal p95 < 300 ms).
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
    parser.add_argument("--texts", type=int, default=20_000, help="texts for the sentiment throughput")
    parser.add_argument("--requests", type=int, default=20, help="timed requests of the inbox per user")
    parser.add_argument(
        "--manager-share", type=int, default=20, help="the account manager has every Nth customer"
    )
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


def _load() -> str:
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


def _sentiment(count: int) -> None:
    """Items/s of suggest() and of VADER's raw polarity_scores on the same texts, on one core."""
    import bench_sentiment

    from feedback import sentiment

    texts = bench_sentiment.texts(count)
    analyser = sentiment._analyser()  # the lexicon read once, outside the timing (as in a running process)
    pinned = hasattr(os, "sched_setaffinity")
    if pinned:
        cpus = os.sched_getaffinity(0)
        os.sched_setaffinity(0, {min(cpus)})
    try:
        figures = {}
        for name, analyse in (("raw", analyser.polarity_scores), ("suggest", sentiment.suggest)):
            analyse(texts[0])
            wall, cpu = time.perf_counter(), time.process_time()
            for text in texts:
                analyse(text)
            figures[name] = (
                len(texts) / (time.perf_counter() - wall),
                len(texts) / (time.process_time() - cpu),
            )
    finally:
        if pinned:
            os.sched_setaffinity(0, cpus)
    words = sum(len(text.split()) for text in texts) / len(texts)
    print(f"sentiment: {len(texts):,} texts ({len(set(texts)):,} distinct, {words:.1f} words on average), "
          f"{'one core' if pinned else 'not pinned'}; load average {_load()}")  # fmt: skip
    for name, label in (
        ("suggest", "feedback.sentiment.suggest"),
        ("raw", "VADER polarity_scores (baseline)"),
    ):
        wall, cpu = figures[name]
        print(f"  {label}: {wall:,.0f} items/s (wall), {cpu:,.0f} items/s (CPU)")
    print(f"  suggest / raw: {figures['suggest'][0] / figures['raw'][0]:.2f}× the baseline's throughput")


def _timed_get(client, path: str, repeat: int) -> tuple[float, float]:
    """Median and p95 (ms) of `repeat` GETs after 2 warm-up ones (as bench/dashboard.py)."""
    for _ in range(2):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code, response.content[:300])
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - started) * 1000)
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _inbox(users: dict, repeat: int) -> None:
    from django.test import Client

    from feedback.models import FeedbackItem
    from intimacy_ops import access

    for label, user in users.items():
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        seen = access.visible(user, FeedbackItem).count()
        median, p95 = _timed_get(client, "/feedback/", repeat)
        print(f"  inbox /feedback/ as {label} ({seen:,} items seen): median {median:.0f} ms, p95 {p95:.0f} ms "
              f"of {repeat} (goal p95 < 300 ms); load average {_load()}")  # fmt: skip


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

    _sentiment(args.texts)
    today = timezone.localdate()
    emea = RegionFactory(code="EMEA")
    owner = user_with(Role.PROCESS_OWNER, regions=["EMEA"], username="owner.bench")
    manager = user_with(Role.ACCOUNT_MANAGER, regions=["EMEA"], username="manager.bench")
    lead = user_with(Role.OPERATIONS_LEAD, regions=["EMEA"], username="lead.bench")
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
            account_manager=manager if n % args.manager_share == 0 else None,
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
        print(f"  recurring-failure check: {median * 1000:.0f} ms (median of {args.repeat}), opened {opened} RCAs; "
              f"again with them in place {again * 1000:.0f} ms; load average {_load()}")  # fmt: skip
        _inbox({"account manager": manager, "operations lead": lead}, args.requests)
        figures.append(median)
        if args.explain:
            _explain(today)
        started = time.perf_counter()
    print(f"round 2 / round 1: {figures[1] / figures[0]:.2f}× (goal ≤ 1.3×)")


if __name__ == "__main__":
    main()
