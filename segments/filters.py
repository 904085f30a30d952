"""Query-string filters of the segments lists, one definition for the API and the pages (customers, cases).
Sensitive fields (contact_email, personal_notes) are never offered.

The dashboard's drill-down links use these names (issue 15): customers by `segment`, `region` (and
`holds_active`, a process id, contributed by exceptions: `contribute_customer_filter`); cases by
`segment`, `region`, `priority`, `breached`, `open`, `opened_after`/`opened_before`,
`closed_after`/`closed_before` (ISO dates, inclusive; closed = resolved).
"""

from django.db.models import Exists
from django.utils import timezone
from django_filters import rest_framework as filters

from intimacy_ops.filters import RegionFilter, ScopedFilterSet, ScopedModelChoiceFilter, date_range
from segments.models import Customer, Priority, Segment, ServiceCase, SlaPolicy
from segments.selectors.cases import late_now, open_wait


class CustomerFilter(ScopedFilterSet):
    segment = ScopedModelChoiceFilter(model=Segment, label="Segment id")
    region = RegionFilter()
    account_manager = filters.CharFilter(
        field_name="account_manager__username", label="Account manager username"
    )
    segment_locked = filters.BooleanFilter(label="Segment placed by hand")

    class Meta:
        model = Customer
        fields = ["segment", "region", "account_manager", "segment_locked"]


def contribute_customer_filter(name: str, declared: filters.Filter) -> None:
    """A filter a higher app adds to the customers list (page, API, CSV) without segments importing it:
    exceptions adds `holds_active` (the drift panel's drill-down). Called once, at start-up."""
    CustomerFilter.declared_filters[name] = declared
    CustomerFilter.base_filters[name] = declared


class SlaPolicyFilter(ScopedFilterSet):
    segment = ScopedModelChoiceFilter(model=Segment, label="Segment id")
    priority = filters.ChoiceFilter(choices=Priority.choices)

    class Meta:
        model = SlaPolicy
        fields = ["segment", "priority"]


class CaseFilter(ScopedFilterSet):
    segment = ScopedModelChoiceFilter(
        model=Segment, field_name="customer__segment", label="Segment id (the customer's)"
    )
    region = RegionFilter(field_name="customer__region")
    priority = filters.ChoiceFilter(choices=Priority.choices)
    breached = filters.BooleanFilter(
        method="filter_breached",
        label="Late: flagged breached, or past a due time not met yet (true), or neither (false)",
    )
    open = filters.BooleanFilter(
        field_name="resolved_at", lookup_expr="isnull", label="Open (not resolved yet)"
    )
    opened_after, opened_before = date_range("opened_at__date", "Opened")
    closed_after, closed_before = date_range("resolved_at__date", "Resolved")
    customer = ScopedModelChoiceFilter(model=Customer, label="Customer id")
    queue = filters.CharFilter(label="Team queue")
    waiting = filters.BooleanFilter(method="filter_waiting", label="Waiting on the customer")

    class Meta:
        model = ServiceCase
        fields = [
            "segment",
            "region",
            "priority",
            "breached",
            "open",
            "opened_after",
            "opened_before",
            "closed_after",
            "closed_before",
            "customer",
            "queue",
            "waiting",
        ]

    def filter_breached(self, queryset, name, value):
        late = late_now(timezone.now())
        return queryset.filter(late) if value else queryset.exclude(late)

    def filter_waiting(self, queryset, name, value):
        waiting = Exists(open_wait())
        return queryset.filter(waiting if value else ~waiting)
