"""Declaring an incident for 50,000 customers (issue 19: under 10 s): declare, then add the affected customers by
rule (a tier) and from a CSV list of their ids, each one set-based `INSERT … SELECT` (incidents/services/affected.py).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/io_bench_incidents DJANGO_SETTINGS_MODULE=tests.settings \\
        .venv/bin/python bench/incidents.py [--customers 50000] [--others 10000] [--rounds 3]

The database is a throwaway: its name must contain "bench". On PostgreSQL it is created if missing; it is
migrated, and the benchmark's region, lead, tiers and customers are made once (kept between runs when the
counts match). Each round declares a new incident and times, from the same state: declaring it, adding
`--customers` customers by rule (their tier; `--others` customers of another tier are left out), then the same
customers again from a CSV list (all already affected: the list path's lookups and conflicts), then the
incident's recovery (incidents/selectors/recovery.py: three grouped aggregates over the affected customers,
each with a case opened in the 30 days before and one after) and its trust impact facts
(incidents/selectors/trust.py). Figures are printed (best and median), never asserted.
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/io_bench_incidents")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ.setdefault("INTIMACY_OPS_VAR_DIR", str(ROOT / "var" / "bench"))


def ensure_database(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        return
    import psycopg2
    from psycopg2 import sql

    name = parts.path.lstrip("/")
    connection = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"created database {name}")
    connection.close()


def prepare(customers: int, others: int):
    """The bench region, its operations lead, two tiers and the customers (kept when the counts match)."""
    from django.contrib.auth.models import Group
    from django.db import transaction

    from incidents.models import Incident
    from intimacy_ops.accounts.models import Region, User
    from segments.models import Customer, Segment

    with transaction.atomic():
        region, _ = Region.objects.get_or_create(code="BENCH", defaults={"name": "Benchmark"})
        lead, made = User.objects.get_or_create(username="bench.lead", defaults={"first_name": "Bench"})
        if made:
            lead.groups.set(Group.objects.filter(name="operations lead"))
            lead.regions.set([region])
        hit, _ = Segment.objects.get_or_create(
            name="Bench hit", defaults={"rank": 901, "capacity": customers}
        )
        spared, _ = Segment.objects.get_or_create(
            name="Bench spared", defaults={"rank": 902, "capacity": others}
        )
        Incident.objects.filter(owner=lead).delete()
    bench = Customer.objects.filter(source="bench-incidents")
    if bench.filter(segment=hit).count() == customers and bench.filter(segment=spared).count() == others:
        print(f"reusing {customers + others:,} bench customers")
        return lead, region, hit
    bench.delete()
    started = time.perf_counter()
    rows = [
        Customer(
            source="bench-incidents",
            external_id=f"I{number:07d}",
            name=f"Incident bench customer {number:07d}",
            region=region,
            annual_revenue=Decimal(100_000),
            strategic_value=3,
            support_complexity=2,
            lifetime_value=Decimal(300_000),
            segment=hit if number < customers else spared,
            segment_locked=True,
            segment_lock_reason="benchmark",
        )
        for number in range(customers + others)
    ]
    Customer.objects.bulk_create(rows, batch_size=5000)
    _cases(bench.filter(segment=hit))
    print(f"created {customers + others:,} customers in {time.perf_counter() - started:.1f} s")
    return lead, region, hit


def _cases(customers) -> None:
    """A case a week before the incidents' start and one a week after, per affected customer (recovery's scans)."""
    from django.utils import timezone

    from segments.models import ServiceCase

    now = timezone.now()
    rows = [
        ServiceCase(
            customer_id=pk,
            source="bench-incidents",
            external_id=f"C{pk}-{days}",
            priority="P3",
            opened_at=now + datetime.timedelta(days=days),
        )  # fmt: skip
        for pk in customers.values_list("pk", flat=True)
        for days in (-7, 7)
    ]
    ServiceCase.objects.bulk_create(rows, batch_size=5000)


def one_round(lead, region, hit, customers: int) -> tuple[float, ...]:
    from django.utils import timezone

    from incidents.models import AffectedCustomer
    from incidents.selectors import recovery, trust
    from incidents.services import affected, incidents
    from segments.models import Customer

    started = time.perf_counter()
    incident = incidents.declare(
        actor=lead,
        title="Bench outage",
        kind="outage",
        severity="critical",
        regions=[region],
        started_at=timezone.now() - datetime.timedelta(hours=1),
    )
    declared = time.perf_counter()
    added = affected.add_by_rule(incident=incident, actor=lead, segments=[hit])
    by_rule = time.perf_counter()
    assert added == customers, added
    ids = Customer.objects.filter(segment=hit).values_list("pk", flat=True)
    content = ("id\n" + "\n".join(str(pk) for pk in ids) + "\n").encode()
    listed = time.perf_counter()
    again = affected.add_from_list(incident=incident, actor=lead, content=content)
    by_list = time.perf_counter()
    assert again == 0 and AffectedCustomer.objects.filter(incident=incident).count() == customers
    measured = time.perf_counter()
    figures = recovery.for_incident(lead, incident)
    recovered = time.perf_counter()
    assert figures["affected"] == customers and figures["cases_before"] == customers, figures
    facts = trust.compute(incident)
    assessed = time.perf_counter()
    assert facts["affected"] == customers
    return (
        declared - started,
        by_rule - declared,
        by_list - listed,
        recovered - measured,
        assessed - recovered,
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--customers", type=int, default=50_000)
    parser.add_argument("--others", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    url = os.environ["DATABASE_URL"]
    if "bench" not in urlsplit(url).path.rsplit("/", 1)[-1]:
        sys.exit(
            f"Refusing to run: the database in DATABASE_URL ({url}) must be a throwaway named with 'bench'."
        )
    ensure_database(url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    lead, region, hit = prepare(args.customers, args.others)
    with connection.cursor() as cursor:
        vendor = connection.vendor
        cursor.execute(
            "SELECT version()" if vendor == "postgresql" else "SELECT 'SQLite ' || sqlite_version()"
        )
        server = cursor.fetchone()[0].split(" on ")[0]
    print(
        f"{server}; {args.customers:,} customers affected of {args.customers + args.others:,}; {args.rounds} rounds"
    )
    timings = [one_round(lead, region, hit, args.customers) for _ in range(args.rounds)]
    for index, label in enumerate(
        [
            "declare",
            f"add {args.customers:,} by rule",
            f"the same {args.customers:,} from a list",
            "recovery (3 aggregates)",
            "trust impact facts",
        ]
    ):
        values = [round[index] for round in timings]
        print(f"  {label:<32} best {min(values):6.2f} s   median {statistics.median(values):6.2f} s")
    totals = [declare + rule for declare, rule, *_ in timings]
    print(
        f"  {'declare + by rule':<32} best {min(totals):6.2f} s   median {statistics.median(totals):6.2f} s"
    )


if __name__ == "__main__":
    main()
