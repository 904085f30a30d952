"""CPU per request of the load test's mix (bench/locustfile.py), as the generated bench users, on generated data.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_NAME_data .venv/bin/python bench/generate.py --fresh
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_NAME_data .venv/bin/python bench/mix_cpu.py
    ... bench/mix_cpu.py --repeat 15 --only governance          # endpoints whose label contains "governance"
    ... bench/mix_cpu.py --profile "chair /governance/"         # cProfile one endpoint, sorted by cumulative
    ... bench/mix_cpu.py --gunicorn 127.0.0.1:8810              # the same sequence through gunicorn
    ... bench/mix_cpu.py --repeat 3 --slow 3                    # and each endpoint's 3 slowest queries

The database is bench/generate.py's (kept: generate once; this script only adds the requests its writes
create). In-process (default): each request goes through the whole stack with the production settings
(DJANGO_DEBUG=0, database sessions, every middleware) by Django's test client, signed in through the
form; the figure is this process's CPU (`time.process_time`), median of `--repeat` runs after a warm-up,
and the number of queries of one run; `wall` is the median wall-clock time (CPU plus the database's
time plus waiting for a core on a busy machine). With `--gunicorn ADDRESS`, one sync gunicorn worker
(gunicorn.conf.py, WEB_CONCURRENCY=1, WEB_THREADS=1) serves the same sequence and the figure is that
worker's user+system CPU from /proc over `--repeat` requests (10 ms ticks: use a repeat of 20 or more).
"""

import argparse
import cProfile
import json
import os
import pstats
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
for name, value in {
    "DJANGO_SETTINGS_MODULE": "intimacy_ops.settings",
    "DJANGO_DEBUG": "0",
    "DJANGO_HTTPS": "0",
    "DJANGO_MANIFEST_STATIC": "0",
    "DJANGO_SECRET_KEY": "bench-only-not-a-secret-" + "x" * 40,
    "AUDIT_KEY": "bench-only-audit-key",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    "NOTIFICATION_EMAIL_DELIVERY": "inline",
    "INTIMACY_OPS_VAR_DIR": str(ROOT / "var" / "bench" / "mix-cpu-var"),
    "AUDIT_CHECKPOINT_DIR": str(ROOT / "var" / "bench" / "mix-cpu-var" / "audit"),
    "EMAIL_URL": f"file://{ROOT / 'var' / 'bench' / 'mix-cpu-var' / 'mail'}",
    "LOG_LEVEL": "WARNING",
}.items():
    os.environ.setdefault(name, value)

