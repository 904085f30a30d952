"""Reclassifying 100,000 customers: `reclassify()` against one hand-written SQL UPDATE doing the same (goal: ≤ 3×).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/io_bench DJANGO_SETTINGS_MODULE=tests.settings \\
        .venv/bin/python bench/reclassify.py [--customers 100000] [--rounds 3]

The database is a throwaway: its name must contain "bench". On PostgreSQL it is created if missing;
it is migrated, and its segments, customers and cases are replaced by the benchmark's own.
Two scenarios, each timed `--rounds` times from the same starting state (best and median printed):

- first classification: every customer is unclassified, so all of them move;
- threshold change: customers sit where the old thresholds put them, new thresholds move some.

`reclassify()` also records every move as a SegmentChange row (INSERT … SELECT) before its UPDATE;
the hand-written UPDATE only moves the customers. Figures are printed, never asserted.
"""

import argparse
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/io_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ.setdefault("INTIMACY_OPS_VAR_DIR", str(ROOT / "var" / "bench"))

# rank → (name, min revenue, min strategic value, min lifetime value, min support complexity)
OLD_THRESHOLDS = {
    1: ("Strategic", 5_000_000, 4, 20_000_000, 1),
    2: ("Premier", 1_000_000, 3, 3_000_000, 1),
    3: ("Plus", 250_000, 2, 500_000, 2),
    4: ("Standard", 0, 1, 0, 1),
}
NEW_THRESHOLDS = {
    1: ("Strategic", 4_000_000, 4, 15_000_000, 1),
    2: ("Premier", 1_500_000, 3, 4_000_000, 2),
    3: ("Plus", 200_000, 2, 400_000, 1),
    4: ("Standard", 0, 1, 0, 1),
}
LOCKED_SHARE = 0.02


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database named in `url` if it does not exist."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        return
    import psycopg2
    from psycopg2 import sql

    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    connection = psycopg2.connect(maintenance)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"created database {name}")
    connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    url = os.environ["DATABASE_URL"]
    if "bench" not in urlsplit(url).path.rsplit("/", 1)[-1]:
        sys.exit(
            f"Refusing to run: the database in DATABASE_URL ({url}) must be a throwaway whose name contains 'bench'."
        )
    ensure_database(url)

    import django

    django.setup()

    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    segments = prepare(args.customers)
    vendor = connection.vendor
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT version()" if vendor == "postgresql" else "SELECT 'SQLite ' || sqlite_version()"
        )
        server = cursor.fetchone()[0].split(" on ")[0]
    print(
        f"{server}; {args.customers:,} customers ({LOCKED_SHARE:.0%} locked), {len(segments)} segments, "
        f"{args.rounds} rounds per scenario"
    )

    scenarios = [
        ("first classification (all unclassified)", None, NEW_THRESHOLDS),
        ("threshold change (old → new thresholds)", OLD_THRESHOLDS, NEW_THRESHOLDS),
    ]
    for title, start, target in scenarios:
        run_scenario(title, segments, start, target, args.rounds)


def prepare(count: int):
    """Bench segments and `count` bench customers (kept between runs when the count matches)."""
    from django.db import connection, transaction

    from intimacy_ops.accounts.models import Region
    from segments.models import Customer, Segment

    with transaction.atomic():
        region, _ = Region.objects.get_or_create(code="BENCH", defaults={"name": "Benchmark"})
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM segments_segmentchange")
            cursor.execute("DELETE FROM segments_waitinginterval")
            cursor.execute("DELETE FROM segments_servicecase")
            cursor.execute("DELETE FROM segments_slapolicy")
        if Customer.objects.exclude(source="bench").exists() or Customer.objects.count() != count:
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM segments_customer")
        Segment.objects.exclude(name__in=[spec[0] for spec in OLD_THRESHOLDS.values()]).delete()
        segments = {}
        for rank, (name, revenue, strategic, lifetime, complexity) in OLD_THRESHOLDS.items():
            segment, _ = Segment.objects.update_or_create(
                name=name,
                defaults={
                    "rank": rank,
                    "min_annual_revenue": Decimal(revenue),
                    "min_strategic_value": strategic,
                    "min_lifetime_value": Decimal(lifetime),
                    "min_support_complexity": complexity,
                    "capacity": count,
                },
            )
            segments[rank] = segment
    if Customer.objects.count() == count:
        print(f"reusing {count:,} bench customers")
        return segments
    started = time.perf_counter()
    rng = random.Random(20261123)  # noqa: S311  (reproducible figures)
    batch = []
    for number in range(count):
        revenue = Decimal(
            rng.choice([50_000, 150_000, 300_000, 900_000, 1_200_000, 2_000_000, 4_500_000, 8_000_000])
        )
        locked = rng.random() < LOCKED_SHARE
        batch.append(
            Customer(
                source="bench",
                external_id=f"B{number:07d}",
                name=f"Bench customer {number:07d}",
                region=region,
                annual_revenue=revenue,
                strategic_value=rng.randint(1, 5),
                support_complexity=rng.randint(1, 5),
                lifetime_value=revenue * rng.choice([1, 2, 3, 4, 5]),
                segment=segments[rng.randint(1, 4)] if locked else None,
                segment_locked=locked,
                segment_lock_reason="benchmark lock" if locked else "",
            )
        )
        if len(batch) == 5000:
            Customer.objects.bulk_create(batch)
            batch = []
    Customer.objects.bulk_create(batch)
    print(f"created {count:,} customers in {time.perf_counter() - started:.1f} s")
    return segments


