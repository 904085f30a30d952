"""The load test: people of every role at once against the production shape, on generated data.

    .venv/bin/pip install -e '.[bench]'          # Locust (benchmarks only)
    .venv/bin/python bench/load.py                # 50 users, 5 minutes, 100,000 customers (the defaults)
    .venv/bin/python bench/load.py --users 10 --minutes 1 --customers 5000
    .venv/bin/python bench/load.py --users 20 --minutes 2 --kill-worker     # item 8: a fault during load
    .venv/bin/python bench/load.py --check-rows 10000                       # a check acting on 10,000 rows mid-way

PostgreSQL + Redis (127.0.0.1 only; `PGURL` and `REDIS_URL`, defaults postgres://postgres@127.0.0.1:5432
and redis://127.0.0.1:6379/14 — the db number is flushed at the start, never use 0). The script creates the
database `bench_bench_load` (`--database`; the name must contain "bench") with bench/generate.py, starts
gunicorn (`--workers`, i.e. WEB_CONCURRENCY, default 3; threads and class from gunicorn.conf.py), a Celery worker and beat with
production settings (DJANGO_DEBUG=0, DJANGO_HTTPS=0, a secret key, AUDIT_KEY), runs Locust headless
(bench/locustfile.py: account managers, board members, the chair, operations leads, data stewards),
bounded by `--users`, `--minutes` and `--max-requests`, then stops everything and drops the database
(unless `--keep`).

It prints per endpoint and overall: requests, errors, requests/s, p50/p95/p99 (ms); CPU per request
(the gunicorn processes' user+system time from /proc, divided by the requests); the database's lock waits
(pg_locks not granted, sampled twice a second); the load average. With `--kill-worker` the Celery worker
is SIGKILLed half-way and started again, and bench/faults_under_load.py's checks run afterwards (they run
after every run: e-mails all sent or dead-lettered, no duplicated review or escalation, the audit intact).
With `--check-rows N` the generated cases leave N past their SLA line (bench/generate.py `--due`), and the
SLA sweep (`manage.py run_checks sla_sweep`, its own process, like a worker would) acts on them a quarter
of the way in, while the people keep working; its time and what it did are printed.
"""

import argparse
import csv
import datetime
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
OUT = ROOT / "var" / "bench" / "load"
sys.path.insert(0, str(ROOT / "bench"))


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument(
        "--max-requests", type=int, default=0, help="stop after this many (0: users × minutes × 60)"
    )
    parser.add_argument("--spawn-rate", type=float, default=5, help="people started per second")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "3")))
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--database", default="bench_bench_load")
    parser.add_argument(
        "--kill-worker", action="store_true", help="SIGKILL the Celery worker half-way, restart it"
    )
    parser.add_argument(
        "--check-rows", type=int, default=0, help="leave this many cases past their line; sweep them mid-run"
    )
    parser.add_argument("--port", type=int, default=0, help="gunicorn's port on 127.0.0.1 (0: any free one)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="use the kept database as it is (no generation)")
    return parser.parse_args()


def environment(args) -> dict:
    pg = os.environ.get("PGURL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
    if "bench" not in args.database:
        raise SystemExit("the load test's database name must contain 'bench'")
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": f"{pg}/{args.database}", "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/14"),
        "DJANGO_SETTINGS_MODULE": "intimacy_ops.settings", "DJANGO_DEBUG": "0", "DJANGO_HTTPS": "0",
        "DJANGO_SECRET_KEY": "bench-load-secret-key-not-for-production-0123456789",
        "AUDIT_KEY": "bench-load-audit-key-not-for-production", "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "INTIMACY_OPS_VAR_DIR": str(OUT / "var"), "AUDIT_CHECKPOINT_DIR": str(OUT / "var" / "audit"),
        "EMAIL_URL": f"file://{OUT / 'var' / 'mail'}", "LOG_LEVEL": "WARNING", "WEB_CONCURRENCY": str(args.workers),
    })  # fmt: skip
    if env["REDIS_URL"].rstrip("/").endswith("/0"):
        raise SystemExit("refusing Redis db 0: the load test flushes its db")
    return env


