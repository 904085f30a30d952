"""The load test's people (bench/load.py runs this with Locust; not meant to be run alone).

Each simulated person signs in through the browser form (one password check), then works through the
pages and the API with that session (writes carry the CSRF token as a browser's script would). Request
names start with "R " (a read) or "W " (a write), so bench/load.py can judge each against its goal.
Usernames come from BENCH_PEOPLE (JSON: role -> [usernames], written by bench/generate.py's people);
the password is the demo's. A 409 on a chair's decision (no quorum yet) or a lead's approval (someone else
decided first) is the app answering correctly, counted apart as `expected 409`, not as an error.
"""

import datetime
import json
import os
import random
import re
from itertools import count

from locust import HttpUser, between, events, task

PEOPLE = json.loads(os.environ.get("BENCH_PEOPLE", "{}"))
PASSWORD = "intimacy-demo"  # noqa: S105  (the published demo password)
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_numbers = count()
EXPECTED_CONFLICTS = {"count": 0}


@events.init_command_line_parser.add_listener
def _arguments(parser):
    parser.add_argument(
        "--max-requests", type=int, default=0, help="stop after this many requests (0: no cap)"
    )


@events.request.add_listener
def _cap(**kwargs):
    environment = _cap.environment
    limit = environment.parsed_options.max_requests if environment and environment.parsed_options else 0
    if limit and environment.stats.total.num_requests >= limit and environment.runner:
        environment.runner.quit()


@events.init.add_listener
def _remember(environment, **kwargs):
    _cap.environment = environment


_cap.environment = None


class Person(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    role = ""

    def on_start(self):
        names = PEOPLE.get(self.role) or ["am.alice"]
        self.username = names[next(_numbers) % len(names)]
        page = self.client.get("/accounts/login/", name="R /accounts/login/")
        token = CSRF.search(page.text)
        self.client.post(
            "/accounts/login/",
            data={
                "username": self.username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            headers={"Referer": f"{self.host}/accounts/login/"},
            name="W sign in",
        )

    def api_write(self, path: str, body: dict, name: str, allow_conflict: bool = False):
        headers = {"X-CSRFToken": self.client.cookies.get("csrftoken", ""), "Referer": f"{self.host}/"}
        with self.client.post(path, json=body, headers=headers, name=name, catch_response=True) as response:
            if allow_conflict and response.status_code == 409:
                EXPECTED_CONFLICTS["count"] += 1
                response.success()
            elif response.status_code >= 400:
                response.failure(f"{response.status_code}: {response.text[:160]}")
            return response

    def pick(self, path: str, name: str) -> dict | None:
        response = self.client.get(path, name=name)
        if response.status_code != 200:
            return None
        results = response.json().get("results", [])
        return random.choice(results) if results else None  # noqa: S311


class AccountManager(Person):
    role = "am"
    weight = 5

    @task(4)
    def customers(self):
        self.client.get("/segments/customers/", name="R /segments/customers/")

    @task(3)
    def customers_api(self):
        self.client.get("/api/v1/customers/", name="R /api/v1/customers/")

    @task(3)
    def requests(self):
        self.client.get("/exceptions/", name="R /exceptions/")
        request = self.pick("/api/v1/exceptions/?page_size=25", "R /api/v1/exceptions/")
        if request:
            self.client.get(f"/exceptions/{request['id']}/", name="R /exceptions/<id>/")

    @task(1)
    def create_and_submit(self):
        page = self.client.get("/api/v1/customers/?page_size=200", name="R /api/v1/customers/")
        mine = (
            [c for c in page.json().get("results", []) if c.get("account_manager") == self.username]
            if page.ok
            else []
        )
        customer = random.choice(mine) if mine else None  # noqa: S311  (only their account manager asks)
        process = self.pick("/api/v1/processes/", "R /api/v1/processes/")
        if not customer or not process:
            return
        starts = datetime.date.today() + datetime.timedelta(days=30)
        response = self.api_write(
            "/api/v1/exceptions/",
            {
                "customer": customer["id"],
                "process": process["id"],
                "title": "Saturday delivery (load test)",
                "deviation": "Deliver on Saturdays.",
                "justification": "Their peak is the weekend.",
                "kind": "recurring",
                "estimated_one_off_cost": "500.00",
                "estimated_monthly_cost": random.choice(["900.00", "12000.00"]),  # noqa: S311
                "starts_on": starts.isoformat(),
                "expires_on": (starts + datetime.timedelta(days=90)).isoformat(),
            },  # fmt: skip
            "W POST /api/v1/exceptions/",
        )
        if response.status_code == 201:
            self.api_write(f"/api/v1/exceptions/{response.json()['id']}/submit/", {}, "W POST …/submit/")


class BoardMember(Person):
    role = "member"
    weight = 2

    @task(2)
    def queue(self):
        self.client.get("/governance/", name="R /governance/")

    @task(3)
    def vote(self):
        review = self.pick("/api/v1/reviews/?status=open&page_size=50", "R /api/v1/reviews/?status=open")
        if review:
            self.client.get(f"/api/v1/reviews/{review['id']}/", name="R /api/v1/reviews/<id>/")
            choice = random.choice(["approve", "approve", "reject", "abstain"])  # noqa: S311
            self.api_write(
                f"/api/v1/reviews/{review['id']}/votes/",
                {"choice": choice, "rationale": "load test"},
                "W POST …/votes/",
                allow_conflict=True,
            )


class Chair(Person):
    role = "chair"
    weight = 1

    @task
    def decide(self):
        review = self.pick("/api/v1/reviews/?status=open&page_size=50", "R /api/v1/reviews/?status=open")
        if review:
            self.api_write(
                f"/api/v1/reviews/{review['id']}/decide/",
                {"outcome": "approve", "rationale": "load test", "conditions": ""},
                "W POST …/decide/",
                allow_conflict=True,
            )


class OperationsLead(Person):
    role = "lead"
    weight = 2

    @task(2)
    def home(self):
        self.client.get("/", name="R / (home)")

    @task(2)
    def queues(self):
        self.client.get("/exceptions/waiting/", name="R /exceptions/waiting/")
        self.client.get("/escalations/", name="R /escalations/")

    @task(2)
    def approve(self):
        request = self.pick(
            "/api/v1/exceptions/?status=submitted&route=lead&page_size=50",
            "R /api/v1/exceptions/?status=submitted",
        )
        if request:
            self.api_write(
                f"/api/v1/exceptions/{request['id']}/approve/",
                {"comment": "load test"},
                "W POST …/approve/",
                allow_conflict=True,
            )


class Steward(Person):
    role = "steward"
    weight = 1

    @task
    def access_log(self):
        self.client.get("/segments/privacy/access-log/", name="R /segments/privacy/access-log/")
        self.client.get("/api/v1/access-log/", name="R /api/v1/access-log/")


@events.quitting.add_listener
def _report(environment, **kwargs):
    print(f"expected 409 answers (no quorum yet / decided by someone else): {EXPECTED_CONFLICTS['count']}")
