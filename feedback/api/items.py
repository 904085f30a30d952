"""`/api/v1/feedback/`: list (filters: feedback/filters.py), read, record, and `…/{id}/confirm-sentiment/`."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from exceptions.models import ExceptionRequest, Process
from feedback.filters import ORDERING_FIELDS, FeedbackFilter
from feedback.models import FeedbackItem, Sentiment, Source
from feedback.selectors import items as selectors
from feedback.services import items as services
from intimacy_ops import access, sensitive
from intimacy_ops.api import ERROR_RESPONSES, ScopedViewSetMixin, SensitiveListSerializer, StrictSerializer
from segments.models import Customer, ServiceCase


def _errors(*codes: int) -> dict:
    return {code: ERROR_RESPONSES[code] for code in codes}


class FeedbackSerializer(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    region = serializers.CharField(source="customer.region.code", read_only=True)
    text = serializers.SerializerMethodField(
        help_text='Confidential: "***" unless the customer is yours or granted.'
    )
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    sentiment = serializers.ChoiceField(
        choices=Sentiment.choices,
        read_only=True,
        allow_null=True,
        help_text="null: not analysed (no consent, no text, or paused while the customer is in recovery).",
    )
    sentiment_note = serializers.SerializerMethodField(
        help_text='Why there is no sentiment ("not analysed: no consent", "paused: customer in recovery from …"), or empty.'
    )
    sentiment_paused_reason = serializers.CharField(
        read_only=True,
        help_text="Not analysed while the customer is held (in recovery from an incident): why; empty otherwise. "
        "Analysed once the hold ends.",
    )
    sentiment_counts = serializers.BooleanField(
        read_only=True, help_text="Counts in aggregates: confident enough, or settled by a person."
    )
    # A plain string: the schema names the sentiment choice set once, on `sentiment`.
    sentiment_corrected_from = serializers.CharField(
        read_only=True,
        help_text="The machine's label when a person corrected it (positive, neutral, negative), or empty.",
    )
    sentiment_confirmed_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = FeedbackItem
        fields = [
            "id",
            "customer",
            "customer_name",
            "region",
            "source",
            "score",
            "text",
            "process",
            "exception",
            "case",
            "received_on",
            "actionable",
            "created_by",
            "created_at",
            "sentiment",
            "sentiment_note",
            "sentiment_paused_reason",
            "sentiment_score",
            "sentiment_confidence",
            "sentiment_rationale",
            "sentiment_machine_suggested",
            "sentiment_needs_confirmation",
            "sentiment_confirmed",
            "sentiment_confirmed_by",
            "sentiment_confirmed_at",
            "sentiment_corrected_from",
            "sentiment_counts",
        ]
        read_only_fields = fields
        list_serializer_class = SensitiveListSerializer

    def get_text(self, item: FeedbackItem) -> str:
        return sensitive.show(getattr(self.context.get("request"), "user", None), item, "text")

    def get_sentiment_note(self, item: FeedbackItem) -> str:
        return services.not_analysed_reason(item)


class FeedbackInputSerializer(StrictSerializer):
    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.none(), help_text="Customer id.")
    source = serializers.ChoiceField(choices=Source.choices)
    score = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="NPS 0–10, CES 1–7; empty for other sources."
    )
    text = serializers.CharField(required=False, allow_blank=True, default="", max_length=services.MAX_TEXT)
    received_on = serializers.DateField(required=False, help_text="Default: today.")
    process = serializers.PrimaryKeyRelatedField(
        queryset=Process.objects.all(), required=False, allow_null=True, default=None
    )
    exception = serializers.PrimaryKeyRelatedField(
        queryset=ExceptionRequest.objects.none(), required=False, allow_null=True, default=None
    )
    case = serializers.PrimaryKeyRelatedField(
        queryset=ServiceCase.objects.none(), required=False, allow_null=True, default=None
    )
    actionable = serializers.BooleanField(required=False, default=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.context.get("request"), "user", None)
        if user is not None:
            # A related id outside your scope reads as one that does not exist (400 naming the field).
            self.fields["customer"].queryset = access.visible(user, Customer)
            self.fields["exception"].queryset = access.visible(user, ExceptionRequest)
            self.fields["case"].queryset = access.visible(user, ServiceCase)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        problems = services.score_problems(attrs["source"], attrs.get("score"))
        if problems:
            raise serializers.ValidationError({"score": problems})
        return attrs


class ConfirmSentimentSerializer(StrictSerializer):
    sentiment = serializers.ChoiceField(
        choices=Sentiment.choices,
        required=False,
        allow_null=True,
        default=None,
        help_text="Leave it out to confirm the suggestion; another label corrects it (audited).",
    )


@extend_schema_view(
    list=extend_schema(responses={200: FeedbackSerializer(many=True), **_errors(400, 401)}),
    retrieve=extend_schema(responses={200: FeedbackSerializer, **_errors(401, 404)}),
    create=extend_schema(
        request=FeedbackInputSerializer, responses={201: FeedbackSerializer, **_errors(400, 401, 403, 404)}
    ),
)
class FeedbackViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """What customers said, in your scope: survey answers, transcripts, insights, privacy complaints.

    Sentiment is suggested only with the customer's consent (`null` otherwise, `sentiment_note` says why);
    below the confidence threshold it waits for a person and counts in no aggregate until confirmed.
    """

    queryset = FeedbackItem.objects.all()
    serializer_class = FeedbackSerializer
    filterset_class = FeedbackFilter
    search_fields = ["customer__name"]
    ordering_fields = ORDERING_FIELDS
    ordering = ["-received_on", "-id"]

    def get_queryset(self):
        return selectors.items_for(self.request.user)

    def get_serializer_class(self):
        if self.action == "create":
            return FeedbackInputSerializer
        if self.action == "confirm_sentiment":
            return ConfirmSentimentSerializer
        return FeedbackSerializer

    def _present(self, item: FeedbackItem, code: int = status.HTTP_200_OK) -> Response:
        shown = self.get_queryset().get(pk=item.pk)
        return Response(FeedbackSerializer(shown, context=self.get_serializer_context()).data, status=code)

    def create(self, request, *args, **kwargs):
        payload = self.get_serializer(data=request.data)
        payload.is_valid(raise_exception=True)
        item = services.record_item(actor=request.user, **payload.validated_data)
        return self._present(item, status.HTTP_201_CREATED)

    @extend_schema(
        request=ConfirmSentimentSerializer,
        responses={200: FeedbackSerializer, **_errors(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"], url_path="confirm-sentiment")
    def confirm_sentiment(self, request, pk=None):
        """Confirm the suggested sentiment, or correct it with another label (409: no sentiment to confirm)."""
        item = self.get_object()
        payload = ConfirmSentimentSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        item = services.confirm_sentiment(
            actor=request.user, item=item, sentiment_label=payload.validated_data["sentiment"]
        )
        return self._present(item)
