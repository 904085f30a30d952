"""`{% customer_incidents customer %}`: the Incidents section of a customer's page (segments' template): the
incidents touching this customer that the person sees, active ones first.

A template tag, not an import: segments never imports incidents (STYLE.md, dependency direction).
"""

from django import template

from incidents.lifecycles import ACTIVE
from incidents.selectors import affected

register = template.Library()


@register.inclusion_tag("incidents/_customer_incidents.html", takes_context=True)
def customer_incidents(context, customer) -> dict:
    incidents = affected.incidents_of_customer(context["request"].user, customer)
    return {
        "incidents": incidents,
        "active": [i for i in incidents if i.status in ACTIVE],
        "customer": customer,
    }
