"""The demo's last step: each person starts with a handful of notifications, not the dozens the stories'
acts produced (a new account manager had 57 unread). The newest few per person stay; the rest go."""

from django.db.models import F, Window
from django.db.models.functions import RowNumber

from intimacy_ops import seeding
from intimacy_ops.notifications.models import Notification

HANDFUL = 5


@seeding.register(name="a handful of notifications per person", order=1000)
def trim_notifications() -> str:
    ranked = Notification.objects.annotate(
        rank=Window(
            RowNumber(), partition_by=[F("recipient_id")], order_by=[F("created_at").desc(), F("id").desc()]
        )
    ).values_list("id", "rank")
    extra = [pk for pk, rank in ranked if rank > HANDFUL]
    Notification.objects.filter(pk__in=extra).delete()
    return f"{len(extra)} older notifications removed; at most {HANDFUL} per person"
