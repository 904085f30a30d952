"""Query-string filters of the segments API. Sensitive fields (contact_email, personal_notes) are never offered."""

from django_filters import rest_framework as filters

from intimacy_ops.filters import ScopedFilterSet, ScopedModelChoiceFilter
from segments.models import Customer, Priority, Segment, ServiceCase, SlaPolicy


class CustomerFilter(ScopedFilterSet):
    segment = ScopedModelChoiceFilter(model=Segment, label="Segment id")
    region = filters.CharFilter(field_name="region__code", label="Region code")
    account_manager = filters.CharFilter(
        field_name="account_manager__username", label="Account manager username"
    )
    segment_locked = filters.BooleanFilter(label="Segment placed by hand")

    class Meta:
        model = Customer
        fields = ["segment", "region", "account_manager", "segment_locked"]


class SlaPolicyFilter(ScopedFilterSet):
    segment = ScopedModelChoiceFilter(model=Segment, label="Segment id")
    priority = filters.ChoiceFilter(choices=Priority.choices)

    class Meta:
        model = SlaPolicy
        fields = ["segment", "priority"]


class CaseFilter(ScopedFilterSet):
    breached = filters.BooleanFilter(label="Response or resolution late")
    priority = filters.ChoiceFilter(choices=Priority.choices)
    customer = ScopedModelChoiceFilter(model=Customer, label="Customer id")
    queue = filters.CharFilter(label="Team queue")
    open = filters.BooleanFilter(
        field_name="resolved_at", lookup_expr="isnull", label="Open (not resolved yet)"
    )
    waiting = filters.BooleanFilter(field_name="is_waiting", label="Waiting on the customer")

    class Meta:
        model = ServiceCase
        fields = ["breached", "priority", "customer", "queue", "open", "waiting"]
