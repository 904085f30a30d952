"""Benchmark: import a 100,000-row customers CSV; print rows/s and peak memory (figures, no assertions).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_import DJANGO_SETTINGS_MODULE=tests.settings \
        .venv/bin/python bench/import.py [--rows 100000] [--no-baseline] [--drop]

Goal (issue 14): >= 10,000 rows/s on PostgreSQL and memory under 200 MB. The script creates the
database if it is missing, migrates it, adds two regions, two account managers and three tiers,
writes the CSVs under var/bench/, then runs the real command (`manage.py import_data customers FILE`)
in a child process per phase, so each phase's peak resident memory is its own (`wait4` rusage):

  create     every row new (then one set-based reclassification)
  unchanged  the same file again: nothing written
  update     the file with 10% of the rows changed
  small      a 10,000-row file: peak memory should match the large file's (memory flat in the file size)

Two rounds, in the same run and database, each starting from no bench customers:
  baseline   the batched ORM path (what SQLite uses, and what PostgreSQL used before issue 14): per batch of
             1,000, the existing rows read with SELECT … FOR UPDATE, compared in Python, bulk_create/bulk_update
  copy       the default path on PostgreSQL: per batch of 5,000, COPY into a staging table and one
             statement that merges, classifies the written rows and records their segment moves
The load average is printed beside every phase (five people share this machine): compare the two rounds'
ratio rather than the absolute figures. Steadier under load: `cpu s`, the command's own CPU time (Django's
start included), `db cpu`, its database backend's (sampled from /proc), and `rows/cpu-s`, the rows over
both (less Django's start): the two take turns, so on an idle machine the import's time approaches their sum.
"""

import argparse
import csv
import os
import random
import subprocess
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
SOURCE = "bench"
SMALL_SOURCE = "bench-small"


