"""Query-string filters of the RCA list, one definition for `/api/v1/rcas/` and the RCA board
`/feedback/rcas/`: `status`, `process` (id), `region` (code, one of yours: a region of the customers
concerned), `mine` (true: RCAs you own or whose process you own), `overdue` (true: with an open corrective
action past its due date)."""

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django_filters import rest_framework as filters

from exceptions.models import Process
from feedback.models import CorrectiveAction, RootCauseAnalysis
from intimacy_ops.filters import RegionFilter, ScopedFilterSet, ScopedModelChoiceFilter

ORDERING_FIELDS = ["created_at", "status", "closed_at", "process__name", "id"]


def overdue_q() -> Q:
    return Q(
        Exists(
            CorrectiveAction.objects.filter(
                rca=OuterRef("pk"),
                status__in=CorrectiveAction.OPEN_STATUSES,
                due_on__lt=timezone.localdate(),
            )
        )
    )


class RcaFilter(ScopedFilterSet):
    status = filters.ChoiceFilter(choices=RootCauseAnalysis.Status.choices)
    process = ScopedModelChoiceFilter(model=Process, label="Process id")
    region = RegionFilter(field_name="regions", distinct=True)
    mine = filters.BooleanFilter(method="filter_mine", label="Yours: you own it or its process")
    overdue = filters.BooleanFilter(method="filter_overdue", label="Overdue action")

    class Meta:
        model = RootCauseAnalysis
        fields = ["status", "process", "region", "mine", "overdue"]

    def filter_mine(self, queryset, name, value):
        user = self.request.user
        mine = Q(owner=user) | Q(process__owner=user)
        return queryset.filter(mine) if value else queryset.exclude(mine)

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(overdue_q()) if value else queryset.exclude(overdue_q())
