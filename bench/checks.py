"""The periodic checks at size: does a check's time follow what crossed its line, or the tables' size?

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_checks .venv/bin/python bench/checks.py \
        --exceptions 200000 --cases 200000 --reviews 20000 --crossed 0.05   # 10,000 crossings per check

PostgreSQL only; the database (name containing "bench") is created afresh and dropped at the end unless
--keep. Rows are copies of one ORM-written row (INSERT … SELECT … generate_series), the columns that matter
varied. Round 1: a share (--crossed) of each table crossed a line (requests to start or expire, cases
overdue with an update reminder due, reviews overdue); the rest is history or not yet due. Each check runs
once as beat runs it, then again at once (nothing left). With exceptions.expiry_reminders, as many again of
the requests enter their reminder window (1–14 days to expiry). Round 2 doubles the tables with a fresh crossed
share of the same size. Printed per check: time, queries, rows acted on (the sum of its counts), ms/row
(goal ≤ 1), the per-row path's ms/row before issue 14 (BASELINE), load average; then round 2 / round 1
(goal ≤ 1.3×: the cost follows what crossed, not the tables).
"""

import argparse
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
BENCH_DIR = ROOT / "var" / "bench"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ.setdefault("INTIMACY_OPS_VAR_DIR", str(BENCH_DIR / "checks-var"))
os.environ.setdefault("LOG_LEVEL", "WARNING")
# Production's sealing: the check's commits wake the process's sealer thread (tests.settings seals inline).
os.environ.setdefault("AUDIT_SEALING", "background")

CUSTOMERS = 2_000
CHECKS = (
    "sla_sweep",
    "exceptions.start_and_expiry",
    "exceptions.expiry_reminders",
    "governance.reviews_overdue",
)
# ms per row of the per-row path (before issue 14's bulk checks), this script at --exceptions 100000 --cases
# 50000 --reviews 10000 --crossed 0.02 on this 2-core machine, load average 6–8 (rounds 1 / 2).
BASELINE = {
    "sla_sweep": (28.2, 17.5),
    "exceptions.start_and_expiry": (43.2, 59.2),
    "governance.reviews_overdue": (10.7, 63.8),
    # the per-row reminders (a marker insert and a notice per exception): --exceptions 200000 --cases 20000
    # --reviews 20000 --crossed 0.01 (2,000 rows), load 8-10, 2026-12-07 (bench/README.md).
    "exceptions.expiry_reminders": (20.4, 13.3),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--exceptions", type=int, default=1_000_000)
    parser.add_argument("--cases", type=int, default=500_000)
    parser.add_argument("--reviews", type=int, default=100_000)
    parser.add_argument("--crossed", type=float, default=0.01, help="the share that crossed a line")
    parser.add_argument("--only", nargs="*", choices=CHECKS, help="run only these checks")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--skip-mail",
        action="store_true",
        help="leave the e-mail copies queued instead of running their tasks inline (the mail worker's job)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="cProfile each check's round-1 run: the top 25 by own time, the project's top 40 by cumulative time",
    )
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("bench/checks.py measures PostgreSQL: set DATABASE_URL=postgres://…/io_bench_checks")
    from audit_chain import fresh_database
    from checks_rows import drop_database

    print(f"database: {fresh_database(url)}")

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"  # reminders: no mail to write
    # The e-mail task runs here, against the dummy backend, instead of queueing 10,000s of messages on the
    # broker: the figures are the checks' own work, whichever broker this shell is configured with.
    settings.NOTIFICATION_EMAIL_DELIVERY = "inline"
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    print(f"  (fresh database migrated in {time.perf_counter() - started:.1f} s)")
    try:
        run(args)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            drop_database(url)


