"""`{% health_card customer %}`: the Health score card of a customer's page (segments' template), for whoever
may see the customer's score (keyaccounts/score/access_rules.py). A template tag: segments never imports
keyaccounts."""

from django import template

from keyaccounts.score import selectors

register = template.Library()


@register.inclusion_tag("keyaccounts/_health_card.html", takes_context=True)
def health_card(context, customer) -> dict:
    found = selectors.card(context["request"].user, customer)
    return {"customer": customer, "shown": found is not None, **(found or {})}
