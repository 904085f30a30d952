"""`{% customer_exceptions customer %}`: the Exceptions section of a customer's page (segments' template).

A template tag, not an import: segments never imports exceptions (STYLE.md, dependency direction).
"""

from django import template

from exceptions import selectors
from exceptions.models import ExceptionRequest
from intimacy_ops import access

register = template.Library()


@register.inclusion_tag("exceptions/_customer_exceptions.html", takes_context=True)
def customer_exceptions(context, customer) -> dict:
    user = context["request"].user
    return {
        "customer": customer,
        "rows": selectors.for_customer(user, customer),
        "out_of_view": selectors.out_of_view_count(user, ExceptionRequest.objects.filter(customer=customer)),
        "may_request": bool(access.allowed(user, "request_exception", customer)),
    }
