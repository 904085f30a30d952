"""Filters of the access log, shared by its API and its page: by user, customer and period."""

import datetime

from django import forms
from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from segments.privacy_models import AccessLogEntry


@extend_schema_field(OpenApiTypes.STR)
class DayOrMomentFilter(filters.Filter):
    """An ISO date (the whole day counts) or an aware/naive ISO datetime (UTC)."""

    field_class = forms.CharField

    def __init__(self, *args, end: bool = False, **kwargs):
        self.end = end
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        moment = parse_moment(value, end=self.end)
        if moment is None:
            from rest_framework.exceptions import ValidationError

            raise ValidationError(
                {self.field_name if not self.end else "until": ["An ISO date or datetime, e.g. 2026-11-23."]}
            )
        return qs.filter(**{f"at__{'lt' if self.end else 'gte'}": moment})


def parse_moment(value: str, *, end: bool = False) -> datetime.datetime | None:
    value = value.strip()
    try:
        if len(value) == 10:
            day = datetime.date.fromisoformat(value)
            moment = datetime.datetime.combine(
                day + datetime.timedelta(days=1 if end else 0), datetime.time()
            )
        else:
            moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, datetime.UTC)
    return moment


class AccessLogFilter(filters.FilterSet):
    user = filters.CharFilter(field_name="user__username", label="Username of who looked")
    customer = filters.NumberFilter(field_name="customer_id", label="Customer id")
    since = DayOrMomentFilter(field_name="since", label="From this date or datetime (inclusive)")
    until = DayOrMomentFilter(
        field_name="until", end=True, label="Up to this date (inclusive) or datetime (exclusive)"
    )
    channel = filters.ChoiceFilter(choices=AccessLogEntry._meta.get_field("channel").choices)

    class Meta:
        model = AccessLogEntry
        fields = ["user", "customer", "since", "until", "channel"]
