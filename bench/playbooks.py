"""The playbooks check (issue 20, item 1) over many customers: `keyaccounts.plays_due` on a tier of N customers.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/io_bench_playbooks DJANGO_SETTINGS_MODULE=tests.settings \\
        .venv/bin/python bench/playbooks.py [--customers 20000]

The database is a throwaway: its name must contain "bench" (created on PostgreSQL if missing, migrated). Times:
the first run (every customer starts following the tier's playbook; its onboarding and cadence plays are
created, set-based), a second run (nothing to do: the steady state), and a run after a new version came into
effect (every customer moves: their open plays closed as moved in locked batches, the new plays created).
Figures are printed, never asserted.
"""

import argparse
import os
import sys
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/io_bench_playbooks")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ.setdefault("INTIMACY_OPS_VAR_DIR", str(ROOT / "var" / "bench"))

from bench.incidents import ensure_database  # noqa: E402

PLAYS = [
    {"title": "Kick-off call", "trigger": "onboarding", "role": "account manager", "days_to_do": 5},
    {"title": "Sponsor lunch", "trigger": "onboarding", "role": "operations lead", "days_to_do": 14},
    {"title": "Check-in", "trigger": "cadence", "every_days": 30, "role": "account manager", "days_to_do": 7},
    {"title": "Incident call", "trigger": "incident", "role": "account manager", "days_to_do": 1},
]


def prepare(customers: int):
    from django.contrib.auth.models import Group

    from intimacy_ops.accounts.models import Region, User
    from keyaccounts.models import PlaybookFollow, PlaybookMove, PlayDue
    from segments.models import Customer, Segment

    region, _ = Region.objects.get_or_create(code="BENCH", defaults={"name": "Benchmark"})
    lead, made = User.objects.get_or_create(username="bench.lead", defaults={"first_name": "Bench"})
    if made:
        lead.groups.set(Group.objects.filter(name="operations lead"))
        lead.regions.set([region])
    tier, _ = Segment.objects.get_or_create(name="Bench tier", defaults={"rank": 903, "capacity": customers})
    PlayDue.objects.filter(play__playbook__segment=tier).delete()
    PlaybookMove.objects.filter(customer__segment=tier).delete()
    PlaybookFollow.objects.filter(customer__segment=tier).delete()
    tier.playbooks.all().delete()
    bench = Customer.objects.filter(source="bench-playbooks")
    if bench.count() != customers:
        bench.delete()
        Customer.objects.bulk_create(
            [
                Customer(
                    source="bench-playbooks",
                    external_id=f"P{n:07d}",
                    name=f"Playbook bench customer {n:07d}",
                    region=region,
                    annual_revenue=Decimal(100_000),
                    segment=tier,
                    segment_locked=True,
                    segment_lock_reason="benchmark",
                )
                for n in range(customers)
            ],
            batch_size=5000,
        )
    return lead, tier


def timed(label: str) -> None:
    from keyaccounts.playbooks.check import run_plays

    started = time.perf_counter()
    result = run_plays()
    print(f"{label}: {time.perf_counter() - started:.2f} s — {result.summary}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--customers", type=int, default=20_000)
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
    from django.utils import timezone

    from keyaccounts.playbooks import services

    call_command("migrate", verbosity=0)
    lead, tier = prepare(args.customers)
    today = timezone.localdate()
    services.publish_version(actor=lead, segment=tier, effective_on=today, plays=PLAYS)
    print(f"{args.customers:,} customers in one tier with a playbook of {len(PLAYS)} plays")
    timed("first run (follow, create the plays due)")
    timed("second run (nothing to do)")
    services.publish_version(actor=lead, segment=tier, effective_on=today, plays=PLAYS[1:])
    timed("a new version in effect (every customer moves)")
    timed("again (nothing to do)")


if __name__ == "__main__":
    main()