def thresholds_for(segments, spec):
    from segments.services.classification import Thresholds

    return [
        Thresholds(
            segment_id=segments[rank].pk,
            rank=rank,
            min_annual_revenue=Decimal(revenue),
            min_strategic_value=strategic,
            min_lifetime_value=Decimal(lifetime),
            min_support_complexity=complexity,
            capacity=segments[rank].capacity,
        )
        for rank, (_, revenue, strategic, lifetime, complexity) in spec.items()
    ]


def hand_written_update(segments, spec) -> int:
    """The classification as one SQL UPDATE, written by hand. Returns the rows it moved."""
    from django.db import connection, transaction
    from django.utils import timezone

    ranks = sorted(spec)
    whens, params = [], []
    for rank in ranks[:-1]:
        _, revenue, strategic, lifetime, complexity = spec[rank]
        whens.append(
            "WHEN annual_revenue >= %s AND strategic_value >= %s AND lifetime_value >= %s "
            "AND support_complexity >= %s THEN %s"
        )
        params += [Decimal(revenue), strategic, Decimal(lifetime), complexity, segments[rank].pk]
    target = f"CASE {' '.join(whens)} ELSE %s END"
    params.append(segments[ranks[-1]].pk)
    distinct = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE segments_customer SET segment_id = {target}, updated_at = %s "  # noqa: S608
            f"WHERE NOT segment_locked AND segment_id {distinct} ({target})",
            [*params, timezone.now(), *params],
        )
        return cursor.rowcount


def reset(segments, start) -> None:
    """Put every unlocked customer back where the scenario starts, forget recorded moves, tidy the tables."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM segments_segmentchange")
        if start is None:
            cursor.execute("UPDATE segments_customer SET segment_id = NULL WHERE NOT segment_locked")
        else:
            hand_written_update(segments, start)
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE segments_customer, segments_segmentchange")


def outcome() -> tuple[int, int]:
    """A fingerprint of where everyone is: (count, sum of id × segment id)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*), COALESCE(SUM(id * COALESCE(segment_id, 0)), 0) FROM segments_customer"
        )
        count, weighted = cursor.fetchone()
    return int(count), int(weighted)


def run_scenario(title, segments, start, target, rounds) -> None:
    from segments.services.classification import reclassify

    thresholds = thresholds_for(segments, target)
    timings = {"reclassify()": [], "hand-written UPDATE": []}
    moved = {}
    results = {}
    for round_number in range(rounds):
        order = ["reclassify()", "hand-written UPDATE"]
        if round_number % 2:
            order.reverse()  # neither always runs on a warmer cache
        for name in order:
            reset(segments, start)
            started = time.perf_counter()
            if name == "reclassify()":
                moved[name] = reclassify(thresholds=thresholds, reason="benchmark")
            else:
                moved[name] = hand_written_update(segments, target)
            timings[name].append(time.perf_counter() - started)
            results[name] = outcome()
    print(f"\n{title}")
    for name, seconds in timings.items():
        print(
            f"  {name:<20} best {min(seconds):7.3f} s   median {statistics.median(seconds):7.3f} s   "
            f"moved {moved[name]:,}"
        )
    ratio = min(timings["reclassify()"]) / min(timings["hand-written UPDATE"])
    median_ratio = statistics.median(timings["reclassify()"]) / statistics.median(
        timings["hand-written UPDATE"]
    )
    same = (
        "same final segments"
        if results["reclassify()"] == results["hand-written UPDATE"]
        else "DIFFERENT RESULTS"
    )
    print(
        f"  ratio                {ratio:.2f}× best / best, {median_ratio:.2f}× median / median (goal ≤ 3×; {same})"
    )


if __name__ == "__main__":
    main()
