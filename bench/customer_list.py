"""The customer list at scale: the first page of /customers/ and of /api/v1/customers/ over N customers.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_perf_customers .venv/bin/python bench/customer_list.py
    ... bench/customer_list.py --customers 1000000 --repeat 30 [--keep]

PostgreSQL only; the database's name must contain "bench": it is dropped and created again, and dropped
at the end unless --keep. N customers (generate_series, in one INSERT) over two regions, one open case
per 10 customers, VACUUM ANALYZE. Each request goes through the whole stack (middleware, view or DRF,
template, masking, access log) for an account manager of EMEA (half the customers) and an auditor (all),
warmed up, then timed `--repeat` times: median and p95 wall time, and the CPU this process spent, beside
the machine's load average.
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
os.environ.setdefault("INTIMACY_OPS_VAR_DIR", str(ROOT / "var" / "bench" / "customer-list-var"))
os.environ.setdefault("LOG_LEVEL", "WARNING")

CUSTOMERS_SQL = """
INSERT INTO segments_customer (source, external_id, name, region_id, account_manager_id, annual_revenue,
    strategic_value, support_complexity, lifetime_value, segment_id, segment_locked, segment_lock_reason,
    consent_profiling, consent_sentiment, consent_surveys, legal_hold, contact_email, personal_notes,
    created_at, updated_at)
SELECT 'crm', 'C' || lpad(n::text, 8, '0'), 'Customer ' || md5(n::text),
       CASE WHEN n %% 2 = 0 THEN %(emea)s ELSE %(amer)s END,
       CASE WHEN n %% 100 = 0 THEN %(manager)s END,
       (n %% 1000) * 1000, 1 + n %% 5, 1 + n %% 3, (n %% 500) * 2000, NULL, false, '',
       false, false, false, false, 'buyer' || n || '@example.com', '', now(), now()
FROM generate_series(1, %(customers)s) AS n
"""
CASES_SQL = """
INSERT INTO segments_servicecase (customer_id, source, external_id, title, priority, opened_at, breached, queue)
SELECT id, 'crm', 'K' || id, 'Bench case', 'P3', now() - interval '1 day', false, ''
FROM segments_customer WHERE id % 10 = 0
"""


def timed(client, path: str, repeat: int) -> tuple[float, float, float]:
    for _ in range(3):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code, response.content[:300])
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        response = client.get(path)
        cpus.append((time.process_time() - cpu) * 1000)
        walls.append((time.perf_counter() - wall) * 1000)
    return statistics.median(walls), statistics.quantiles(walls, n=20)[18], statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="keep the database (to re-run with --reuse)")
    parser.add_argument("--reuse", action="store_true", help="measure the database a --keep run left")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")) or "bench" not in url.rsplit("/", 1)[-1]:
        raise SystemExit(
            "set DATABASE_URL=postgres://…/bench_perf_customers (PostgreSQL, 'bench' in the name)"
        )
    from audit_chain import fresh_database
    from checks_rows import drop_database

    if not args.reuse:
        print(f"database: {fresh_database(url)}")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from intimacy_ops.accounts.roles import Role
    from segments.models import Customer
    from tests.factories import RegionFactory, user_with

    try:
        if not args.reuse:
            started = time.perf_counter()
            call_command("migrate", verbosity=0, interactive=False)
            emea, amer = RegionFactory(code="EMEA"), RegionFactory(code="AMER")
            manager = user_with(Role.ACCOUNT_MANAGER, regions=["EMEA"], username="am.bench")
            user_with(Role.AUDITOR, regions=["EMEA", "AMER"], username="audit.bench")
            with connection.cursor() as cursor:
                cursor.execute(
                    CUSTOMERS_SQL,
                    {"emea": emea.pk, "amer": amer.pk, "manager": manager.pk, "customers": args.customers},
                )
                cursor.execute(CASES_SQL)
                cursor.execute("VACUUM ANALYZE")
            print(f"  ({Customer.objects.count():,} customers in {time.perf_counter() - started:.1f} s)")
        from intimacy_ops.accounts.models import User

        print(f"load average {os.getloadavg()[0]:.2f} before; {args.repeat} runs each, first page (25 rows)")
        for username, who in (("am.bench", "account manager, EMEA"), ("audit.bench", "auditor, all")):
            client = Client(HTTP_HOST="localhost")
            client.force_login(User.objects.get(username=username))
            for path in ("/segments/customers/", "/api/v1/customers/", "/segments/customers/?q=ab"):
                median, p95, cpu = timed(client, path, args.repeat)
                print(
                    f"  {who:22} {path:28} median {median:6.1f} ms  p95 {p95:6.1f} ms  "
                    f"CPU {cpu:5.1f} ms  (load {os.getloadavg()[0]:.2f})"
                )
    finally:
        connection.close()
        if not args.keep:
            drop_database(url)
            print("database dropped")


if __name__ == "__main__":
    main()
