"""`{% recovery_card incident %}`: the incident page's "Recovery" card (issue 19, item 7) — 30 days before
against 30 days after the start for the affected customers the reader sees (incidents/selectors/recovery.py,
three queries), "n/a until …" while 30 days have not passed, and the link to the post-mortem."""

from django import template
from django.conf import settings

from incidents.selectors import recovery

register = template.Library()


@register.inclusion_tag("incidents/_recovery.html", takes_context=True)
def recovery_card(context, incident):
    figures = recovery.present(recovery.for_incident(context["request"].user, incident))
    return {"incident": incident, "r": figures, "currency": settings.CURRENCY}