PASSWORD = "intimacy-demo"  # noqa: S105  (the published demo password)
# (label, user, method, path): the locustfile's requests; {…} filled from the API lists the user sees.
MIX = [
    ("anon  GET /accounts/login/", None, "get", "/accounts/login/"),
    ("am    GET / (home)", "am", "get", "/"),
    ("am    GET /segments/customers/", "am", "get", "/segments/customers/"),
    ("am    GET /api/v1/customers/", "am", "get", "/api/v1/customers/"),
    ("am    GET /api/v1/customers/?page_size=200", "am", "get", "/api/v1/customers/?page_size=200"),
    ("am    GET /exceptions/", "am", "get", "/exceptions/"),
    ("am    GET /api/v1/exceptions/?page_size=25", "am", "get", "/api/v1/exceptions/?page_size=25"),
    ("am    GET /exceptions/<id>/", "am", "get", "/exceptions/{exception}/"),
    ("am    GET /api/v1/processes/", "am", "get", "/api/v1/processes/"),
    ("am    POST /api/v1/exceptions/", "am", "create", "/api/v1/exceptions/"),
    ("am    POST …/submit/", "am", "submit", "/api/v1/exceptions/{created}/submit/"),
    ("member GET / (home)", "member", "get", "/"),
    ("member GET /governance/", "member", "get", "/governance/"),
    ("member GET /api/v1/reviews/?status=open", "member", "get", "/api/v1/reviews/?status=open&page_size=50"),
    ("member GET /api/v1/reviews/<id>/", "member", "get", "/api/v1/reviews/{review}/"),
    ("member POST …/votes/", "member", "vote", "/api/v1/reviews/{review}/votes/"),
    ("chair GET / (home)", "chair", "get", "/"),
    ("chair GET /governance/", "chair", "get", "/governance/"),
    ("chair GET /api/v1/reviews/?status=open", "chair", "get", "/api/v1/reviews/?status=open&page_size=50"),
    ("chair POST …/decide/", "chair", "decide", "/api/v1/reviews/{review}/decide/"),
    ("lead  GET / (home)", "lead", "get", "/"),
    ("lead  GET /exceptions/waiting/", "lead", "get", "/exceptions/waiting/"),
    ("lead  GET /escalations/", "lead", "get", "/escalations/"),
    (
        "lead  GET /api/v1/exceptions/?status=submitted",
        "lead",
        "get",
        "/api/v1/exceptions/?status=submitted&route=lead&page_size=50",
    ),
    ("lead  POST …/approve/", "lead", "approve", "/api/v1/exceptions/{submitted}/approve/"),
    ("steward GET /segments/privacy/access-log/", "steward", "get", "/segments/privacy/access-log/"),
    ("steward GET /api/v1/access-log/", "steward", "get", "/api/v1/access-log/"),
    ("anon  GET+POST /accounts/login/ (sign in)", "am", "signin", "/accounts/login/"),
]
USERS = {
    "am": "bench.am.emea.01",
    "member": "bench.member.01",
    "chair": "ccb.carol",
    "lead": "bench.lead.emea.01",
    "steward": "bench.steward.emea",
}


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=11)
    parser.add_argument("--only", default="", help="endpoints whose label contains this")
    parser.add_argument("--profile", default="", help="cProfile the endpoint with this label (a substring)")
    parser.add_argument("--slow", type=int, default=0, help="print each endpoint's N slowest queries")
    parser.add_argument("--gunicorn", default="", help="ADDRESS: measure one gunicorn worker there instead")
    return parser.parse_args()


def create_body(client, username: str) -> dict:
    import datetime
    import random

    customers = client.get("/api/v1/customers/?page_size=200").json()["results"]
    mine = [c for c in customers if c.get("account_manager") == username]
    process = client.get("/api/v1/processes/").json()["results"][0]
    starts = datetime.date.today() + datetime.timedelta(days=30)
    return {
        "customer": random.choice(mine)["id"],  # noqa: S311
        "process": process["id"],
        "title": "Saturday delivery (bench)",
        "deviation": "Deliver on Saturdays.",
        "justification": "Their peak is the weekend.",
        "kind": "recurring",
        "estimated_one_off_cost": "500.00",
        "estimated_monthly_cost": "900.00",
        "starts_on": starts.isoformat(),
        "expires_on": (starts + datetime.timedelta(days=90)).isoformat(),
    }


