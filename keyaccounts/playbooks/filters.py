"""Query-string filters of the plays due, for `/api/v1/plays/`: `customer` (id, among those you see),
`status`, `due_after`/`due_before` (ISO dates), `mine` (true: your customers' plays). Playbooks: `segment`."""

from django_filters import rest_framework as filters

from intimacy_ops.filters import ScopedFilterSet, date_range
from keyaccounts.models import Playbook, PlayDue


class PlayDueFilter(ScopedFilterSet):
    status = filters.ChoiceFilter(choices=PlayDue.Status.choices)
    due_after, due_before = date_range("due_on", "Due")
    mine = filters.BooleanFilter(method="filter_mine", label="Only your customers' plays")

    class Meta:
        model = PlayDue
        fields = ["customer", "status", "due_after", "due_before", "mine"]

    def filter_mine(self, queryset, name, value):
        user = self.request.user
        return queryset.filter(customer__account_manager=user) if value else queryset


class PlaybookFilter(ScopedFilterSet):
    class Meta:
        model = Playbook
        fields = ["segment"]