class Services:
    """gunicorn, the Celery worker and beat, each in its own process group, stopped by their own ids."""

    def __init__(self, env: dict, port: int):
        self.env, self.port, self.procs = env, port, {}
        self.logs = {}

    def start(self, name: str) -> None:
        commands = {
            "web": [str(BIN / "gunicorn"), "intimacy_ops.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
                    "--workers", self.env["WEB_CONCURRENCY"], "--graceful-timeout", "10", "--timeout", "60"],
            "worker": [str(BIN / "celery"), "-A", "intimacy_ops", "worker", "--loglevel=WARNING", "--concurrency=2",
                       "--without-gossip", "--without-mingle"],
            "beat": [str(BIN / "celery"), "-A", "intimacy_ops", "beat", "--loglevel=WARNING",
                     "--schedule", str(OUT / "var" / "celerybeat-schedule")],
        }  # fmt: skip
        log = self.logs.setdefault(name, open(OUT / f"{name}.log", "ab"))  # noqa: SIM115
        self.procs[name] = subprocess.Popen(  # noqa: S603
            commands[name],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self, name: str, sig=signal.SIGKILL) -> None:
        proc = self.procs.get(name)
        if proc and proc.poll() is None:
            os.killpg(proc.pid, sig)
            proc.wait(timeout=30)

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for name, proc in self.procs.items():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill(name)


def cpu_seconds(pid: int) -> float:
    """User + system time of a process, its live children and its reaped children (gunicorn's workers)."""
    tick = os.sysconf("SC_CLK_TCK")

    def fields(p):
        text = Path(f"/proc/{p}/stat").read_text()
        return text[text.rindex(")") + 2 :].split()

    total = sum(int(value) for value in fields(pid)[11:15])  # utime stime cutime cstime
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = fields(entry.name)
            except (FileNotFoundError, ProcessLookupError, ValueError):
                continue
            if int(stat[1]) == pid:
                total += int(stat[11]) + int(stat[12])
    return total / tick


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine spent busy (all cores; /proc/stat: everything but idle and iowait)."""
    values = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(values) - values[3] - values[4]) / os.sysconf("SC_CLK_TCK")


def postmaster_pid(url: str) -> int | None:
    """PostgreSQL's postmaster on this machine (its backends' CPU, live and reaped, is counted under it)."""
    import psycopg2

    try:
        with psycopg2.connect(url) as connection, connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
        text = Path(f"/proc/{backend}/stat").read_text()
        return int(text[text.rindex(")") + 2 :].split()[1])
    except (OSError, psycopg2.Error):
        return None  # a server elsewhere: not counted


class LastCpu(threading.Thread):
    """A child's CPU read every half second while it lives (Locust's own share of the machine)."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.seconds = pid, 0.0

    def run(self):
        while Path(f"/proc/{self.pid}").exists():
            try:
                self.seconds = cpu_seconds(self.pid)
            except (FileNotFoundError, ProcessLookupError, ValueError):
                break
            time.sleep(0.5)


