"""Query-string filters of the health scores, one definition for `/api/v1/health-scores/` and the page
`/keyaccounts/health/`: `customer` (id), `below_line` (true: below their region's at-risk line), `region`
(code, one of yours, repeatable), `segment` (id, the customer's), `account_manager` (username). The
dashboard's panel and the account manager's home card drill down with these names. `ordering`: any key of
`ORDERING_FIELDS`."""

from django.db.models import OuterRef, Subquery
from django_filters import rest_framework as filters

from intimacy_ops.filters import RegionFilter, ScopedFilterSet, ScopedModelChoiceFilter
from keyaccounts.models import HealthScore, HealthWeights
from segments.models import Customer, Segment

ORDERING_FIELDS = ["score", "customer__name", "score_30_days_ago", "score_90_days_ago", "computed_at"]


class HealthScoreFilter(ScopedFilterSet):
    customer = ScopedModelChoiceFilter(model=Customer, label="Customer id")
    below_line = filters.BooleanFilter(label="Below the at-risk line (true)")
    region = RegionFilter(field_name="customer__region")
    segment = ScopedModelChoiceFilter(
        model=Segment, field_name="customer__segment", label="Segment id (the customer's)"
    )
    account_manager = filters.CharFilter(
        field_name="customer__account_manager__username", label="Account manager username"
    )

    class Meta:
        model = HealthScore
        fields = ["customer", "below_line", "region", "segment", "account_manager"]


class HealthWeightsFilter(ScopedFilterSet):
    region = RegionFilter()
    current = filters.BooleanFilter(method="filter_current", label="Only each region's newest version (true)")

    class Meta:
        model = HealthWeights
        fields = ["region", "current"]

    def filter_current(self, queryset, name, value):
        newest = HealthWeights.objects.filter(region=OuterRef("region")).order_by("-version").values("pk")[:1]
        return queryset.filter(pk=Subquery(newest)) if value else queryset.exclude(pk=Subquery(newest))
