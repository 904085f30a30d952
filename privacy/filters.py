"""Filters of the privacy API and pages: the access log by user, subject and period; grants and sessions by subject.

A subject is filtered by its declared key (`?<key>=12`), one parameter per declared subject kind,
through `SubjectFilterBackend` (the keys are known once the apps' `privacy.py` modules are imported).
"""

import datetime

from django import forms
from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError

from intimacy_ops import access
from intimacy_ops.filters import ScopedFilterSet
from privacy import subjects
from privacy.models import AccessLogEntry


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


class AccessLogFilter(ScopedFilterSet):
    user = filters.CharFilter(field_name="user__username", label="Username of who looked")
    since = DayOrMomentFilter(field_name="since", label="From this date or datetime (inclusive)")
    until = DayOrMomentFilter(
        field_name="until", end=True, label="Up to this date (inclusive) or datetime (exclusive)"
    )
    channel = filters.ChoiceFilter(choices=AccessLogEntry._meta.get_field("channel").choices)

    class Meta:
        model = AccessLogEntry
        fields = ["user", "since", "until", "channel"]


class SubjectFilterBackend:
    """`?<key>=<id>` for each declared subject: the rows about that record. A non-number is a 400; with
    `subject_filter_must_exist` on the view, so is an id that names no record (as a related filter)."""

    def filter_queryset(self, request, queryset, view):
        for subject in subjects.all():
            raw = request.query_params.get(subject.key)
            if raw in (None, ""):
                continue
            try:
                subject_id = int(raw)
            except ValueError:
                raise ValidationError({subject.key: ["Enter a number."]}) from None
            must_exist = getattr(view, "subject_filter_must_exist", False)
            # Out of the database's integer range: names nothing, as an id that was never used.
            in_range = -(2**63) <= subject_id < 2**63
            # One the user may not see is answered as one that names nothing (CONTRACT.md: no existence leak).
            if must_exist and not (
                in_range and access.visible(request.user, subject.model).filter(pk=subject_id).exists()
            ):
                raise ValidationError(
                    {subject.key: ["Select a valid choice. That choice is not one of the available choices."]}
                )
            if not in_range:
                return queryset.none()
            queryset = queryset.filter(subject_type=subject.content_type(), subject_id=subject_id)
        return queryset

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": subject.key,
                "required": False,
                "in": "query",
                "description": f"{subject.verbose_name.capitalize()} id",
                "schema": {"type": "integer"},
            }
            for subject in subjects.all()
        ]
