"""The daily digest (one e-mail a day with the held notifications) and the e-mail outbox."""

from django.utils import timezone

from intimacy_ops import checks
from intimacy_ops.notifications.services import resend_waiting_emails, send_daily_digests


@checks.register(
    name="notifications.digest",
    every_seconds=3600,
    description="One e-mail per person and day gathering the non-urgent notifications they asked to receive as a digest.",
)
def digest() -> str:
    return f"{send_daily_digests(today=timezone.localdate())} digest(s) sent"


@checks.register(
    name="notifications.outbox",
    every_seconds=60,
    description="E-mails still queued two minutes after their act (the broker was down or lost them) are "
    "handed to the worker again; one cut off mid-send becomes an uncertain dead letter, never a second e-mail.",
)
def outbox() -> checks.CheckResult:
    counts = resend_waiting_emails(now=timezone.now())
    summary = f"{checks.plural(counts['enqueued'], 'e-mail')} enqueued again"
    if counts["waiting"]:
        summary += f", {counts['waiting']} still waiting (broker down?)"
    if counts["uncertain"]:
        summary += f", {checks.plural(counts['uncertain'], 'uncertain send')} dead-lettered"
    return checks.CheckResult(summary, counts=counts)
