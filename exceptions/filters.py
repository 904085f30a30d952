"""Query-string filters of the exceptions list, one definition for `/api/v1/exceptions/` and `/exceptions/`
(and its `export.csv`). The dashboard's drill-down links use exactly these names (issue 15):

`status` (repeatable: `?status=active&status=approved`), `process` (id), `segment` (id, the customer's),
`region` (code, one of yours), `route` (`lead`|`board`), `risk` (a risk rating), `customer` (id),
`created_after`/`created_before`, `decided_after`/`decided_before`, `withdrawn_after`/`withdrawn_before`,
`expires_after`/`expires_before` (ISO dates, inclusive), `sunset` (`true`: a sunset date is set), `q` (the
top bar's search: the title contains it, or `#123`/`123` is the request's number; cut to 100 characters),
`in_force_after`/`in_force_before` (in force on some day of the period: the estimated cost's requests),
`costs_after`/`costs_before` (a cost booked on a day of the period: the actual cost's requests). *Decided*
is the day of the transition into approved or rejected (the lead's or the board's decision), *withdrawn* the
day of the transition into withdrawn. `ordering`: any key of `ORDERING_FIELDS`.

The customers list gets `holds_active` (a process id: customers holding an active exception against it, the
drift panel's drill-down) from here: segments never imports exceptions.
"""

from django import forms
from django.db.models import Exists, OuterRef
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from exceptions.models import CostEntry, ExceptionRequest, ExceptionTransition, Process, RiskRating
from exceptions.selectors_dashboard_cost import in_force_during
from intimacy_ops import search
from intimacy_ops.filters import (
    RegionFilter,
    ScopedFilterSet,
    ScopedModelChoiceFilter,
    date_range,
)
from segments.filters import contribute_customer_filter
from segments.models import Customer, Segment

Status = ExceptionRequest.Status
DECIDED = (Status.APPROVED, Status.REJECTED)

# The columns a list sorts by, the same keys on the page and in the API (`?ordering=-estimated_monthly_cost`).
ORDERING_FIELDS = [
    "created_at",
    "updated_at",
    "status_changed_at",
    "title",
    "status",
    "route",
    "risk_rating",
    "customer__name",
    "customer__region__code",
    "process__name",
    "starts_on",
    "expires_on",
    "sunset_on",
    "estimated_monthly_cost",
    "estimated_one_off_cost",
]


class ExceptionFilter(ScopedFilterSet):
    status = filters.MultipleChoiceFilter(
        # A column of the row: no row twice, so no SELECT DISTINCT (django-filter's default for a multiple
        # choice made PostgreSQL sort whole rows to de-duplicate a lead's submitted requests: 27 ms).
        choices=Status.choices,
        label="Status",
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    process = ScopedModelChoiceFilter(model=Process, label="Process id")
    segment = ScopedModelChoiceFilter(
        model=Segment, field_name="customer__segment", label="Segment id (the customer's)"
    )
    region = RegionFilter(field_name="customer__region")
    route = filters.ChoiceFilter(
        choices=[c for c in ExceptionRequest.Route.choices if c[0]], label="Route: lead or board"
    )
    risk = filters.ChoiceFilter(field_name="risk_rating", choices=RiskRating.choices, label="Risk rating")
    risk_rating = filters.ChoiceFilter(choices=RiskRating.choices, label="Risk rating (as `risk`)")
    kind = filters.ChoiceFilter(choices=ExceptionRequest.Kind.choices)
    customer = ScopedModelChoiceFilter(model=Customer, label="Customer id")
    created_after, created_before = date_range("created_at__date", "Created")
    decided_after = filters.DateFilter(method="filter_decided", label="Decided on or after (ISO date)")
    decided_before = filters.DateFilter(method="filter_decided", label="Decided on or before (ISO date)")
    withdrawn_after = filters.DateFilter(method="filter_decided", label="Withdrawn on or after (ISO date)")
    withdrawn_before = filters.DateFilter(method="filter_decided", label="Withdrawn on or before (ISO date)")
    expires_after, expires_before = date_range("expires_on", "Expires")
    sunset = filters.BooleanFilter(
        field_name="sunset_on", lookup_expr="isnull", exclude=True, label="true: a sunset date is set"
    )
    q = filters.CharFilter(method="filter_q", label="Title contains, or the number (#123)")
    in_force_after = filters.DateFilter(method="filter_decided", label="In force on or after (ISO date)")
    in_force_before = filters.DateFilter(method="filter_decided", label="In force on or before (ISO date)")
    costs_after = filters.DateFilter(method="filter_decided", label="A cost booked on or after (ISO date)")
    costs_before = filters.DateFilter(method="filter_decided", label="A cost booked on or before (ISO date)")

    class Meta:
        model = ExceptionRequest
        fields = [
            "status",
            "process",
            "segment",
            "region",
            "route",
            "risk",
            "risk_rating",
            "kind",
            "customer",
            "created_after",
            "created_before",
            "decided_after",
            "decided_before",
            "withdrawn_after",
            "withdrawn_before",
            "expires_after",
            "expires_before",
            "sunset",
            "q",
            "in_force_after",
            "in_force_before",
            "costs_after",
            "costs_before",
        ]

    def filter_q(self, queryset, name, value):
        text, _ = search.clean(value)
        matches = search.condition(("title",), text, by_number=True) if text else None
        return queryset.filter(matches) if matches is not None else queryset

    def filter_queryset(self, queryset):
        # Both ends of a transition's period in one EXISTS (the same transition must fall inside it).
        queryset = super().filter_queryset(queryset)
        for prefix, statuses in (("decided", DECIDED), ("withdrawn", (Status.WITHDRAWN,))):
            after, before = (self.form.cleaned_data.get(f"{prefix}_{end}") for end in ("after", "before"))
            if not (after or before):
                continue
            transitions = ExceptionTransition.objects.filter(exception=OuterRef("pk"), to_status__in=statuses)
            if after:
                transitions = transitions.filter(at__date__gte=after)
            if before:
                transitions = transitions.filter(at__date__lte=before)
            queryset = queryset.filter(Exists(transitions))
        cleaned = self.form.cleaned_data
        first, last = cleaned.get("in_force_after"), cleaned.get("in_force_before")
        if first or last:
            queryset = queryset.filter(in_force_during(first, last))
        first, last = cleaned.get("costs_after"), cleaned.get("costs_before")
        if first or last:
            costs = CostEntry.objects.filter(exception=OuterRef("pk"))
            if first:
                costs = costs.filter(incurred_on__gte=first)
            if last:
                costs = costs.filter(incurred_on__lte=last)
            queryset = queryset.filter(Exists(costs))
        return queryset

    def filter_decided(self, queryset, name, value):
        return queryset  # both ends are applied together in filter_queryset


def _holds_active(queryset, name, process):
    """Customers holding an active exception against `process` (the drift panel's "customers holding one")."""
    if process is None:
        return queryset
    active = ExceptionRequest.objects.filter(customer=OuterRef("pk"), process=process, status=Status.ACTIVE)
    return queryset.filter(Exists(active))


@extend_schema_field(OpenApiTypes.INT)
class HoldsActiveFilter(ScopedModelChoiceFilter):
    """`?holds_active=<process id>` (an integer in the schema: its method hides the model's id from it)."""


contribute_customer_filter(
    "holds_active",
    HoldsActiveFilter(
        model=Process,
        field_name="holds_active",
        method=_holds_active,
        label="Process id: customers holding an active exception against it",
    ),
)