def ensure_database() -> None:
    """Create the PostgreSQL database named in DATABASE_URL when it does not exist yet."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return
    import dj_database_url
    import psycopg2

    config = dj_database_url.parse(url)
    try:
        psycopg2.connect(
            dbname=config["NAME"],
            user=config["USER"],
            password=config["PASSWORD"],
            host=config["HOST"],
            port=config["PORT"],
        ).close()
        return
    except psycopg2.OperationalError as problem:
        if "does not exist" not in str(problem):
            raise
    admin = psycopg2.connect(
        dbname="postgres",
        user=config["USER"],
        password=config["PASSWORD"],
        host=config["HOST"],
        port=config["PORT"],
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{config["NAME"]}"')
    admin.close()
    print(f"created database {config['NAME']}")


def seed_reference_data() -> tuple[list[str], list[str]]:
    from django.contrib.auth.models import Group

    from intimacy_ops.accounts.models import Region, User
    from intimacy_ops.accounts.roles import Role
    from segments.models import Segment

    regions = []
    managers = []
    group = Group.objects.get(name=Role.ACCOUNT_MANAGER.value)
    for code, name in (("EMEA", "Europe, Middle East and Africa"), ("AMER", "Americas")):
        region, _ = Region.objects.get_or_create(code=code, defaults={"name": name})
        manager, _ = User.objects.get_or_create(username=f"bench.am.{code.lower()}")
        manager.groups.add(group)
        manager.regions.add(region)
        regions.append(code)
        managers.append(manager.username)
    for name, rank, revenue, strategic, lifetime, capacity in (
        ("Strategic", 1, 5_000_000, 4, 20_000_000, 10_000),
        ("Premier", 2, 1_000_000, 3, 3_000_000, 30_000),
        ("Standard", 3, 0, 1, 0, 1_000_000),
    ):
        if not Segment.objects.filter(rank=rank).exists():
            Segment.objects.create(
                name=name,
                rank=rank,
                min_annual_revenue=Decimal(revenue),
                min_strategic_value=strategic,
                min_lifetime_value=Decimal(lifetime),
                capacity=capacity,
            )
    from segments.models import SlaPolicy

    for segment in Segment.objects.all():
        for priority, response, resolution, clock in (
            ("P1", 30, 240, SlaPolicy.Clock.ALWAYS),
            ("P2", 120, 960, SlaPolicy.Clock.BUSINESS_HOURS),
            ("P3", 480, 2400, SlaPolicy.Clock.BUSINESS_HOURS),
            ("P4", 960, 4800, SlaPolicy.Clock.BUSINESS_HOURS),
        ):
            SlaPolicy.objects.get_or_create(
                segment=segment,
                priority=priority,
                defaults={
                    "first_response_minutes": response,
                    "resolution_minutes": resolution,
                    "clock": clock,
                    "update_interval_minutes": 240,
                },
            )
    return regions, managers


HEADER = [
    "source",
    "external_id",
    "name",
    "region",
    "account_manager",
    "annual_revenue",
    "strategic_value",
    "support_complexity",
    "lifetime_value",
    "contact_email",
    "personal_notes",
]


def write_file(path: Path, *, rows: int, source: str, regions, managers, changed_every: int = 0) -> Path:
    """Write the CSV a row at a time; `changed_every=10` changes the revenue of every 10th row."""
    rng = random.Random(20261123)  # noqa: S311  (benchmark data, reproducible)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for number in range(1, rows + 1):
            side = number % 2
            revenue = rng.choice([150_000, 400_000, 900_000, 1_500_000, 3_000_000, 6_000_000, 12_000_000])
            if changed_every and number % changed_every == 0:
                revenue += 1
            writer.writerow(
                [
                    source,
                    f"B-{number:07d}",
                    f"Bench customer {number:07d}",
                    regions[side],
                    managers[side],
                    f"{revenue}.00",
                    rng.randint(1, 5),
                    rng.randint(1, 5),
                    f"{revenue * rng.choice([2, 3, 4, 5])}.00",
                    f"buyer{number}@example.com",
                    f"Prefers calls on {rng.choice(['Monday', 'Tuesday', 'Thursday'])} mornings.",
                ]
            )
    return path


CASE_HEADER = ["source", "external_id", "customer_source", "customer_external_id", "priority", "opened_at",
               "first_response_at", "resolved_at", "title"]  # fmt: skip


def write_cases(path: Path, *, rows: int, customers: int, changed_every: int = 0) -> Path:
    """Cases of the bench customers, a quarter still open; `changed_every=10` resolves every 10th one."""
    import datetime

    rng = random.Random(20261207)  # noqa: S311  (benchmark data, reproducible)
    start = datetime.datetime(2026, 6, 1, 8, 0, tzinfo=datetime.UTC)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(CASE_HEADER)
        for number in range(1, rows + 1):
            opened = start + datetime.timedelta(minutes=rng.randint(0, 180 * 24 * 60))
            answered = opened + datetime.timedelta(minutes=rng.randint(5, 600))
            closed = number % 4 != 0 or (changed_every and number % changed_every == 0)
            taken = datetime.timedelta(minutes=rng.randint(10, 5000))  # drawn always: the files stay aligned
            resolved = answered + taken if closed else None
            writer.writerow(
                [
                    "bench-ticketing",
                    f"BT-{number:07d}",
                    SOURCE,
                    f"B-{1 + (number * 7919) % customers:07d}",
                    f"P{rng.randint(1, 4)}",
                    opened.isoformat(),
                    answered.isoformat(),
                    resolved.isoformat() if resolved else "",
                    f"Bench case {number}",
                ]
            )
    return path


def forget_previous_runs() -> None:
    """Remove what earlier bench runs imported, so the first phase creates every row again."""
    from django.db import transaction

    from segments.models import Customer, ImportRun, SegmentChange, ServiceCase

    with transaction.atomic():
        bench = Customer.objects.filter(source__in=[SOURCE, SMALL_SOURCE])
        ServiceCase.objects.filter(customer_id__in=bench.values("id"))._raw_delete(ServiceCase.objects.db)
        SegmentChange.objects.filter(customer_id__in=bench.values("id"))._raw_delete(SegmentChange.objects.db)
        bench._raw_delete(Customer.objects.db)
        ImportRun.objects.filter(filename__startswith="bench-").delete()


# The baseline round's child: the command with the customers importer's PostgreSQL merge replaced by the
# batched ORM path (bench only; the application has no switch for it).
BASELINE_CHILD = (
    "import sys, django; from django.core.management import execute_from_command_line; django.setup(); "
    "from segments.imports.writing import CustomerImporter, CaseImporter; CustomerImporter.merge = CustomerImporter.write_rows; "
    "CaseImporter.merge = CaseImporter.write_rows; "
    "execute_from_command_line(sys.argv)"
)


class BackendCpu(threading.Thread):
    """Samples the CPU time of this database's other backends (the child's) from /proc while the child runs:
    the database server's share of the import, which the child's own rusage does not include. PostgreSQL
    runs on this machine; without /proc access the figure reads 0."""

    def __init__(self):
        super().__init__(daemon=True)
        self.stop = threading.Event()
        self.seconds: dict[int, float] = {}

    def run(self) -> None:
        import dj_database_url
        import psycopg2

        config = dj_database_url.parse(os.environ["DATABASE_URL"])
        watcher = psycopg2.connect(
            dbname=config["NAME"],
            user=config["USER"],
            password=config["PASSWORD"],
            host=config["HOST"],
            port=config["PORT"],
        )
        watcher.autocommit = True
        tick = os.sysconf("SC_CLK_TCK")
        with watcher.cursor() as cursor:
            while not self.stop.wait(0.05):
                cursor.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
                )
                for (pid,) in cursor.fetchall():
                    try:
                        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                    except OSError:
                        continue
                    self.seconds[pid] = max(
                        self.seconds.get(pid, 0), (int(fields[11]) + int(fields[12])) / tick
                    )
        watcher.close()

    def total(self) -> float:
        self.stop.set()
        self.join()
        return sum(self.seconds.values())


def run_phase(name: str, path: Path, *, baseline: bool = False, kind: str = "customers") -> dict:
    """Run the real command in a child process; its wall time, the run's own timing, and the child's peak RSS."""
    if baseline:
        command = [sys.executable, "-c", BASELINE_CHILD, "import_data", kind, str(path)]
        command += ["--batch-size", "1000"]
    else:
        command = [sys.executable, str(ROOT / "manage.py"), "import_data", kind, str(path)]
    from django.db import connection

    connection.close()  # so the sampler sees the child's backend only
    backends = BackendCpu()
    backends.start()
    started = time.perf_counter()
    child = subprocess.Popen(  # noqa: S603
        command,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    db_cpu = backends.total()
    output = child.stdout.read().strip()
    problems = child.stderr.read().strip()
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{name}: import_data exited {child.returncode}\n{problems}")

    from segments.models import ImportRun

    run = ImportRun.objects.order_by("-id").first()
    seconds = (run.finished_at - run.started_at).total_seconds()
    return {
        "phase": name,
        "rows": run.rows_seen,
        "import_s": seconds,
        "wall_s": wall,
        "rows_per_s": run.rows_seen / seconds if seconds else float("inf"),
        "peak_mb": usage.ru_maxrss / 1024,  # Linux reports kilobytes
        # The command's own CPU time (startup included; not the database server's): steadier than wall time
        # on a shared machine.
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "db_cpu_s": db_cpu,
        "load": os.getloadavg()[0],
        "summary": output.splitlines()[-1],
    }


def startup_cost() -> tuple[float, float]:
    """Peak RSS (MB) and CPU seconds of the same command process doing nothing but start Django (for scale)."""
    child = subprocess.Popen(  # noqa: S603
        [sys.executable, str(ROOT / "manage.py"), "import_data", "--help"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, _, usage = os.wait4(child.pid, 0)
    return usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--small-rows", type=int, default=10_000)
    parser.add_argument("--cases", type=int, default=100_000, help="Cases of the bench customers (0: none).")
    parser.add_argument("--no-baseline", action="store_true", help="Skip the baseline round.")
    parser.add_argument(
        "--only-cases", action="store_true", help="Only the cases phases (customers created first)."
    )
    parser.add_argument("--drop", action="store_true", help="Drop the PostgreSQL database at the end.")
    args = parser.parse_args()

    ensure_database()
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    regions, managers = seed_reference_data()
    folder = ROOT / "var" / "bench"
    started = time.perf_counter()
    big = write_file(
        folder / f"bench-customers-{args.rows}.csv",
        rows=args.rows,
        source=SOURCE,
        regions=regions,
        managers=managers,
    )
    changed = write_file(
        folder / f"bench-customers-{args.rows}-changed.csv",
        rows=args.rows,
        source=SOURCE,
        regions=regions,
        managers=managers,
        changed_every=10,
    )
    small = write_file(
        folder / f"bench-customers-{args.small_rows}.csv",
        rows=args.small_rows,
        source=SMALL_SOURCE,
        regions=regions,
        managers=managers,
    )
    cases = write_cases(folder / f"bench-cases-{args.cases}.csv", rows=args.cases, customers=args.rows)
    cases_changed = write_cases(
        folder / f"bench-cases-{args.cases}-changed.csv",
        rows=args.cases,
        customers=args.rows,
        changed_every=10,
    )
    print(f"database: {connection.vendor} {settings.DATABASES['default']['NAME']}")
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(
        f"machine: {os.cpu_count()} CPUs, load average {load} (other work on the machine slows every figure)"
    )
    print(
        f"files: {big} ({big.stat().st_size / 1048576:.1f} MB), written in {time.perf_counter() - started:.1f}s"
    )
    startup_mb, startup_cpu = startup_cost()
    print(
        f"startup: a command process that only starts Django peaks at {startup_mb:.0f} MB RSS and takes "
        f"{startup_cpu:.1f} s of CPU (left out of rows/cpu-s)"
    )
    rounds = [("copy", False)] if args.no_baseline else [("baseline", True), ("copy", False)]
    results: dict[tuple[str, str], dict] = {}
    for label, baseline in rounds:
        forget_previous_runs()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # the deleted rows' dead tuples gone: both rounds start alike
                cursor.execute("VACUUM ANALYZE segments_customer, segments_segmentchange")
        connection.close()
        print()
        print(f"{label}:")
        print(
            f"{'phase':<10} {'rows':>8} {'import s':>9} {'wall s':>7} {'cpu s':>6} {'db cpu':>6} {'rows/cpu-s':>10} {'rows/s':>8} {'peak RSS':>9} {'load':>5}  summary"
        )
        phases = [
            ("create", big, "customers"),
            ("unchanged", big, "customers"),
            ("update", changed, "customers"),
        ]
        phases += [("small", small, "customers")] if not args.only_cases else []
        if args.cases:
            phases += [
                ("cases", cases, "cases"),
                ("cases-same", cases, "cases"),
                ("cases-upd", cases_changed, "cases"),
            ]
        for name, path, kind in phases:
            if args.only_cases and kind == "customers" and name != "create":
                continue
            result = run_phase(
                name, path, baseline=baseline and (kind == "cases" or not args.only_cases), kind=kind
            )
            result["rows_per_cpu_s"] = result["rows"] / max(
                result["cpu_s"] - startup_cpu + result["db_cpu_s"], 0.001
            )
            results[label, name] = result
            print(
                f"{result['phase']:<10} {result['rows']:>8} {result['import_s']:>9.1f} {result['wall_s']:>7.1f} "
                f"{result['cpu_s']:>6.1f} {result['db_cpu_s']:>6.1f} "
                f"{result['rows_per_cpu_s']:>10.0f} "
                f"{result['rows_per_s']:>8.0f} {result['peak_mb']:>7.0f} MB {result['load']:>5.1f}  "
                f"{result['summary']}"
            )
    if len(rounds) == 2:
        print()
        print(
            "copy / baseline, rows/s: "
            + ", ".join(
                f"{name} {results['copy', name]['rows_per_s'] / results['baseline', name]['rows_per_s']:.1f}x"
                for name in ("create", "unchanged", "update", "small", "cases", "cases-same", "cases-upd")
                if ("copy", name) in results and ("baseline", name) in results
            )
        )
    print()
    print(
        "goal: >= 10,000 rows/s on PostgreSQL, peak memory < 200 MB (import s: the run's own start → finish)"
    )
    if args.drop and connection.vendor == "postgresql":
        drop_database()


def drop_database() -> None:
    import dj_database_url
    import psycopg2
    from django.db import connections

    connections.close_all()
    config = dj_database_url.parse(os.environ["DATABASE_URL"])
    admin = psycopg2.connect(
        dbname="postgres",
        user=config["USER"],
        password=config["PASSWORD"],
        host=config["HOST"],
        port=config["PORT"],
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE "{config["NAME"]}"')
    admin.close()
    print(f"dropped database {config['NAME']}")


if __name__ == "__main__":
    main()
