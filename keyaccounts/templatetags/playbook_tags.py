"""`{% customer_playbook customer %}`: the Playbook card of a customer's page (segments' template): the version
the customer follows, its plays due (overdue first, mark done or skip with a note), the latest done, and the
last move's difference. A template tag, not an import: segments never imports keyaccounts."""

from django import template

from keyaccounts.playbooks import selectors

register = template.Library()


@register.inclusion_tag("keyaccounts/playbooks/_customer_playbook.html", takes_context=True)
def customer_playbook(context, customer) -> dict:
    request = context["request"]
    return {"request": request, **selectors.customer_card(request.user, customer)}
