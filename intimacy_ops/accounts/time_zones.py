"""Each person's time zone: their own choice (profile page), else their region's. Resolved once at sign-in and
kept in the session, so a request costs no query for it; `UserTimeZoneMiddleware` activates it, and every
time on a page shows in it (Django converts aware datetimes to the active zone; `{{ moment|when }}`)."""

import zoneinfo

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import timezone

SESSION_KEY = "time_zone"
REGION_TIME_ZONES = {"EMEA": "Europe/Paris", "AMER": "America/New_York", "APAC": "Asia/Singapore"}


def choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


def remember(request, user) -> None:
    request.session[SESSION_KEY] = user.effective_time_zone()


@receiver(user_logged_in)
def _on_sign_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        remember(request, user)


class UserTimeZoneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        name = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
        try:
            if name:
                timezone.activate(zoneinfo.ZoneInfo(name))
            else:
                timezone.deactivate()
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
