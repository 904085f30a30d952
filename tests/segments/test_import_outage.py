"""An upload made while Redis is down: the user sees the run queued, and a worker imports it once Redis is
back (the `segments.imports_queued` check hands it over again). Real processes: the web app and the worker
are subprocesses on the test database; Redis is this test's own redis-server (tests/notifications)."""

import http.cookiejar
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from datetime import timedelta

import pytest
from django.db.models import F

from segments.models import Customer, ImportRun
from tests.factories import PASSWORD
from tests.live_web import web  # noqa: F401  (fixture)
from tests.notifications.test_outbox import private_redis  # noqa: F401  (fixture)
from tests.segments.factories import people, tiers
from tests.worker.conftest import (  # noqa: F401  (fixtures)
    ROOT,
    celery_env,
    celery_log_dir,
    celery_processes,
    wait_until,
)

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CSV = (
    "source,external_id,name,region\r\n"
    "crm,outage-1,Harbour Freight,EMEA\r\n"
    "crm,outage-2,Inland Cargo,EMEA\r\n"
)


class Browser:
    """A signed-in browser session over urllib: cookies, the CSRF token from each form, multipart upload."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def _csrf(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=30) as page:
            return re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.read()).group(1).decode()

    def sign_in(self, username: str) -> None:
        fields = {"csrfmiddlewaretoken": self._csrf("/accounts/login/"), "username": username}
        fields["password"] = PASSWORD
        body = urllib.parse.urlencode(fields).encode()
        with self.opener.open(self.base + "/accounts/login/", data=body, timeout=30) as answer:
            assert "/accounts/login/" not in answer.url, "the sign-in was refused"

    def upload(self, path: str, kind: str, filename: str, content: str) -> tuple[int, str, str]:
        boundary = uuid.uuid4().hex
        parts = [
            ("csrfmiddlewaretoken", None, self._csrf(path)),
            ("kind", None, kind),
            ("file", filename, content),
        ]
        body = b""
        for name, file_name, value in parts:
            disposition = f'form-data; name="{name}"' + (f'; filename="{file_name}"' if file_name else "")
            header = f"Content-Disposition: {disposition}\r\n"
            header += "Content-Type: text/csv\r\n" if file_name else ""
            body += f"--{boundary}\r\n{header}\r\n{value}\r\n".encode()
        body += f"--{boundary}--\r\n".encode()
        request = urllib.request.Request(self.base + path, data=body, method="POST")  # noqa: S310
        request.add_header("Content-Type", f"multipart/form-data; boundary={boundary}")
        request.add_header("Referer", self.base + path)
        with self.opener.open(request, timeout=60) as answer:
            return answer.status, answer.url, answer.read().decode()


def test_an_upload_made_while_redis_is_down_is_imported_once_redis_is_back(
    private_redis,  # noqa: F811
    web,  # noqa: F811
    celery_processes,  # noqa: F811
):
    tiers()
    people()
    base = web(REDIS_URL=private_redis.url)  # Redis is not running
    browser = Browser(base)
    browser.sign_in("ops.oscar")

    started = time.monotonic()
    status, landed_on, page = browser.upload("/segments/imports/", "customers", "customers.csv", CSV)
    upload_seconds = time.monotonic() - started

    # The user sees the run's page, queued; nothing is lost and nothing hung.
    run = ImportRun.objects.get()
    assert status == 200 and landed_on.endswith(f"/segments/imports/{run.pk}/"), landed_on
    assert run.status == ImportRun.Status.QUEUED and "customers.csv" in page
    assert upload_seconds < 5, f"the upload took {upload_seconds:.1f} s with Redis down"
    assert not Customer.objects.filter(external_id__startswith="outage-").exists()

    # Redis comes back empty; a worker runs; the grace period passes; the check hands the run over.
    private_redis.start()
    celery_processes.worker(env={"REDIS_URL": private_redis.url})
    ImportRun.objects.filter(pk=run.pk).update(created_at=F("created_at") - timedelta(minutes=3))

    def run_the_check() -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", "run_checks", "--check", "segments.imports_queued"],
            cwd=ROOT,
            env=celery_env(REDIS_URL=private_redis.url),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert "1 import run handed to the worker again" in run_the_check()
    wait_until(
        lambda: ImportRun.objects.get(pk=run.pk).status == ImportRun.Status.DONE,
        timeout=60,
        what="the worker to import the run",
    )
    run.refresh_from_db()
    assert run.summary == "created 2, updated 0, unchanged 0, rejected 0"
    assert Customer.objects.filter(external_id__startswith="outage-").count() == 2
    assert "0 import runs handed to the worker again" in run_the_check()  # done: not handed over again
