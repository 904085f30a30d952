"""`{% customer_health_reviews customer %}`: the Health reviews card of a customer's page (segments' template): its
latest reviews (the open one first in the eye) and the actions agreed at them. A template tag, not an import:
segments never imports keyaccounts."""

from django import template

from keyaccounts.health import selectors

register = template.Library()


@register.inclusion_tag("keyaccounts/health/_customer_card.html", takes_context=True)
def customer_health_reviews(context, customer) -> dict:
    return {**selectors.customer_card(context["request"].user, customer), "customer": customer}
