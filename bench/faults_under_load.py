"""A fault during load: the load test with the Celery worker SIGKILLed half-way, then the checks of what it lost.

    .venv/bin/python bench/faults_under_load.py --users 20 --minutes 2     # = bench/load.py --kill-worker

`verify(env)` runs after every bench/load.py run, against the bench database, and prints:
- e-mails: every notification's and digest's e-mail state once the worker has drained, after the outbox
  check (`notifications.outbox`) ran twice with its clock moved on — past its grace (2 minutes: lost
  queued e-mails are handed to the worker again) and past its retry horizon (1 hour: a send cut off by
  the kill becomes an uncertain dead letter). Goal: none left `queued` or `sending`.
- duplicates: open reviews per request and per policy subject, reviews per request opened during the run,
  open escalations per subject and reason, votes per member and review (SQL GROUP BY … HAVING count > 1).
- `python manage.py verify_audit`: intact.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

CHECK = r"""
import datetime, time
from django.db import connection
from django.utils import timezone
from intimacy_ops.notifications.models import Notification, NotificationDigest
from intimacy_ops.notifications import services

def pending():
    return sum(m.objects.filter(email_state__in=["queued", "sending"]).count() for m in (Notification, NotificationDigest))

def drain(label, seconds=90):
    deadline, last = time.monotonic() + seconds, None
    while time.monotonic() < deadline:
        last = pending()
        if not last:
            break
        time.sleep(2)
    print(f"  {label}: {last} e-mail(s) still queued or sending")

drain("after the run, the worker drained")
print("  outbox check, clock + 2 min:", services.resend_waiting_emails(now=timezone.now() + services.OUTBOX_GRACE + datetime.timedelta(seconds=1)))
drain("after it")
print("  outbox check, clock + 1 h:", services.resend_waiting_emails(now=timezone.now() + services.RETRY_HORIZON + datetime.timedelta(minutes=1)))
drain("after it", seconds=30)
for model in (Notification, NotificationDigest):
    states = dict(model.objects.values_list("email_state").annotate(n=__import__("django.db.models", fromlist=["Count"]).Count("id")))
    print(f"  {model.__name__} e-mail states: {states}")
left = pending()
DUPLICATES = {
    "open reviews per request": "SELECT exception_id FROM governance_review WHERE status = 'open' AND policy_id IS NULL AND exception_id IS NOT NULL GROUP BY 1 HAVING count(*) > 1",
    "open reviews per policy subject": "SELECT policy_id, subject_key FROM governance_review WHERE status = 'open' AND policy_id IS NOT NULL GROUP BY 1, 2 HAVING count(*) > 1",
    "reviews per request opened in the run": "SELECT exception_id, kind FROM governance_review WHERE opened_at >= %(since)s AND policy_id IS NULL AND exception_id IS NOT NULL GROUP BY 1, 2 HAVING count(*) > 1",
    "open escalations per subject and reason": "SELECT content_type_id, object_id, reason FROM intimacy_ops_escalation WHERE resolved_at IS NULL GROUP BY 1, 2, 3 HAVING count(*) > 1",
    "escalations per subject and reason raised in the run": "SELECT content_type_id, object_id, reason FROM intimacy_ops_escalation WHERE raised_at >= %(since)s GROUP BY 1, 2, 3 HAVING count(*) > 1",
    "votes per member and review": "SELECT review_id, member_id FROM governance_vote GROUP BY 1, 2 HAVING count(*) > 1",
}
duplicated = 0
with connection.cursor() as cursor:
    for label, sql in DUPLICATES.items():
        cursor.execute(sql, {"since": datetime.datetime.fromisoformat(SINCE)})
        found = len(cursor.fetchall())
        duplicated += found
        print(f"  duplicates, {label}: {found}")
print(f"RESULT left={left} duplicated={duplicated}")
"""


def verify(env: dict, since: str = "2000-01-01T00:00:00+00:00") -> bool:
    """Print the checks; True when nothing is left queued, nothing is duplicated and the audit is intact."""
    print("\nafter the run:")
    python = str(ROOT / ".venv" / "bin" / "python")
    script = f"SINCE = {since!r}\n{CHECK}"
    answer = subprocess.run(  # noqa: S603
        [python, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    print(answer.stdout.rstrip() or answer.stderr[-3000:])
    audit = subprocess.run(  # noqa: S603
        [python, "manage.py", "verify_audit"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    print(f"  verify_audit: {(audit.stdout + audit.stderr).strip()[-500:]}")
    result = next((line for line in answer.stdout.splitlines() if line.startswith("RESULT")), "")
    ok = result == "RESULT left=0 duplicated=0" and audit.returncode == 0 and "intact" in audit.stdout
    print(
        f"  {'OK' if ok else 'NOT OK'}: e-mails all sent or dead-lettered, nothing duplicated, audit intact"
    )
    return ok


if __name__ == "__main__":
    sys.argv.insert(1, "--kill-worker")
    os.chdir(ROOT)
    import load

    load.main()
