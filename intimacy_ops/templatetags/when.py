"""`{{ moment|when }}`: a time as people read it, in their own time zone (activated per request from their
profile, intimacy_ops.middleware.UserTimeZoneMiddleware): "3 days ago" while recent, the date beyond a week,
and the exact time with its zone on hover (`<time title=…>`)."""

import datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.timesince import timesince, timeuntil

register = template.Library()

RECENT = datetime.timedelta(days=7)


def exact(moment: datetime.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local:%d %b %Y, %H:%M} {local.tzname()}"


@register.filter
def when(moment):
    if moment is None:
        return ""
    if not isinstance(moment, datetime.datetime):  # a date: no time of day, no zone
        return format_html('<time datetime="{}">{}</time>', moment.isoformat(), f"{moment:%d %b %Y}")
    now = timezone.now()
    delta = now - moment
    if abs(delta) < datetime.timedelta(minutes=1):
        shown = "just now"
    elif datetime.timedelta(0) < delta < RECENT:
        shown = f"{timesince(moment, now, depth=1)} ago"
    elif datetime.timedelta(0) < -delta < RECENT:
        shown = f"in {timeuntil(moment, now, depth=1)}"
    else:
        shown = f"{timezone.localtime(moment):%d %b %Y}"
    return format_html(
        '<time datetime="{}" title="{}" data-testid="when">{}</time>',
        moment.isoformat(),
        exact(moment),
        shown,
    )


@register.filter
def local_time(moment) -> str:
    """The exact time in the user's zone, with the zone's name: "07 Dec 2026, 14:05 CET"."""
    return exact(moment) if moment else ""
