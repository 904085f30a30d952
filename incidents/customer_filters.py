"""Filters incidents adds to the customers list (page, API, CSV; `segments.filters.contribute_customer_filter`),
the drill-downs of its dashboard panels (incidents/dashboard.py): `affected_by=<incident id>` (the incident's
affected customers), `goodwill_in=<incident id>` (those given goodwill in it, recorded or requested) and
`goodwill_after`/`goodwill_before` (ISO dates, inclusive: those given goodwill in any incident those days).
An incident id out of the user's sight is a 400, as a nonexistent one. Imported by incidents/dashboard.py."""

from django.db.models import Exists, OuterRef
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from incidents.models import AffectedCustomer, Goodwill, Incident
from intimacy_ops.filters import ScopedModelChoiceFilter
from segments.filters import contribute_customer_filter


def _affected_by(queryset, name, incident):
    if incident is None:
        return queryset
    return queryset.filter(
        Exists(AffectedCustomer.objects.filter(incident=incident, customer=OuterRef("pk")))
    )


def _goodwill_in(queryset, name, incident):
    if incident is None:
        return queryset
    return queryset.filter(Exists(Goodwill.objects.filter(incident=incident, customer=OuterRef("pk"))))


class GoodwillPeriodFilter(filters.DateFilter):
    """`goodwill_after` / `goodwill_before`: both ends on the same goodwill row (one `EXISTS`), so "given goodwill
    in the period" counts what the panel counts; the first of the pair present applies both."""

    def filter(self, queryset, value):
        data = self.parent.form.cleaned_data
        after, before = data.get("goodwill_after"), data.get("goodwill_before")
        if value is None or (self.field_name == "goodwill_before" and after is not None):
            return queryset
        given = Goodwill.objects.filter(customer=OuterRef("pk"))
        if after is not None:
            given = given.filter(given_at__date__gte=after)
        if before is not None:
            given = given.filter(given_at__date__lte=before)
        return queryset.filter(Exists(given))


@extend_schema_field(OpenApiTypes.INT)
class IncidentFilter(ScopedModelChoiceFilter):
    """`?affected_by=<incident id>` (an integer in the schema)."""


contribute_customer_filter(
    "affected_by",
    IncidentFilter(
        model=Incident,
        field_name="affected_by",
        method=_affected_by,
        label="Incident id: its affected customers",
    ),
)
contribute_customer_filter(
    "goodwill_in",
    IncidentFilter(
        model=Incident,
        field_name="goodwill_in",
        method=_goodwill_in,
        label="Incident id: customers given goodwill in it",
    ),
)
contribute_customer_filter(
    "goodwill_after",
    GoodwillPeriodFilter(field_name="goodwill_after", label="Given goodwill on or after (ISO date)"),
)
contribute_customer_filter(
    "goodwill_before",
    GoodwillPeriodFilter(field_name="goodwill_before", label="Given goodwill on or before (ISO date)"),
)
