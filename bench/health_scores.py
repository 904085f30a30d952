"""The health-score check over many customers (issue 20, item 3): `keyaccounts.score.compute.run`, set-based.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/io_bench_health DJANGO_SETTINGS_MODULE=tests.settings \\
        .venv/bin/python bench/health_scores.py [--customers 20000] [--rounds 3]

The database is a throwaway: its name must contain "bench" (created if missing, migrated). The customers (one
bench region) are made once, each with two cases this quarter (one in four breached) and one negative feedback
item; each round scores every customer of the database for today (the first round inserts, the next ones
rewrite the same rows: the check run again the same day). Wall and CPU seconds and queries are printed, never
asserted.
"""

import argparse
import datetime
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/io_bench_health")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ.setdefault("INTIMACY_OPS_VAR_DIR", str(ROOT / "var" / "bench"))

from bench.incidents import ensure_database  # noqa: E402


def prepare(customers: int) -> None:
    from django.utils import timezone

    from feedback.models import FeedbackItem
    from intimacy_ops.accounts.models import Region
    from segments.models import Customer, ServiceCase

    region, _ = Region.objects.get_or_create(code="BENCH", defaults={"name": "Benchmark"})
    bench = Customer.objects.filter(source="bench-health")
    if bench.count() == customers:
        print(f"reusing {customers:,} bench customers")
        return
    bench.delete()
    started = time.perf_counter()
    made = Customer.objects.bulk_create(
        [
            Customer(
                source="bench-health",
                external_id=f"H{n:07d}",
                name=f"Health bench customer {n:07d}",
                region=region,
                annual_revenue=Decimal(100_000),
                strategic_value=3,
                support_complexity=2,
                lifetime_value=Decimal(300_000),
            )
            for n in range(customers)
        ],
        batch_size=5000,
    )
    now = timezone.now()
    opened = now - datetime.timedelta(days=2)
    ServiceCase.objects.bulk_create(
        [
            ServiceCase(
                customer=customer,
                external_id=f"HB-{customer.pk}-{k}",
                priority="P3",
                opened_at=opened,
                first_response_at=opened + datetime.timedelta(minutes=20),
                resolved_at=opened + datetime.timedelta(hours=5),
                breached=(customer.pk + k) % 4 == 0,
            )
            for customer in made
            for k in range(2)
        ],
        batch_size=5000,
    )
    FeedbackItem.objects.bulk_create(
        [
            FeedbackItem(
                customer=customer,
                source="delivery_team",
                text="Late.",
                received_on=now.date(),
                sentiment="negative",
                sentiment_score=-0.7,
                sentiment_confidence=0.9,
            )
            for customer in made
        ],
        batch_size=5000,
    )
    print(
        f"created {customers:,} customers, their cases and feedback in {time.perf_counter() - started:.1f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    url = os.environ["DATABASE_URL"]
    if "bench" not in url and not url.startswith("sqlite"):
        sys.exit("Name the benchmark's database with 'bench' in DATABASE_URL.")
    ensure_database(url)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from keyaccounts.score import compute

    call_command("migrate", verbosity=0)
    prepare(args.customers)
    for number in range(1, args.rounds + 1):
        wall, cpu = time.perf_counter(), time.process_time()
        with CaptureQueriesContext(connection) as queries:
            result = compute.run()
        print(
            f"round {number}: {result.summary} — {time.perf_counter() - wall:.2f} s wall, "
            f"{time.process_time() - cpu:.2f} s CPU, {len(queries)} queries"
        )


if __name__ == "__main__":
    main()
