"""The app served by a real subprocess for fault tests (tests/notifications/test_outbox.py,
tests/test_database_outage.py): `web(**env)` starts `manage.py runserver` on the test database with the
worker fixtures' environment plus `env`; `get`/`post` talk JSON to it with urllib."""

import json
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from tests.worker.conftest import ROOT, celery_env, wait_until


def free_port(start: int) -> int:
    for port in range(start, start + 200):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    pytest.fail(f"no free port from {start}")


@pytest.fixture
def web(celery_log_dir) -> Iterator:  # noqa: F811
    """`web(**env)` → the base URL of the app served by a subprocess (runserver) on the test database."""
    started = []

    def serve(**env: str) -> str:
        port = free_port(8790)
        log = (celery_log_dir / f"web-{port}.log").open("w")
        process = subprocess.Popen(
            # One thread: a request reuses the connection the last one left, as a long-lived process does.
            [sys.executable, "manage.py", "runserver", "--noreload", "--nothreading", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=celery_env(**env),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        started.append(process)
        base = f"http://127.0.0.1:{port}"
        wait_until(lambda: status_of(f"{base}/api/v1/") is not None, timeout=30, what="the web subprocess")
        return base

    yield serve
    for process in started:
        process.kill()
        process.wait(timeout=10)


def status_of(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310  (http://127.0.0.1 only)
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


def post(url: str, body: dict, token: str = "") -> tuple[int, dict]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST")  # noqa: S310
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Token {token}")
    try:
        with urllib.request.urlopen(request, timeout=120) as answer:  # noqa: S310
            return answer.status, json.loads(answer.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def get(url: str, token: str = "") -> tuple[int, dict]:
    request = urllib.request.Request(url)  # noqa: S310
    if token:
        request.add_header("Authorization", f"Token {token}")
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310
            return answer.status, json.loads(answer.read() or b"{}")
    except urllib.error.HTTPError as error:
        body = error.read()
        try:
            return error.code, json.loads(body or b"{}")
        except ValueError:
            return error.code, {"body": body[:200].decode(errors="replace")}
