"""`/api/v1/health-reviews/` (CONTRACT.md: `customer, period, status, due_on`): the reviews you see, filtered
and ordered as the page `/keyaccounts/health-reviews/` (keyaccounts/health/filters.py); one review with its
period's facts (computed now while it is open, frozen once completed) and the actions agreed;
`POST …/{id}/complete/` `{"notes", "next_date", "actions": [{"text", "owner" (username), "due_on"}]}` (the
customer's account manager; bad input: 400 naming the field; not open any more: 409) and `POST …/{id}/cancel/`
`{"reason"}`. Another account manager's review is a 404."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from intimacy_ops import access, lifecycle
from intimacy_ops.accounts.models import User
from intimacy_ops.api import ERROR_RESPONSES, ScopedViewSetMixin, StrictSerializer
from keyaccounts.health import facts, selectors, services
from keyaccounts.health.filters import ORDERING_FIELDS, HealthReviewFilter
from keyaccounts.models import HealthReview, HealthReviewAction


def _errors(*codes: int) -> dict:
    return {code: ERROR_RESPONSES[code] for code in codes}


class HealthReviewActionSerializer(serializers.ModelSerializer):
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = HealthReviewAction
        fields = ["id", "text", "owner", "due_on"]
        read_only_fields = fields


class HealthReviewSerializer(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    account_manager = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    completed_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    next_date = serializers.DateField(source="next_on", read_only=True, allow_null=True)
    allowed_actions = serializers.SerializerMethodField()

    class Meta:
        model = HealthReview
        fields = [
            "id", "customer", "customer_name", "period", "period_starts_on", "period_ends_on", "status", "due_on",
            "account_manager", "notes", "next_date", "completed_by", "completed_at", "cancel_reason", "opened_at",
            "allowed_actions",
        ]  # fmt: skip
        read_only_fields = fields

    def get_allowed_actions(self, review) -> list[str]:
        user = self.context["request"].user
        return [a for a in lifecycle.actions_from(review) if access.allowed_in_scope(user, a, review)]


class HealthReviewDetailSerializer(HealthReviewSerializer):
    actions = HealthReviewActionSerializer(many=True, read_only=True)
    facts = serializers.SerializerMethodField()
    facts_frozen = serializers.SerializerMethodField()

    class Meta(HealthReviewSerializer.Meta):
        fields = [*HealthReviewSerializer.Meta.fields, "actions", "facts", "facts_frozen"]
        read_only_fields = fields

    def _facts(self, review) -> tuple[dict, bool]:
        if not hasattr(review, "_shown_facts"):
            review._shown_facts = facts.of(self.context["request"].user, review)
        return review._shown_facts

    def get_facts(self, review) -> dict:
        """The period's figures: sla, exceptions, feedback, escalations, incidents (and `since`, `until`)."""
        return self._facts(review)[0]

    def get_facts_frozen(self, review) -> bool:
        """True once completed: the facts as they were then."""
        return self._facts(review)[1]


@extend_schema_field(OpenApiTypes.STR)
class VisibleUsername(serializers.SlugRelatedField):
    """A username among the active people the requester sees: anyone else reads as nobody (a 400)."""

    def get_queryset(self):
        user = getattr(self.context.get("request"), "user", None)
        return access.visible(user, User).filter(is_active=True) if user else User.objects.none()


class HealthReviewActionInput(StrictSerializer):
    text = serializers.CharField(max_length=services.MAX_ACTION)
    owner = VisibleUsername(slug_field="username", help_text="Who does it (a username).")
    due_on = serializers.DateField()


class CompleteInput(StrictSerializer):
    notes = serializers.CharField(max_length=services.MAX_NOTES, help_text="What was discussed.")
    next_date = serializers.DateField(help_text="The next review's date, after today.")
    actions = HealthReviewActionInput(
        many=True, required=False, max_length=services.MAX_ACTIONS, default=list
    )


class CancelInput(StrictSerializer):
    reason = serializers.CharField(max_length=4000)


@extend_schema_view(
    list=extend_schema(responses={200: HealthReviewSerializer(many=True), **_errors(400, 401)}),
    retrieve=extend_schema(responses={200: HealthReviewDetailSerializer, **_errors(401, 404)}),
)
class HealthReviewViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Health reviews (quarterly business reviews) on each tier's cadence, opened by the check
    `keyaccounts.health_reviews_due`. Seen by the customer's account manager, the region's operations leads,
    auditors and administrators; completed by the account manager."""

    queryset = HealthReview.objects.all()
    serializer_class = HealthReviewSerializer
    filterset_class = HealthReviewFilter
    ordering_fields = ORDERING_FIELDS
    ordering = ["due_on", "id"]

    def get_queryset(self):
        rows = selectors.reviews_for(self.request.user)
        return rows.prefetch_related("actions__owner") if self.action == "retrieve" else rows

    def get_serializer_class(self):
        return HealthReviewDetailSerializer if self.action == "retrieve" else HealthReviewSerializer

    def _present(self, review):
        fresh = self.get_queryset().prefetch_related("actions__owner").get(pk=review.pk)
        return Response(HealthReviewDetailSerializer(fresh, context=self.get_serializer_context()).data)

    @extend_schema(
        request=CompleteInput,
        responses={200: HealthReviewDetailSerializer, **_errors(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """The review was held: notes, the actions agreed (none or more) and the next date; the facts frozen."""
        review = self.get_object()
        lifecycle.check(review, "complete", actor=request.user)  # 409 / 403 before the input is read
        payload = CompleteInput(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        services.complete(
            review=review,
            actor=request.user,
            notes=data["notes"],
            next_on=data["next_date"],
            actions=[services.AgreedAction(a["text"], a["owner"], a["due_on"]) for a in data["actions"]],
        )
        return self._present(review)

    @extend_schema(
        request=CancelInput, responses={200: HealthReviewDetailSerializer, **_errors(400, 401, 403, 404, 409)}
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """The review will not be held this period; `reason` says why."""
        review = self.get_object()
        lifecycle.check(review, "cancel", actor=request.user)
        payload = CancelInput(data=request.data)
        payload.is_valid(raise_exception=True)
        services.cancel(review=review, actor=request.user, reason=payload.validated_data["reason"])
        return self._present(review)


def register(router) -> None:
    router.register("health-reviews", HealthReviewViewSet, basename="health-review")