class Session:
    """A signed-in person (or anonymous): the test client in-process, `requests` against gunicorn."""

    def __init__(self, base: str, username: str | None):
        self.base = base
        if base:
            import requests

            self.http = requests.Session()
        else:
            from django.test import Client

            self.http = Client(HTTP_HOST="localhost", enforce_csrf_checks=True)
        self.username = username
        if username:
            self.sign_in()

    def csrf(self) -> str:
        return (
            self.http.cookies["csrftoken"].value if not self.base else self.http.cookies.get("csrftoken", "")
        )

    def sign_in(self):
        import re

        page = self.get("/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', self.text(page)).group(1)
        form = {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token}
        response = self.post("/accounts/login/", form, json_body=False)
        assert response.status_code == 302, (self.username, response.status_code)

    def text(self, response) -> str:
        return response.text if self.base else response.content.decode()

    def get(self, path: str):
        if self.base:
            return self.http.get(self.base + path, allow_redirects=False)
        return self.http.get(path)

    def post(self, path: str, body: dict, json_body: bool = True):
        headers = {"X-CSRFToken": self.csrf(), "Referer": f"http://localhost{path}"}
        if self.base:
            headers["Referer"] = self.base + path
            if json_body:
                return self.http.post(self.base + path, json=body, headers=headers, allow_redirects=False)
            return self.http.post(self.base + path, data=body, headers=headers, allow_redirects=False)
        extra = {"HTTP_X_CSRFTOKEN": headers["X-CSRFToken"], "HTTP_REFERER": headers["Referer"]}
        if json_body:
            return self.http.post(path, json.dumps(body), content_type="application/json", **extra)
        return self.http.post(path, body, **extra)


def explain(sql: str) -> None:
    """BENCH_EXPLAIN=1 with --slow: the plan of each slow query as PostgreSQL runs it now."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        for (line,) in cursor.fetchall():
            print(f"          | {line}")


def prepare(sessions: dict) -> dict:
    """Ids the paths need, as each person's own lists give them."""

    def first(session, path):
        results = session.get(path).json()["results"]
        return results[0]["id"] if results else None

    return {
        "exception": first(sessions["am"], "/api/v1/exceptions/?page_size=25"),
        "review": first(sessions["member"], "/api/v1/reviews/?status=open&page_size=50"),
    }


def request(sessions: dict, ids: dict, user: str | None, kind: str, path: str, state: dict):
    """One request of the mix; writes make what they act on first, outside the measured call."""
    session = sessions[user] if user else sessions["anon"]
    if kind == "get":
        if path == "/":
            path = state.setdefault(f"home-{user}", session.get("/")["Location"] if not session.base
                                    else session.get("/").headers["Location"])  # fmt: skip
        return lambda: session.get(path.format(**ids))
    if kind == "create":
        body = create_body(session, session.username)
        return lambda: session.post(path, body)
    if kind == "submit":
        created = session.post("/api/v1/exceptions/", create_body(session, session.username)).json()["id"]
        return lambda: session.post(path.format(created=created), {})
    if kind == "vote":
        reviews = session.get("/api/v1/reviews/?status=open&page_size=50").json()["results"]
        review = reviews[state.setdefault("votes", 0) % len(reviews)]["id"]
        state["votes"] += 1
        return lambda: session.post(path.format(review=review), {"choice": "approve", "rationale": "bench"})
    if kind == "decide":
        reviews = session.get("/api/v1/reviews/?status=open&page_size=50").json()["results"]
        body = {"outcome": "approve", "rationale": "bench", "conditions": ""}
        # A review the chair may approve now (its quorum met), else the last: a 409 measures the refusal.
        ready = [r for r in reviews if "approve" in r["tally"]["allowed_outcomes"]] or reviews
        return lambda: session.post(path.format(review=ready[-1]["id"]), body)
    if kind == "approve":
        waiting = session.get("/api/v1/exceptions/?status=submitted&route=lead&page_size=50").json()[
            "results"
        ]
        submitted = waiting[state.setdefault("approvals", 0) % len(waiting)]["id"] if waiting else 0
        state["approvals"] += 1
        return lambda: session.post(path.format(submitted=submitted), {"comment": "bench"})
    if kind == "signin":
        return lambda: Session(session.base, session.username)
    raise ValueError(kind)


GC = {"seconds": 0.0, "collections": 0, "started": 0.0}


def _time_gc(phase: str, info: dict) -> None:
    if phase == "start":
        GC["started"] = time.process_time()
    else:
        GC["seconds"] += time.process_time() - GC["started"]
        GC["collections"] += 1


def main() -> None:
    args = arguments()
    if os.environ.get("BENCH_GC"):  # BENCH_GC=1: how much of this process's CPU the garbage collector took
        import gc

        gc.callbacks.append(_time_gc)
    if os.environ.get("BENCH_GC_TUNE"):  # e.g. "10000,10,10": what intimacy_ops/wsgi.py does in gunicorn
        from intimacy_ops.wsgi import tune_garbage_collector

        tune_garbage_collector(tuple(int(part) for part in os.environ["BENCH_GC_TUNE"].split(",")))
    url = os.environ.get("DATABASE_URL", "")
    if "bench" not in url:
        raise SystemExit("set DATABASE_URL=postgres://…/bench_…_data (made by bench/generate.py)")
    server, worker_cpu = None, None
    base = ""
    if args.gunicorn:
        base = f"http://{args.gunicorn}"
        server = subprocess.Popen(  # noqa: S603
            [str(ROOT / ".venv" / "bin" / "gunicorn"), "intimacy_ops.wsgi", "--access-logfile", "/dev/null"],
            cwd=ROOT,
            env={**os.environ, "WEB_BIND": args.gunicorn, "WEB_CONCURRENCY": "1", "WEB_THREADS": "1"},
        )
        time.sleep(4)
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()

        def worker_cpu() -> float:
            fields = Path(f"/proc/{children[0]}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")
    else:
        import django

        django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    try:
        sessions = {role: Session(base, username) for role, username in USERS.items()}
        sessions["anon"] = Session(base, None)
        ids, state = prepare(sessions), {}
        print(f"load average {os.getloadavg()[0]:.2f}; {'gunicorn' if base else 'in-process'} CPU ms, "
              f"median of {args.repeat} (gunicorn: mean)")  # fmt: skip
        spent_all = []
        for label, user, kind, path in MIX:
            if args.only not in label or (args.profile and args.profile not in label):
                continue
            calls = [request(sessions, ids, user, kind, path, state) for _ in range(args.repeat + 2)]
            status = getattr(calls[0](), "status_code", 302)
            queries = "-"
            if not base:
                with CaptureQueriesContext(connection) as captured:
                    calls[1]()
                queries = len(captured)
                slowest = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[: args.slow]
                for query in slowest:
                    print(
                        f"      {1000 * float(query['time']):7.1f} ms  {query['sql'][: int(os.environ.get('BENCH_SQL_CHARS', '150'))]}"
                    )
                    if os.environ.get("BENCH_EXPLAIN") and query["sql"].lstrip().upper().startswith("SELECT"):
                        explain(query["sql"])
            if args.profile:
                profile = cProfile.Profile(time.process_time)  # CPU, as the figures
                for call in calls[2:]:
                    profile.runcall(call)
                stats = pstats.Stats(profile).sort_stats(os.environ.get("BENCH_SORT", "cumulative"))
                if os.environ.get("BENCH_CALLERS"):  # e.g. "query.py:1489\(filter\)": who calls it
                    stats.print_callers(os.environ["BENCH_CALLERS"])
                else:
                    only = (
                        [os.environ["BENCH_FILTER"]] if os.environ.get("BENCH_FILTER") else []
                    )  # e.g. "/work/main/(?!.venv)"
                    stats.print_stats(*only, int(os.environ.get("BENCH_LINES", "45")))
                return
            if base:
                before = worker_cpu()
                for call in calls[2:]:
                    call()
                figure = (worker_cpu() - before) / args.repeat
            else:
                spent, waited = [], []
                for call in calls[2:]:
                    began, clock = time.process_time(), time.perf_counter()
                    call()
                    spent.append((time.process_time() - began) * 1000)
                    waited.append((time.perf_counter() - clock) * 1000)
                figure = statistics.median(spent)
                wall = f"  wall {statistics.median(waited):6.1f}"
            spent_all.append(figure)
            print(f"  {label:48} {figure:6.1f}{wall if not base else ''}  queries {queries!s:>3}  status {status}"
                  f"  (load {os.getloadavg()[0]:.2f})", flush=True)  # fmt: skip
        if spent_all:
            print(f"median over endpoints {statistics.median(spent_all):.1f} ms, max {max(spent_all):.1f} ms"
                  f"  (load {os.getloadavg()[0]:.2f})")  # fmt: skip
        if os.environ.get("BENCH_GC"):
            print(
                f"garbage collector: {GC['seconds']:.2f} s of {time.process_time():.2f} s of this process's CPU, {GC['collections']} collections"
            )
    finally:
        if server:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
