"""Query-string filters of the escalations list, one definition for `/api/v1/escalations/` and
`/escalations/` (and its `export.csv`). The dashboard's drill-down links use these names (issue 15):
`level`, `reason`, `target` (a role, e.g. `operations lead`), `open` (true/false), `unheld` (true: raised to
a role nobody holds in the escalation's region), `region` (code, one of yours), `raised_before` (ISO date,
inclusive)."""

from django_filters import rest_framework as filters

from intimacy_ops.accounts.roles import Role
from intimacy_ops.escalations.models import Escalation
from intimacy_ops.escalations.selectors import unheld_q
from intimacy_ops.filters import DateFilter, RegionFilter, ScopedFilterSet

ORDERING_FIELDS = [
    "raised_at",
    "level",
    "next_level_at",
    "acknowledged_at",
    "resolved_at",
    "reason",
    "subject_label",
    "target_role",
    "region__code",
    "id",
]


class EscalationFilter(ScopedFilterSet):
    level = filters.NumberFilter(label="Level (1 is the first rung)")
    reason = filters.CharFilter(label="Reason (e.g. sla_resolution_breached)")
    target = filters.ChoiceFilter(
        field_name="target_role", choices=Role.choices, label="Target role (its value, e.g. operations lead)"
    )
    open = filters.BooleanFilter(method="filter_open", label="Open (not resolved yet)")
    acknowledged = filters.BooleanFilter(field_name="acknowledged_at", lookup_expr="isnull", exclude=True)
    mine = filters.BooleanFilter(field_name="mine", label="true: raised to you")
    unheld = filters.BooleanFilter(
        method="filter_unheld", label="Unheld: raised to a role nobody holds in its region (true)"
    )
    region = RegionFilter()
    raised_before = DateFilter(
        field_name="raised_at__date", lookup_expr="lte", label="Raised on or before (ISO date)"
    )

    class Meta:
        model = Escalation
        fields = [
            "level",
            "reason",
            "target",
            "open",
            "acknowledged",
            "mine",
            "unheld",
            "region",
            "raised_before",
        ]

    def filter_open(self, queryset, name, value):
        return queryset.filter(resolved_at__isnull=value)

    def filter_unheld(self, queryset, name, value):
        return queryset.filter(unheld_q()) if value else queryset.exclude(unheld_q())
