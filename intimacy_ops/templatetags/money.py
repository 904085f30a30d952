"""`{{ amount|money }}` → "EUR 1,234": every amount on a page in the one currency (settings.CURRENCY)."""

from django import template

from intimacy_ops.dashboard.present import display

register = template.Library()


@register.filter
def money(value) -> str:
    return display(value, "money")
