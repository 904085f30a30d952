"""Query-string filters of the incident list, one definition for `/api/v1/incidents/` and the page
`/incidents/`: `status`, `kind`, `severity`, `region` (code, one of yours, repeatable), `active` (true: open or
mitigated), `started_after`/`started_before` (ISO dates), `customer` (id: the incidents touching it)."""

from django_filters import rest_framework as filters

from incidents.lifecycles import ACTIVE
from incidents.models import Incident
from intimacy_ops.filters import RegionFilter, ScopedFilterSet, ScopedModelChoiceFilter, date_range
from segments.models import Customer

ORDERING_FIELDS = ["started_at", "severity", "status", "title", "id"]


class IncidentFilter(ScopedFilterSet):
    status = filters.ChoiceFilter(choices=Incident.Status.choices)
    kind = filters.ChoiceFilter(choices=Incident.Kind.choices)
    severity = filters.ChoiceFilter(choices=Incident.Severity.choices)
    region = RegionFilter(field_name="regions", distinct=True)
    active = filters.BooleanFilter(method="filter_active", label="Active: open or mitigated")
    started_after, started_before = date_range("started_at__date", "Started")
    # The health score's drill-down (keyaccounts/score): the incidents touching one customer.
    customer = ScopedModelChoiceFilter(
        model=Customer, field_name="affected__customer", distinct=True, label="Customer id (one it touches)"
    )

    class Meta:
        model = Incident
        fields = [
            "status",
            "kind",
            "severity",
            "region",
            "active",
            "started_after",
            "started_before",
            "customer",
        ]

    def filter_active(self, queryset, name, value):
        return queryset.filter(status__in=ACTIVE) if value else queryset.exclude(status__in=ACTIVE)
