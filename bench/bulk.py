"""A lead's bulk decision at size (issue 18, "Queues"): the wall time of one POST approving N requests from
"Waiting for me" (`/exceptions/waiting/bulk/`, confirmed), through the Django test client as ops.oscar.

    .venv/bin/python bench/bulk.py [--items 200] [--repeat 3]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/io_bench_bulk .venv/bin/python bench/bulk.py

By default the database is a throwaway SQLite file, var/bench/bulk.sqlite3, deleted and migrated afresh; with
DATABASE_URL set to PostgreSQL its name must contain "bench" (dropped and created again). Each round writes
--items lead-routed `submitted` requests, then times the one request that decides them all (each through
`lifecycle.decide_request`: take-up, decision, transitions, audit events, the requester's notice). Printed:
each round's wall and CPU seconds, ms per item, queries, and the median with the load average — never asserted
(the goal: < 5 s at 200 on SQLite; on a shared machine the CPU seconds say more than the wall clock).
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
BENCH_DIR = ROOT / "var" / "bench"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ.setdefault("INTIMACY_OPS_VAR_DIR", str(BENCH_DIR / "bulk-var"))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{BENCH_DIR / 'bulk.sqlite3'}")
os.environ.setdefault("LOG_LEVEL", "WARNING")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--profile", action="store_true", help="cProfile the timed request (top 25 by own time)"
    )
    parser.add_argument("--show-queries", action="store_true", help="print every query of the timed request")
    args = parser.parse_args()

    from audit_chain import fresh_database

    where = fresh_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    call_command("migrate", verbosity=0, interactive=False)
    from exceptions.models import ExceptionRequest
    from tests.exceptions.factories import ExceptionRequestFactory, scenario

    s = scenario()
    client = Client(HTTP_HOST="localhost")
    client.force_login(s.oscar)
    client.get("/exceptions/waiting/")
    print(
        f"bulk decision of {args.items} requests, {where}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}"
    )
    times = []
    for round_ in range(1, args.repeat + 1):
        rows = ExceptionRequestFactory.create_batch(
            args.items,
            customer=s.acme,
            process=s.fulfilment,
            status=ExceptionRequest.Status.SUBMITTED,
            route="lead",
        )
        body = {"ids": [r.pk for r in rows], "action": "approve", "comment": "Bench", "confirmed": "true"}
        queries = []
        with connection.execute_wrapper(
            lambda execute, sql, *rest, seen=queries: seen.append(sql) or execute(sql, *rest)
        ):
            profiler = cProfile.Profile() if args.profile else None
            started, cpu = time.perf_counter(), time.process_time()
            if profiler:
                profiler.enable()
            response = client.post("/exceptions/waiting/bulk/", body)
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
            if profiler:
                profiler.disable()
                pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
        if args.show_queries:
            print("\n".join(q[:160] for q in queries))
        approved = ExceptionRequest.objects.filter(pk__in=body["ids"], status="approved").count()
        assert response.status_code == 302 and approved == args.items, (response.status_code, approved)
        times.append(seconds)
        print(
            f"  round {round_}: {seconds:6.2f} s wall ({cpu:5.2f} s CPU)  {seconds * 1000 / args.items:6.1f} ms/item  "
            f"{len(queries):5d} queries ({len(queries) / args.items:.1f}/item)"
        )
    print(f"  median: {statistics.median(times):.2f} s for {args.items} items, load {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
