"""The dashboard at scale (issue 15, "Benchmark"): each panel, the whole page and the summary API through the
Django test client, against the same SQL run directly with psycopg2, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_dashboard .venv/bin/python bench/dashboard.py
    ... bench/dashboard.py --customers 20000 --cases-per-customer 10 --exceptions 100000 \\
            --reviews 10000 --escalations 5000          # a tenth of the issue's sizes
    ... bench/dashboard.py --reuse                       # measure a database generate.py already filled

The database's name must contain "bench": without `--reuse` it is generated afresh by bench/generate.py
(COPY) with the sizes given (default: the issue's 1,000,000 exceptions, 200,000 customers, 2,000,000
cases, 100,000 reviews, 50,000 escalations over 3 regions) and dropped at the end (`--keep` keeps it).

For each user (an operations lead of one region, the auditor: every region) it prints, per panel
(`/dashboard/panels/<key>/`), for the whole page (`/dashboard/`) and for the summary (`/api/v1/dashboard/summary/`),
the median and p95 of `--repeat` warm requests (after 2 warm-ups) and the ratio of the median to the
median of the SQL those requests ran for the panel (captured once, then run again with psycopg2 on
its own connection: the database's share of the time). The load average is printed beside each figure.
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

from generate import configure_environment  # noqa: E402

os.environ.setdefault("DJANGO_MANIFEST_STATIC", "0")  # the page links static files; no collectstatic here


def _load() -> str:
    return "/".join(f"{value:.2f}" for value in os.getloadavg())


def _stats(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def timed_get(client, path: str, repeat: int) -> tuple[float, float]:
    for _ in range(2):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code, response.content[:300])
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(path)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        samples.append((time.perf_counter() - started) * 1000)
    return _stats(samples)


def captured_sql(compute) -> list[str]:
    """The SQL a computation runs (params inlined by the driver, as PostgreSQL received it)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        compute()
    return [query["sql"] for query in queries.captured_queries]


def timed_sql(cursor, statements: list[str], repeat: int) -> tuple[float, float]:
    for statement in statements:  # warm
        cursor.execute(statement)
        cursor.fetchall()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        for statement in statements:
            cursor.execute(statement)
            cursor.fetchall()
        samples.append((time.perf_counter() - started) * 1000)
    return _stats(samples)


def measure(user, repeat: int, raw):
    """Yields (what, median, p95, SQL median, queries, load) as each is measured."""
    from django.http import QueryDict
    from django.test import Client

    from intimacy_ops import dashboard
    from intimacy_ops.dashboard import filters as dashboard_filters

    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    filters, _ = dashboard_filters.parse(user, QueryDict())
    page_sql = []
    with raw.cursor() as cursor:
        for panel in dashboard.panels():
            sql = captured_sql(lambda panel=panel: panel.compute(user, filters))
            page_sql += sql
            median, p95 = timed_get(client, f"/dashboard/panels/{panel.key}/", repeat)
            sql_median, _ = timed_sql(cursor, sql, repeat)
            yield panel.key, median, p95, sql_median, len(sql), _load()
        median, p95 = timed_get(client, "/dashboard/", repeat)
        sql_median, _ = timed_sql(cursor, page_sql, repeat)
        yield "whole page", median, p95, sql_median, len(page_sql), _load()
        summary_sql = captured_sql(
            lambda: [compute(user, filters) for compute in dashboard.summaries().values()]
        )
        median, p95 = timed_get(client, "/api/v1/dashboard/summary/", repeat)
        sql_median, _ = timed_sql(cursor, summary_sql, repeat)
        yield "summary API", median, p95, sql_median, len(summary_sql), _load()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=200_000)
    parser.add_argument("--cases-per-customer", type=float, default=10.0)
    parser.add_argument("--exceptions", type=int, default=1_000_000)
    parser.add_argument("--reviews", type=int, default=100_000)
    parser.add_argument("--escalations", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--reuse", action="store_true", help="measure the database as it is")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if "bench" not in url.rsplit("/", 1)[-1]:
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database whose name contains 'bench'.")
    configure_environment()
    if not args.reuse:
        import generate

        args.fresh, args.managers_per_region, args.leads_per_region = True, 10, 2
        args.board_members, args.due, args.seed, args.people_file = 6, 0.0, 14, None
        generate.generate(url, args)
    else:
        import django

        django.setup()
    import psycopg2
    from django.db import connection

    from intimacy_ops.accounts.models import User

    raw = psycopg2.connect(url)
    raw.autocommit = True
    print(f"\nbench/dashboard.py, {args.repeat} warm requests each, load average {_load()}")
    with connection.cursor() as cursor:
        for table in ("exceptions_exceptionrequest", "segments_customer", "segments_servicecase",
                      "governance_review", "intimacy_ops_escalation"):  # fmt: skip
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608
            print(f"  {table:<28} {cursor.fetchone()[0]:>10,} rows")
    users = [
        User.objects.filter(username__startswith="bench.lead.", regions__code="EMEA")
        .order_by("username")
        .first(),
        User.objects.get(username="bench.auditor"),
    ]
    for user in users:
        print(
            f"\n{user.username} ({', '.join(user.regions.values_list('code', flat=True)) or 'every region'})"
        )
        print(f"  {'':<22} {'median ms':>10} {'p95 ms':>9} {'SQL ms':>8} {'ratio':>6} {'queries':>8}  load")
        for key, median, p95, sql_median, count, load in measure(user, args.repeat, raw):
            ratio = median / sql_median if sql_median else float("nan")
            print(
                f"  {key:<22} {median:>10.1f} {p95:>9.1f} {sql_median:>8.1f} {ratio:>6.2f} {count:>8}  {load}"
            )
    raw.close()
    if not args.reuse and not args.keep:
        connection.close()
        from checks_rows import drop_database

        drop_database(url)
        print("\nbenchmark database dropped")


if __name__ == "__main__":
    main()
