"""`{% may_contact incident as ok %}`: may the signed-in person open the incident's "customers to contact" queue."""

from django import template

from intimacy_ops import access

register = template.Library()


@register.simple_tag(takes_context=True)
def may_contact(context, incident) -> bool:
    user = context.get("user") or getattr(context.get("request"), "user", None)
    return bool(access.allowed_in_scope(user, "contact_customers", incident))
