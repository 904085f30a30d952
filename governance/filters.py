"""Query-string filters of the reviews list, one definition for `/api/v1/reviews/` and the governance page
`/governance/` (and its `export.csv`). The dashboard's drill-down links use these names (issue 15): `board`
(id), `status` (open, decided, withdrawn), `overdue` (true: open and past its due date), `kind`, `region`
(code, one of yours: the region of the customer whose request is reviewed; proposals have none)."""

from django.db.models import Q
from django.utils import timezone
from django_filters import rest_framework as filters

from exceptions.models import ExceptionRequest
from governance.models import Board, Review
from intimacy_ops.filters import RegionFilter, ScopedFilterSet, ScopedModelChoiceFilter

ORDERING_FIELDS = ["due_on", "opened_at", "closed_at", "status", "kind", "board__name", "id"]


def overdue_q() -> Q:
    return Q(status=Review.Status.OPEN, due_on__lt=timezone.localdate())


class ReviewFilter(ScopedFilterSet):
    board = ScopedModelChoiceFilter(model=Board, label="Board id")
    status = filters.ChoiceFilter(choices=Review.Status.choices)
    overdue = filters.BooleanFilter(method="filter_overdue", label="Overdue: open and past its due date")
    kind = filters.ChoiceFilter(choices=Review.Kind.choices)
    region = RegionFilter(field_name="exception__customer__region")
    exception = ScopedModelChoiceFilter(model=ExceptionRequest, label="Exception request id")
    outcome = filters.ChoiceFilter(choices=[c for c in Review.Outcome.choices if c[0]])

    class Meta:
        model = Review
        fields = ["board", "status", "overdue", "kind", "region", "exception", "outcome"]

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(overdue_q()) if value else queryset.exclude(overdue_q())