def run(args) -> None:
    from decimal import Decimal

    from checks_rows import copy_rows
    from django.db import connection
    from django.utils import timezone

    from exceptions.models import ExceptionRequest
    from governance.models import Board, Review
    from intimacy_ops import checks
    from intimacy_ops.accounts.roles import Role
    from segments.models import Customer, ServiceCase, SlaPolicy
    from tests.exceptions.factories import ExceptionRequestFactory, ProcessFactory
    from tests.factories import RegionFactory, user_with
    from tests.segments.factories import tiers

    now = timezone.now()
    today = timezone.localdate()
    emea, amer = RegionFactory(code="EMEA"), RegionFactory(code="AMER")
    managers = [
        user_with(Role.ACCOUNT_MANAGER, regions=["EMEA", "AMER"], username=f"am.{n:02d}") for n in range(20)
    ]
    chair = user_with(Role.BOARD_CHAIR, regions=["EMEA", "AMER"], username="ccb.chair")
    board = Board.objects.create(name="Change board", chair=chair, quorum=2)
    board.regions.set([emea, amer])
    segments = tiers()
    for segment in segments:
        for number, priority in enumerate(("P1", "P2", "P3", "P4")):
            SlaPolicy.objects.create(
                segment=segment,
                priority=priority,
                first_response_minutes=60 * (number + 1),
                resolution_minutes=480 * (number + 1),
                clock=SlaPolicy.Clock.ALWAYS,
                update_interval_minutes=240,
                escalation_ladder=[{"after_minutes": 60, "role": "operations lead"}],
            )
    Customer.objects.bulk_create(
        Customer(
            source="crm",
            external_id=f"C{n:05d}",
            name=f"Customer {n:05d}",
            region=emea if n % 2 else amer,
            account_manager=managers[n % len(managers)],
            segment=segments[n % 3],
            annual_revenue=Decimal("100000"),
            strategic_value=2,
            support_complexity=2,
            lifetime_value=Decimal("300000"),
        )
        for n in range(CUSTOMERS)
    )
    first_customer = Customer.objects.order_by("pk").values_list("pk", flat=True).first()
    process = ProcessFactory(name="Fulfilment")
    template_exception = ExceptionRequestFactory(
        customer_id=first_customer, process=process, requested_by=managers[0], status="draft", route="lead"
    )
    template_case = ServiceCase.objects.create(
        customer_id=first_customer, source="bench", external_id="TEMPLATE", priority="P1", opened_at=now
    )
    template_review = Review.objects.create(
        exception=template_exception,
        board=board,
        due_on=today,
        opened_at=now,
        status="decided",
        outcome="approve",
    )
    serial = {"exceptions": 0, "cases": 0, "reviews": 0}

    def add(kind: str, count: int, model, template_pk: int, overrides: dict[str, str]) -> None:
        first = serial[kind] + 1
        serial[kind] += count
        if count:
            overrides = {column: sql.replace("{first}", str(first)) for column, sql in overrides.items()}
            copy_rows(model, template_pk, first, serial[kind], overrides)

    customer = f"{first_customer} + (g % {CUSTOMERS})"
    # Each request's requester is its customer's account manager (customer n has managers[n % 20]), so a
    # check's grouped notices go to 20 people, as in a region.
    requester = (
        "(ARRAY[" + ",".join(str(m.pk) for m in managers) + f"])[(g % {CUSTOMERS}) % {len(managers)} + 1]"
    )
    day = "interval '1 day'"
    today_sql = f"DATE '{today:%Y-%m-%d}'"
    now_sql = f"TIMESTAMPTZ '{now.isoformat()}'"

    def exceptions(count: int, crossed: int) -> None:
        """`count` rows that crossed no line (history, running, not yet started), then `crossed` that did."""
        bucket = "(g % 100)"
        add(
            "exceptions",
            count,
            ExceptionRequest,
            template_exception.pk,
            {
                "customer_id": customer,
                "requested_by_id": requester,
                "title": "'Bench ' || g",
                "status": f"CASE WHEN {bucket} < 40 THEN 'expired' WHEN {bucket} < 70 THEN 'active' "
                f"WHEN {bucket} < 80 THEN 'approved' WHEN {bucket} < 90 THEN 'rejected' ELSE 'draft' END",
                "starts_on": f"CASE WHEN {bucket} < 40 THEN {today_sql} - 400 + (g % 100) "
                f"WHEN {bucket} < 70 THEN {today_sql} - 300 + (g % 200) ELSE {today_sql} + 10 + (g % 100) END",
                "expires_on": f"CASE WHEN {bucket} < 40 THEN {today_sql} - 200 + (g % 100) "
                f"WHEN {bucket} < 70 THEN {today_sql} + 30 + (g % 300) ELSE {today_sql} + 400 END",
            },
        )
        half = crossed // 2
        add(
            "exceptions",
            half,
            ExceptionRequest,
            template_exception.pk,
            {
                "customer_id": customer,
                "requested_by_id": requester,
                "title": "'Bench starting ' || g",
                "status": "'approved'",
                "starts_on": f"{today_sql} - (g % 5)",
                "expires_on": f"{today_sql} + 90",
            },
        )
        add(
            "exceptions",
            crossed - half,
            ExceptionRequest,
            template_exception.pk,
            {
                "customer_id": customer,
                "requested_by_id": requester,
                "title": "'Bench expiring ' || g",
                "status": "'active'",
                "starts_on": f"{today_sql} - 200",
                "expires_on": f"{today_sql} - (g % 5)",
            },
        )
        if "exceptions.expiry_reminders" in (args.only or CHECKS):
            # As many again entering the reminder window (default 14 days) of their region.
            add(
                "exceptions",
                crossed,
                ExceptionRequest,
                template_exception.pk,
                {
                    "customer_id": customer,
                    "requested_by_id": requester,
                    "title": "'Bench reminded ' || g",
                    "status": "'active'",
                    "starts_on": f"{today_sql} - 200",
                    "expires_on": f"{today_sql} + 1 + (g % 14)",
                },
            )

    def cases(count: int, crossed: int) -> None:
        bucket = "(g % 100)"
        opened = f"{now_sql} - (g % 400) * {day} - interval '1 day'"
        add(
            "cases",
            count,
            ServiceCase,
            template_case.pk,
            {
                "customer_id": customer,
                "external_id": "'B' || g",
                "priority": "'P3'",
                # 90 % resolved long ago; 10 % opened a few minutes ago, due later.
                "opened_at": f"CASE WHEN {bucket} < 90 THEN {opened} ELSE {now_sql} - interval '5 minutes' END",
                "first_response_at": f"CASE WHEN {bucket} < 90 THEN {opened} + interval '1 hour' END",
                "resolved_at": f"CASE WHEN {bucket} < 90 THEN {opened} + interval '10 hours' END",
                "response_due_at": f"CASE WHEN {bucket} < 90 THEN {opened} + interval '3 hours' "
                f"ELSE {now_sql} + interval '175 minutes' END",
                "resolution_due_at": f"CASE WHEN {bucket} < 90 THEN {opened} + interval '24 hours' "
                f"ELSE {now_sql} + interval '1435 minutes' END",
                "breached": "false",
                "update_reminder_at": f"CASE WHEN {bucket} < 90 THEN NULL ELSE {now_sql} + interval '175 minutes' END",
            },
        )
        add(
            "cases",
            crossed,
            ServiceCase,
            template_case.pk,
            {
                "customer_id": customer,
                "external_id": "'B' || g",
                "priority": "'P1'",
                "opened_at": f"{now_sql} - interval '2 hours'",
                "response_due_at": f"{now_sql} - interval '1 hour'",
                "resolution_due_at": f"{now_sql} + interval '6 hours'",
                "breached": "false",
                "update_reminder_at": f"{now_sql} - interval '1 minute'",
            },
        )

    def reviews(count: int, crossed: int, exception_ids: list[int]) -> None:
        """90 % decided, 10 % open and not yet due, then `crossed` open and overdue.

        Each open review needs a request of its own (one open review per request): `exception_ids`.
        """
        ids_sql = "(ARRAY[" + ",".join(map(str, exception_ids)) + "])"
        open_count = count // 10
        add(
            "reviews",
            count - open_count,
            Review,
            template_review.pk,
            {
                "due_on": f"{today_sql} - (g % 300)",
            },
        )
        add(
            "reviews",
            open_count,
            Review,
            template_review.pk,
            {
                "exception_id": ids_sql + "[g - {first} + 1]",
                "status": "'open'",
                "outcome": "''",
                "due_on": f"{today_sql} + 1 + (g % 9)",
            },
        )
        add(
            "reviews",
            crossed,
            Review,
            template_review.pk,
            {
                "exception_id": ids_sql + f"[g - {{first}} + 1 + {open_count}]",
                "status": "'open'",
                "outcome": "''",
                "due_on": f"{today_sql} - 1 - (g % 5)",
            },
        )

    def draft_ids(count: int, offset: int) -> list[int]:
        # Distinct requests for the open reviews (drafts are never reviewed by anything else here).
        return list(
            ExceptionRequest.objects.filter(status="draft")
            .order_by("pk")
            .values_list("pk", flat=True)[offset : offset + count]
        )

    def build(round_number: int) -> None:
        started = time.perf_counter()
        crossed_exceptions = round(args.exceptions * args.crossed)
        crossed_cases = round(args.cases * args.crossed)
        crossed_reviews = round(args.reviews * args.crossed)
        exceptions(args.exceptions - crossed_exceptions, crossed_exceptions)
        cases(args.cases - crossed_cases, crossed_cases)
        open_reviews = (args.reviews - crossed_reviews) // 10 + crossed_reviews
        ids = draft_ids(open_reviews, (round_number - 1) * open_reviews)
        reviews(args.reviews - crossed_reviews, crossed_reviews, ids)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # what autovacuum would have done by the time beat comes
        print(
            f"  (round {round_number}: +{args.exceptions:,} exceptions, +{args.cases:,} cases, "
            f"+{args.reviews:,} reviews in {time.perf_counter() - started:.1f} s; "
            f"crossed: {crossed_exceptions:,} / {crossed_cases:,} / {crossed_reviews:,})"
        )

    def selection_ms(name: str) -> float:
        """The check's id-selection query alone (the part that must not grow with the tables)."""
        from django.db.models import Q

        from exceptions.services import reminders
        from segments import checks as sla_checks

        at, day_now = timezone.now(), timezone.localdate()
        queries = {
            "sla_sweep": [
                ServiceCase.objects.filter(sla_checks._crossed("response", at)),
                ServiceCase.objects.filter(sla_checks._crossed("resolution", at)),
                ServiceCase.objects.filter(resolved_at__isnull=True, update_reminder_at__lte=at),
            ],
            "exceptions.start_and_expiry": [
                ExceptionRequest.objects.filter(Q(starts_on__lte=day_now), status="approved"),
                ExceptionRequest.objects.filter(
                    Q(expires_on__isnull=False, expires_on__lte=day_now), status="active"
                ),
            ],
            "exceptions.expiry_reminders": [reminders.due_for_reminder(today=day_now)],
            "governance.reviews_overdue": [Review.objects.filter(status="open", due_on__lt=day_now)],
        }[name]
        started = time.perf_counter()
        for query in queries:
            # (the per-row reminders of before issue 14 selected with a generator, not a queryset)
            list(query.order_by("pk").values_list("pk", flat=True) if hasattr(query, "order_by") else query)
        return (time.perf_counter() - started) * 1000

    from checks_rows import counting, time_inline_mail
    from django.conf import settings

    from intimacy_ops.audit.sealing import seal_pending, sealer

    mailing = time_inline_mail(skip=args.skip_mail)  # the inline e-mail tasks' time: the mail worker's

    def backend_cpu() -> dict[int, float]:
        """CPU seconds of this database's client backends (the check's connection, the sealer's), from /proc:
        the database server's share of a check, which the process CPU leaves out (PostgreSQL is local)."""
        tick = os.sysconf("SC_CLK_TCK")
        seconds = {}
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND backend_type = 'client backend'"
            )
            for (pid,) in cursor.fetchall():
                try:
                    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                seconds[pid] = (int(fields[11]) + int(fields[12])) / tick
        return seconds

    results: dict[int, dict[str, tuple[float, float, float]]] = {}
    for round_number in (1, 2):
        build(round_number)
        results[round_number] = {}
        for name in args.only or CHECKS:
            select = selection_ms(name)
            load = os.getloadavg()[0]
            db_started = backend_cpu()
            started, cpu_started = time.perf_counter(), time.process_time()
            queries, mailing[0] = [0], 0.0
            profiler = None
            if args.profile and round_number == 1:
                import cProfile

                profiler = cProfile.Profile()
                profiler.enable()
            with counting(connection, queries):
                line = checks.run(name, trigger="command")
            if profiler:
                import pstats

                profiler.disable()
                stats = pstats.Stats(profiler)
                stats.sort_stats("tottime").print_stats(25)
                stats.sort_stats("cumulative").print_stats(r"intimacy_ops|segments|exceptions|governance", 40)
            took, mailed = time.perf_counter() - started, mailing[0]
            # This process's CPU (the check's Python; the sealer thread's too): less swayed by the other jobs on a
            # shared machine than the wall time, and what this code can cut. The database's own time is not in it.
            cpu = time.process_time() - cpu_started
            took -= mailed
            sealer.stop()  # what the sealer thread has still to seal of the check's events, sealed now
            seal_pending()
            sealed_after = time.perf_counter() - started - mailed
            db_cpu = sum(value - db_started.get(pid, 0.0) for pid, value in backend_cpu().items())
            # Right after: nothing is left to do, so this run costs only what the table sizes make it cost.
            started = time.perf_counter()
            idle = checks.run(name, trigger="command")
            idle_ms = (time.perf_counter() - started) * 1000
            results[round_number][name] = (select, took, idle_ms)
            # A check from before issue 14 returns a bare line: its first number is what it acted on.
            rows = max(sum(line.counts.values()) or int((re.findall(r"\d+", line) or ["0"])[0]), 1)
            before = BASELINE[name][round_number - 1]
            print(
                f"    {name}: {took:.2f} s, {queries[0]} queries, {rows} rows, "
                f"{took * 1000 / rows:.2f} ms/row (per-row path: {before} ms/row), process CPU {cpu:.2f} s, "
                f"database CPU {db_cpu:.2f} s (sealing included), "
                f"+ {mailed:.2f} s of inline e-mail tasks (the mail worker's in production), "
                f"load {load:.2f} (selection {select:.1f} ms; every event sealed at {sealed_after:.2f} s, "
                f"sealing {settings.AUDIT_SEALING}) — {line}; again at once: {idle_ms:.1f} ms — {idle}"
            )

    sizes = {
        round_number: f"{args.exceptions * round_number:,} exceptions / {args.cases * round_number:,} cases / "
        f"{args.reviews * round_number:,} reviews"
        for round_number in (1, 2)
    }
    print()
    print(f"round 1: {sizes[1]}; round 2: {sizes[2]}; {args.crossed:.0%} of a round's rows crossed a line")
    print(
        f"{'check':30} {'round 1':>9} {'round 2':>9} {'ratio':>6}   {'selection query':>26}   "
        f"{'second (idle) run':>26}"
    )
    for name in args.only or CHECKS:
        (select1, took1, idle1), (select2, took2, idle2) = results[1][name], results[2][name]
        print(
            f"{name:30} {took1:>8.2f}s {took2:>8.2f}s {took2 / took1:>5.2f}×   "
            f"{select1:>7.1f} → {select2:>7.1f} ms ({select2 / select1:.2f}×)   "
            f"{idle1:>7.1f} → {idle2:>7.1f} ms ({idle2 / idle1:.2f}×)"
        )


if __name__ == "__main__":
    main()
