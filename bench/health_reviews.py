"""The health-review check with 200,000 customers and nothing due (issue 20: under 1 s on PostgreSQL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/io_bench_health DJANGO_SETTINGS_MODULE=tests.settings \\
        .venv/bin/python bench/health_reviews.py [--customers 200000] [--rounds 5]

The database is a throwaway: its name must contain "bench"; it is created if missing and migrated. Every customer
is in a reviewed tier (the worst case: each one is checked), built set-based (copies of one ORM-written row,
`INSERT … SELECT … generate_series`) and kept between runs when the count matches. This quarter's review of
every customer is written set-based beforehand (nothing is due); then `--rounds` runs of the check are timed — the one `INSERT … SELECT … ON CONFLICT DO NOTHING` that finds
nothing, plus the two small reads of the cadences — with their query counts. Figures are printed, never asserted.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.append(str(ROOT / "bench"))  # after the project: bench/incidents.py must not shadow the app
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/io_bench_health")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ.setdefault("INTIMACY_OPS_VAR_DIR", str(ROOT / "var" / "bench"))
os.environ.setdefault("LOG_LEVEL", "WARNING")


def ensure_database(url: str) -> None:
    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    connection = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    connection.close()


def prepare(customers: int):
    """A region, two account managers, one tier reviewed every quarter, `customers` customers in it."""
    from decimal import Decimal

    from checks_rows import copy_rows
    from django.contrib.auth.models import Group
    from django.db import transaction

    from intimacy_ops.accounts.models import Region, User
    from keyaccounts.models import HealthReview, HealthReviewCadence
    from segments.models import Customer, Segment

    with transaction.atomic():
        region, _ = Region.objects.get_or_create(code="BENCH", defaults={"name": "Benchmark"})
        managers = []
        for name in ("bench.am1", "bench.am2"):
            user, made = User.objects.get_or_create(username=name, defaults={"first_name": name})
            if made:
                user.groups.set(Group.objects.filter(name="account manager"))
                user.regions.set([region])
            managers.append(user)
        tier, _ = Segment.objects.get_or_create(
            name="Bench tier", defaults={"rank": 901, "capacity": customers}
        )
        HealthReviewCadence.objects.update_or_create(segment=tier, defaults={"every_months": 3})
    bench = Customer.objects.filter(source="bench-health")
    if bench.count() == customers:
        print(f"reusing {customers:,} bench customers")
        _reviews(tier)
        return
    HealthReview.objects.all().delete()
    bench.delete()
    started = time.perf_counter()
    template = Customer.objects.create(
        source="bench-health",
        external_id="H0000000",
        name="Health bench customer",
        region=region,
        account_manager=managers[0],
        annual_revenue=Decimal(100_000),
        segment=tier,
        segment_locked=True,
        segment_lock_reason="benchmark",
    )
    copy_rows(
        Customer,
        template.pk,
        1,
        customers - 1,
        {
            "external_id": "'H' || lpad(g::text, 7, '0')",
            "account_manager_id": f"CASE WHEN g % 2 = 0 THEN {managers[0].pk} ELSE {managers[1].pk} END",
        },
    )
    print(f"created {customers:,} customers in {time.perf_counter() - started:.1f} s")
    _reviews(tier)


def _reviews(tier) -> None:
    """This quarter's review of every bench customer, written set-based (nothing left due for the check)."""
    from django.db import connection
    from django.utils import timezone

    from keyaccounts.health.cadence import period_of

    period = period_of(timezone.localdate(), 3)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO keyaccounts_healthreview (customer_id, period, period_starts_on, period_ends_on, status, "
            "due_on, account_manager_id, notes, cancel_reason, opened_at) SELECT id, %s, %s, %s, 'open', %s, "
            "account_manager_id, '', '', now() FROM segments_customer WHERE segment_id = %s "
            "ON CONFLICT (customer_id, period) DO NOTHING",
            [period.label, period.starts_on, period.ends_on, period.ends_on, tier.pk],
        )
        made = cursor.rowcount
    print(
        f"  {made:,} reviews of {period.label} written in {time.perf_counter() - started:.1f} s (already there: the rest)"
    )


def timed_run() -> tuple[float, int, str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from keyaccounts.health.opening import open_due_reviews

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = open_due_reviews()
        spent = time.perf_counter() - started
    return spent, len(queries), str(result)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--customers", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    url = os.environ["DATABASE_URL"]
    if "bench" not in urlsplit(url).path.rsplit("/", 1)[-1]:
        sys.exit(
            f"Refusing to run: the database in DATABASE_URL ({url}) must be a throwaway named with 'bench'."
        )
    import django

    ensure_database(url)
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.NOTIFICATION_EMAIL_DELIVERY = "inline"
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    call_command("migrate", verbosity=0)
    prepare(args.customers)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("SELECT version()")
        server = cursor.fetchone()[0].split(" on ")[0]
    load = os.getloadavg()[0]
    print(f"{server}; {args.customers:,} customers in a reviewed tier; load average {load:.1f}")
    timings = [timed_run() for _ in range(args.rounds)]
    values = [spent for spent, _, _ in timings]
    print(
        f"  nothing due ({args.rounds} runs): best {min(values):.3f} s, median {statistics.median(values):.3f} s, "
        f"{timings[0][1]} queries — {timings[0][2]}"
    )


if __name__ == "__main__":
    main()
