"""`{% privacy_controls customer as privacy %}`: what the customer page offers this user about consent and
a data subject's export (asked of the access policy, like every other button)."""

from django import template

from intimacy_ops import access
from segments.consent import FLAGS
from segments.services.subject_export import MIN_PURPOSE

register = template.Library()


@register.simple_tag(takes_context=True)
def privacy_controls(context, customer) -> dict:
    user = context["request"].user
    return {
        "may_change_consent": bool(access.allowed(user, "change_consent", customer)),
        "may_export": bool(access.allowed(user, "subject_export", customer)),
        "flags": [
            {"key": key, "label": label, "given": bool(getattr(customer, name))}
            for key, (name, label) in FLAGS.items()
        ],
        "min_purpose": MIN_PURPOSE,
    }
