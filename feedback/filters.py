"""Query-string filters of the feedback inbox, one definition for `/api/v1/feedback/` and `/feedback/` (and its
`export.csv`):

`source` (repeatable), `process` (id), `segment` (id, the customer's), `region` (code, one of yours),
`customer` (id), `sentiment` (`positive`|`negative`|`neutral`, or `none`: not analysed), `confirmed`
(`true`: a person confirmed or corrected the sentiment), `to_confirm` (`true`: waiting in the confirmation
queue), `actionable`, `negative` (`true`: a low score or a counted negative sentiment),
`received_after`/`received_before` (ISO dates, inclusive). `ordering`: any key of `ORDERING_FIELDS`.
The text is confidential: it is neither a filter nor a sort key, and the search looks at customer names only.
"""

from django import forms
from django_filters import rest_framework as filters

from exceptions.models import Process
from feedback.models import FeedbackItem, Sentiment, Source
from intimacy_ops.filters import RegionFilter, ScopedFilterSet, ScopedModelChoiceFilter, date_range
from segments.models import Customer, Segment

NONE = "none"
ORDERING_FIELDS = [
    "received_on",
    "created_at",
    "score",
    "source",
    "customer__name",
    "process__name",
    "sentiment",
]


class FeedbackFilter(ScopedFilterSet):
    source = filters.MultipleChoiceFilter(
        choices=Source.choices, label="Source", widget=forms.CheckboxSelectMultiple, distinct=False
    )
    process = ScopedModelChoiceFilter(model=Process, label="Process id")
    segment = ScopedModelChoiceFilter(
        model=Segment, field_name="customer__segment", label="Segment id (the customer's)"
    )
    region = RegionFilter(field_name="customer__region")
    customer = ScopedModelChoiceFilter(model=Customer, label="Customer id")
    sentiment = filters.ChoiceFilter(
        choices=[*Sentiment.choices, (NONE, "Not analysed")], method="filter_sentiment", label="Sentiment"
    )
    confirmed = filters.BooleanFilter(
        field_name="sentiment_confirmed", label="Confirmed (the sentiment, by a person)"
    )
    to_confirm = filters.BooleanFilter(method="filter_to_confirm", label="Waiting for a person to confirm")
    actionable = filters.BooleanFilter(label="Actionable")
    negative = filters.BooleanFilter(
        method="filter_negative", label="Negative (low score or negative sentiment)"
    )
    received_after, received_before = date_range("received_on", "Received")

    class Meta:
        model = FeedbackItem
        fields = [
            "source",
            "process",
            "segment",
            "region",
            "customer",
            "sentiment",
            "confirmed",
            "to_confirm",
            "actionable",
            "negative",
            "received_after",
            "received_before",
        ]

    def filter_sentiment(self, queryset, name, value):
        if value == NONE:
            return queryset.filter(sentiment__isnull=True)
        return queryset.filter(sentiment=value)

    def filter_to_confirm(self, queryset, name, value):
        waiting = FeedbackItem.objects.to_confirm().values("pk")
        return queryset.filter(pk__in=waiting) if value else queryset.exclude(pk__in=waiting)

    def filter_negative(self, queryset, name, value):
        negative = FeedbackItem.objects.negative().values("pk")
        return queryset.filter(pk__in=negative) if value else queryset.exclude(pk__in=negative)
