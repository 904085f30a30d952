"""Each user's secret calendar address (the feed of their boards' meetings and reviews' due dates)."""

from django.db import transaction

from governance.models import CalendarFeed, _new_token
from intimacy_ops import audit


def calendar_feed_for(*, user) -> CalendarFeed:
    """The user's secret calendar address, made on first use."""
    feed, created = CalendarFeed.objects.get_or_create(user=user)
    if created:
        audit.record(actor=user, verb="calendar_feed.created", obj=feed)
    return feed


def reset_calendar_feed(*, user) -> CalendarFeed:
    """A new secret address for the user's calendar; the old one stops working at once."""
    with transaction.atomic():
        feed, _ = CalendarFeed.objects.select_for_update().get_or_create(user=user)
        feed.token = _new_token()
        feed.save(update_fields=["token"])
        audit.record(
            actor=user, verb="calendar_feed.reset", obj=feed, comment="the old address stopped working"
        )
    return feed
