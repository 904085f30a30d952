"""The daily digest: people who chose it get one e-mail a day with their held notifications."""

from django.utils import timezone

from intimacy_ops import checks
from intimacy_ops.notifications.services import send_daily_digests


@checks.register(
    name="notifications.digest",
    every_seconds=3600,
    description="One e-mail per person and day gathering the non-urgent notifications they asked to receive as a digest.",
)
def digest() -> str:
    return f"{send_daily_digests(today=timezone.localdate())} digest(s) sent"