class LockSampler(threading.Thread):
    """pg_locks not granted (and pg_stat_activity sessions waiting on a lock) in the bench database."""

    def __init__(self, url: str, database: str):
        super().__init__(daemon=True)
        import psycopg2

        self.connection = psycopg2.connect(url)
        self.connection.autocommit = True
        self.database, self.samples, self.done = database, [], threading.Event()

    def run(self):
        with self.connection.cursor() as cursor:
            while not self.done.wait(0.5):
                cursor.execute(
                    "SELECT count(*) FILTER (WHERE NOT l.granted), "
                    "(SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock') "
                    "FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE d.datname = %s",
                    [self.database, self.database],
                )
                self.samples.append(cursor.fetchone())

    def summary(self) -> str:
        if not self.samples:
            return "no samples"
        waiting = [sessions for _, sessions in self.samples]
        ungranted = [locks for locks, _ in self.samples]
        busy = sum(1 for value in waiting if value)
        return (
            f"{len(self.samples)} samples: sessions waiting on a lock in {busy} ({100 * busy / len(self.samples):.0f} %), "
            f"mean {sum(waiting) / len(waiting):.2f}, max {max(waiting)}; locks not granted max {max(ungranted)}"
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(port: int, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as answer:  # noqa: S310
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(1)
    raise SystemExit(f"gunicorn did not answer /healthz in {seconds:.0f} s (see {OUT}/web.log)")


def report(prefix: Path, requests: int, cpu: float, seconds: float) -> None:
    rows = list(csv.DictReader(open(f"{prefix}_stats.csv")))  # noqa: SIM115
    print(f"\n{'endpoint':<48} {'reqs':>6} {'errors':>6} {'req/s':>6} {'p50':>6} {'p95':>6} {'p99':>6}  (ms)")
    for row in sorted(rows, key=lambda r: (r["Name"] == "Aggregated", r["Name"])):
        name = "overall" if row["Name"] == "Aggregated" else f"{row['Type']} {row['Name']}"
        print(
            f"{name[:48]:<48} {int(row['Request Count']):>6} {int(row['Failure Count']):>6} "
            f"{float(row['Requests/s']):>6.1f} {row['50%']:>6} {row['95%']:>6} {row['99%']:>6}"
        )
    for kind, label in (("R ", "reads"), ("W ", "writes")):
        chosen = [row for row in rows if row["Name"].startswith(kind)]
        count = sum(int(row["Request Count"]) for row in chosen)
        if count:
            worst = max(int(float(row["95%"])) for row in chosen if int(row["Request Count"]))
            print(f"{label}: {count} requests, worst endpoint p95 {worst} ms")
    failures = Path(f"{prefix}_failures.csv")
    if failures.exists() and failures.stat().st_size > 60:
        print(f"\nerrors (from {failures}):\n{failures.read_text()[:3000]}")
    print(
        f"\nCPU per request: {1000 * cpu / max(requests, 1):.1f} ms ({cpu:.1f} s of gunicorn CPU, {requests} requests, {seconds:.0f} s)"
    )


SUMMARY_CHECKS = [
    "segments.region_figures",
    "segments.dashboard_summaries",
    "exceptions.dashboard_summaries",
    "governance.dashboard_summaries",
]


def refresh_summaries(env: dict) -> None:
    """The summary tables as a running deployment has them: beat refreshes them every few minutes, but its
    first run comes one interval after it starts, so freshly generated data would leave every home page
    and dashboard on its live (slow) path for the whole run. Measured on this machine: the homes 119-374 ms
    live, 48-80 ms from the summaries (bench/README.md, "The mix's CPU per request")."""
    for name in SUMMARY_CHECKS:
        started = time.monotonic()
        done = subprocess.run(  # noqa: S603
            [str(BIN / "python"), "manage.py", "run_checks", name],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode:
            raise SystemExit(f"{name} failed: {done.stderr.strip()[-2000:]}")
        print(f"{name}: {time.monotonic() - started:.1f} s: {done.stdout.strip()}")


def sweep_mid_run(env: dict, after: float) -> None:
    """The SLA sweep acting on what generate.py left past its line, while the people keep working."""
    time.sleep(after)
    print(f"\n*** the SLA sweep starts at {after:.0f} s")
    started = time.monotonic()
    done = subprocess.run(  # noqa: S603
        [str(BIN / "python"), "manage.py", "run_checks", "sla_sweep"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    print(
        f"*** the SLA sweep took {time.monotonic() - started:.1f} s: {(done.stdout or done.stderr).strip()}\n"
    )


def main() -> None:
    args = arguments()
    env = environment(args)
    OUT.mkdir(parents=True, exist_ok=True)
    people_file = OUT / "people.json"
    print(
        f"load average at start: {os.getloadavg()[0]:.2f}, {os.getloadavg()[1]:.2f}, {os.getloadavg()[2]:.2f}"
    )
    if not args.reuse:
        # A fresh database starts a fresh audit trail: the checkpoints of the dropped one would make
        # verify_audit (rightly) report this trail as re-hashed.
        shutil.rmtree(env["AUDIT_CHECKPOINT_DIR"], ignore_errors=True)
        generate = [str(BIN / "python"), "bench/generate.py", "--fresh", "--customers", str(args.customers),
                    "--people-file", str(people_file)]  # fmt: skip
        if args.check_rows:  # generate.py's cases: 2 per customer by default
            generate += ["--due", f"{args.check_rows / (2 * args.customers):.6f}"]
        subprocess.run(generate, cwd=ROOT, env=env, check=True)  # noqa: S603
    refresh_summaries(env)
    # Production serves hashed static files from the manifest (as the Dockerfile's collectstatic does).
    collect = [str(BIN / "python"), "manage.py", "collectstatic", "--no-input", "-v", "0"]
    subprocess.run(collect, cwd=ROOT, env=env, check=True)  # noqa: S603
    import redis

    redis.Redis.from_url(env["REDIS_URL"]).flushdb()
    port = args.port or free_port()
    services = Services(env, port)
    locks = LockSampler(env["DATABASE_URL"], args.database)
    try:
        for name in ("web", "worker", "beat"):
            services.start(name)
        wait_healthy(port)
        seconds = args.minutes * 60
        limit = args.max_requests or int(args.users * seconds)
        prefix = OUT / "run"
        locust = [str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless", "--only-summary",
                  "-u", str(args.users), "-r", str(args.spawn_rate), "-t", f"{int(seconds)}s", "--stop-timeout", "10",
                  "--host", f"http://127.0.0.1:{port}", "--csv", str(prefix), "--max-requests", str(limit)]  # fmt: skip
        cpu_before = cpu_seconds(services.procs["web"].pid)
        worker_pid = services.procs["worker"].pid
        worker_before = cpu_seconds(worker_pid)
        postmaster = postmaster_pid(env["DATABASE_URL"])
        database_before = cpu_seconds(postmaster) if postmaster else 0.0
        busy_before = machine_busy_seconds()
        locks.start()
        started = time.monotonic()
        since = datetime.datetime.now(datetime.UTC).isoformat()
        run = subprocess.Popen(locust, cwd=ROOT, env={**env, "BENCH_PEOPLE": people_file.read_text()})  # noqa: S603
        locust_cpu = LastCpu(run.pid)
        locust_cpu.start()
        sweep = None
        if args.check_rows:
            sweep = threading.Thread(target=sweep_mid_run, args=(env, seconds / 4), daemon=True)
            sweep.start()
        if args.kill_worker:
            time.sleep(seconds / 2)
            print(
                f"\n*** SIGKILL to the Celery worker (pid {services.procs['worker'].pid}) at {seconds / 2:.0f} s"
            )
            services.kill("worker")
            time.sleep(5)
            services.start("worker")
            print(f"*** worker started again (pid {services.procs['worker'].pid})\n")
        run.wait()
        if sweep:
            sweep.join()
        elapsed = time.monotonic() - started
        locks.done.set()
        cpu = cpu_seconds(services.procs["web"].pid) - cpu_before
        busy = machine_busy_seconds() - busy_before
        database = (cpu_seconds(postmaster) - database_before) if postmaster else 0.0
        # The Celery worker (its pool's children too); unknown when it was killed and started again.
        worker = (
            cpu_seconds(worker_pid) - worker_before if services.procs["worker"].pid == worker_pid else None
        )
        total = sum(int(r["Request Count"]) for r in csv.DictReader(open(f"{prefix}_stats.csv")) if r["Name"] == "Aggregated")  # noqa: SIM115  # fmt: skip
        print(
            f"\n{args.users} users, {elapsed:.0f} s, gunicorn {args.workers} workers × {services.env.get('WEB_THREADS', '2')} threads (gunicorn.conf.py), {args.customers:,} customers"
        )
        report(prefix, total, cpu, elapsed)
        print(f"lock waits: {locks.summary()}")
        cores = os.cpu_count() or 1
        print(
            f"where the machine's CPU went ({cores} cores × {elapsed:.0f} s = {cores * elapsed:.0f} s; busy {busy:.0f} s, "
            f"{100 * busy / (cores * elapsed):.0f} %): gunicorn {cpu:.0f} s, PostgreSQL {database:.0f} s, "
            f"Locust {locust_cpu.seconds:.0f} s, "
            + (
                f"the Celery worker {worker:.0f} s, the rest (beat, sweep, system) "
                f"{busy - cpu - database - locust_cpu.seconds - worker:.0f} s"
                if worker is not None
                else f"the rest (worker, beat, sweep, system) {busy - cpu - database - locust_cpu.seconds:.0f} s"
            )
        )
        print("load average at end: " + ", ".join(f"{value:.2f}" for value in os.getloadavg()))
        import faults_under_load

        ok = faults_under_load.verify(env, since=since)
    finally:
        services.stop()
        if not args.keep:
            from checks_rows import drop_database

            drop_database(env["DATABASE_URL"])
            print(f"dropped {args.database}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
