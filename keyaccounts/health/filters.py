"""Query-string filters of the health reviews, one definition for `/api/v1/health-reviews/` and the page
`/keyaccounts/health-reviews/`: `status`, `due_after`/`due_before` (ISO dates, inclusive), `due` (`overdue`: open
and past its date; `soon`: open and due within the capacity view's weeks), `account_manager` (username),
`customer` (id, among the customers you see), `period` ("2026-Q4"), `region` (code, one of yours)."""

import datetime

from django.conf import settings
from django.utils import timezone
from django_filters import rest_framework as filters

from intimacy_ops.filters import RegionFilter, ScopedFilterSet, date_range
from keyaccounts.models import HealthReview

ORDERING_FIELDS = ["due_on", "period", "customer__name", "status", "opened_at", "completed_at"]
HORIZON_WEEKS = 4
DUE_CHOICES = [("overdue", "Overdue"), ("soon", f"Due within {HORIZON_WEEKS} weeks")]


def horizon(today: datetime.date) -> datetime.date:
    return today + datetime.timedelta(weeks=HORIZON_WEEKS)


class HealthReviewFilter(ScopedFilterSet):
    status = filters.ChoiceFilter(choices=HealthReview.Status.choices)
    due = filters.ChoiceFilter(choices=DUE_CHOICES, method="filter_due", label="Due")
    due_after, due_before = date_range("due_on", "Due")
    account_manager = filters.CharFilter(
        field_name="account_manager__username", label="Account manager username"
    )
    period = filters.CharFilter(field_name="period", max_length=10, label='Period ("2026-Q4")')
    region = RegionFilter(field_name="customer__region")

    class Meta:
        model = HealthReview
        fields = [
            "status",
            "due",
            "due_after",
            "due_before",
            "account_manager",
            "customer",
            "period",
            "region",
        ]

    def filter_due(self, queryset, name, value):
        today = timezone.localdate()
        queryset = queryset.filter(status=HealthReview.Status.OPEN)
        if value == "overdue":
            return queryset.filter(due_on__lt=today)
        return queryset.filter(due_on__lte=horizon(today))


def per_week() -> int:
    return settings.HEALTH_REVIEWS_PER_WEEK
