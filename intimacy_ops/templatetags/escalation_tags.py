"""Template filters of escalations."""

from django import template

from intimacy_ops.escalations import services

register = template.Library()


register.filter("reason_label", services.reason_label)


@register.filter
def ago(moment) -> str:
    """ "3 hours, 20 minutes ago", or "just now" within the first minute."""
    from django.utils import timezone
    from django.utils.timesince import timesince

    if moment is None:
        return ""
    if (timezone.now() - moment).total_seconds() < 60:
        return "just now"
    return f"{timesince(moment)} ago"


@register.filter
def climbs(moment) -> str:
    """When an unacknowledged escalation climbs: "Climbs in 39 minutes", or "Climbing now" once due."""
    from django.utils import timezone
    from django.utils.timesince import timeuntil

    if moment <= timezone.now():
        return "Climbing to the next level now"
    return f"Climbs in {timeuntil(moment)}"
