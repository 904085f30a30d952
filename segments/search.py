"""What segments gives the top bar's search (intimacy_ops/search): customers by name or external id, service
cases by title, external id or their customer's name. Never `contact_email` or `personal_notes` (declared sensitive in privacy.py:
the kernel refuses them)."""

from urllib.parse import urlencode

from django.urls import reverse

from intimacy_ops import search
from segments.models import Customer, ServiceCase


def _customer(customer: Customer) -> search.Hit:
    segment = customer.segment.name if customer.segment_id else "unclassified"
    return search.Hit(
        title=customer.name,
        url=reverse("segments:customer-detail", args=[customer.pk]),
        meta=f"{customer.external_id} · {customer.region.code} · {segment}",
    )


def _case(case: ServiceCase) -> search.Hit:
    state = "open" if case.resolved_at is None else "resolved"
    return search.Hit(
        title=case.title or case.external_id,
        url=reverse("segments:case-detail", args=[case.pk]),
        meta=f"{case.external_id} · {case.priority} · {state} · {case.customer.name}",
    )


search.register(
    search.Kind(
        key="customers",
        label="Customers",
        model=Customer,
        fields=("name", "external_id"),
        hit=_customer,
        order=10,
        hint="by name or external id",
        prepare=lambda rows: rows.select_related("region", "segment").order_by("name", "pk"),
        list_label="the customer list",
        list_url=lambda q: f"{reverse('segments:customer-list')}?{urlencode({'q': q})}",
    )
)

search.register(
    search.Kind(
        key="cases",
        label="Service cases",
        model=ServiceCase,
        # As the case list's own search reads `q` (segments/selectors/cases.py): "show all" lists what was counted.
        fields=("title", "external_id", "customer__name"),
        hit=_case,
        order=40,
        hint="by title, external id or customer name",
        prepare=lambda rows: rows.select_related("customer").order_by("-opened_at", "-pk"),
        list_label="the case list",
        list_url=lambda q: f"{reverse('segments:case-list')}?{urlencode({'q': q, 'status': 'all'})}",
    )
)
