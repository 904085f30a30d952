"""`{% customer_exceptions customer %}`: the Exceptions section of a customer's page (segments' template).

A template tag, not an import: segments never imports exceptions (STYLE.md, dependency direction).
"""

from django import template
from django.utils.html import format_html

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


@register.simple_tag
def status_pill(status: str, label: str, big: bool = False) -> str:
    """A request's status as a pill: `{% status_pill row.status row.get_status_display %}` (a tag, not an
    include: a list drew one template per row for it)."""
    return format_html(
        '<span class="pill pill-status s-{}{}" data-testid="status" data-status="{}">{}</span>',
        status,
        " big" if big else "",
        status,
        label,
    )
