"""`{% customer_links customer %}`: the Customer links section of a customer's page (segments' template):
the links issued for it and, for whoever may issue one, the form. A template tag, not an import: segments
never imports keyaccounts (STYLE.md, dependency direction)."""

from django import template
from django.utils import timezone

from intimacy_ops import access
from keyaccounts.forms import IssueLinkForm
from keyaccounts.models import CustomerLink

register = template.Library()
SHOWN = 10


def customer_links_context(request, customer, *, form=None, issued_url=None) -> dict:
    user = request.user
    links = list(
        access.visible(user, CustomerLink)
        .filter(customer=customer)
        .select_related("issued_by", "revoked_by")[:SHOWN]
    )
    may_issue = bool(access.allowed(user, "issue_link", customer))
    return {
        "request": request,
        "customer": customer,
        "links": links,
        "may_issue": may_issue,
        "form": form or IssueLinkForm(),
        "issued_url": issued_url,
        "now": timezone.now(),
    }


@register.inclusion_tag("keyaccounts/_customer_links.html", takes_context=True)
def customer_links(context, customer) -> dict:
    return customer_links_context(context["request"], customer)
