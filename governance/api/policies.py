"""The threshold policies API (issue 7, items 6 and 7).

- `/api/v1/threshold-policies/`: list and detail for board members, chairs, process owners, operations
  leads, auditors and administrators; create (POST), change (PATCH) and switch off
  (`POST …/{id}/deactivate/`) by chairs, operations leads and administrators (403 for the others);
- `POST /api/v1/threshold-policies/evaluate/`: run `evaluate_threshold_policies()` now, answer its counts;
- `POST /api/v1/board-revocations/` `{"exception": id, "reason": "…"}`: the chair of the board covering an
  active exception revokes it at once (403 for anyone else, 400 without a reason, 404 outside your scope,
  409 unless active). Operations leads keep their own `POST /api/v1/exceptions/{id}/revoke/`;
- `POST /api/v1/board-sunsets/`, the same body: the chair sunsets it at once (issue 17; leads: `…/sunset/`).
"""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from exceptions.models import ExceptionRequest, Process
from governance.access_rules.policies import may_manage_policies
from governance.models import ThresholdPolicy
from governance.selectors import policies as selectors
from governance.services import evaluation, outcomes
from governance.services import policies as services
from intimacy_ops import access, errors
from intimacy_ops.api import ERROR_RESPONSES, ScopedViewSetMixin, StrictSerializer
from segments.models import Segment

MONEY = {"max_digits": 14, "decimal_places": 2}


def _errors(*codes: int) -> dict:
    return {code: ERROR_RESPONSES[code] for code in codes}


class ThresholdPolicySerializer(serializers.ModelSerializer):
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    open_reviews = serializers.IntegerField(read_only=True, default=0, help_text="Open reviews it opened.")

    class Meta:
        model = ThresholdPolicy
        fields = [
            "id",
            "name",
            "scope",
            "process",
            "segment",
            "max_active_exceptions",
            "max_monthly_cost",
            "max_age_days",
            "min_similar_customers",
            "sunset_lead_days",
            "is_active",
            "open_reviews",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ThresholdPolicyInputSerializer(StrictSerializer):
    name = serializers.CharField(max_length=120)
    scope = serializers.ChoiceField(choices=ThresholdPolicy.Scope.choices)
    process = serializers.PrimaryKeyRelatedField(
        queryset=Process.objects.all(), required=False, allow_null=True
    )
    segment = serializers.PrimaryKeyRelatedField(
        queryset=Segment.objects.all(), required=False, allow_null=True
    )
    max_active_exceptions = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    max_monthly_cost = serializers.DecimalField(**MONEY, required=False, allow_null=True, min_value=0)
    max_age_days = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    min_similar_customers = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    sunset_lead_days = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    is_active = serializers.BooleanField(required=False)


class EvaluationSerializer(serializers.Serializer):
    policies_evaluated = serializers.IntegerField()
    reviews_opened = serializers.IntegerField()
    already_open = serializers.IntegerField()
    unchanged_since_decided = serializers.IntegerField(
        help_text="Crossings the board already decided on the same exceptions: not reopened."
    )
    skipped = serializers.ListField(child=serializers.CharField(), help_text="Crossings no board covers.")
    opened = serializers.ListField(
        child=serializers.DictField(), help_text="The reviews opened: id, kind, title, board."
    )


class ThresholdPolicyViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Threshold policies ("standardize or sunset"): the lines that, once crossed, open one review each."""

    queryset = ThresholdPolicy.objects.all()
    serializer_class = ThresholdPolicySerializer
    filterset_fields = ["scope", "process", "segment", "is_active"]
    ordering_fields = ["name", "created_at"]
    ordering = ["name", "id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def scoped_queryset(self):
        return selectors.with_open_reviews(ThresholdPolicy.objects.all())

    def get_serializer_class(self):
        if self.action in ("create", "partial_update"):
            return ThresholdPolicyInputSerializer
        return ThresholdPolicySerializer

    def _present(self, policy, code=status.HTTP_200_OK):
        return Response(ThresholdPolicySerializer(self.get_queryset().get(pk=policy.pk)).data, status=code)

    @extend_schema(
        request=ThresholdPolicyInputSerializer,
        responses={201: ThresholdPolicySerializer, **_errors(400, 401, 403)},
    )
    def create(self, request, *args, **kwargs):
        payload = ThresholdPolicyInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        policy = services.create_policy(actor=request.user, **payload.validated_data)
        return self._present(policy, status.HTTP_201_CREATED)

    @extend_schema(
        request=ThresholdPolicyInputSerializer(partial=True),
        responses={200: ThresholdPolicySerializer, **_errors(400, 401, 403, 404)},
    )
    def partial_update(self, request, *args, **kwargs):
        policy = self.get_object()
        payload = ThresholdPolicyInputSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        services.update_policy(actor=request.user, policy=policy, **payload.validated_data)
        return self._present(policy)

    @extend_schema(request=None, responses={200: ThresholdPolicySerializer, **_errors(401, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        """Switch the policy off: it opens nothing more (409 if it is off already)."""
        policy = services.deactivate_policy(actor=request.user, policy=self.get_object())
        return self._present(policy)

    @extend_schema(request=None, responses={200: EvaluationSerializer, **_errors(401, 403)})
    @action(detail=False, methods=["post"], pagination_class=None, filter_backends=[])
    def evaluate(self, request):
        """Evaluate every active policy now: one review per crossed line and subject (chairs, leads, admins)."""
        decision = may_manage_policies(request.user)
        if not decision:
            raise errors.PermissionDenied(decision.reason)
        summary = evaluation.evaluate_threshold_policies()
        return Response(EvaluationSerializer(summary.as_dict()).data)


class BoardRevocationSerializer(StrictSerializer):
    exception = serializers.IntegerField(help_text="The active exception to end now.")
    reason = serializers.CharField(allow_blank=True, help_text="Why the board ends it; its manager reads it.")


class RevokedSerializer(serializers.ModelSerializer):
    class Meta:
        model = ExceptionRequest
        fields = ["id", "title", "status", "status_changed_at"]
        read_only_fields = fields


class BoardRevocationViewSet(viewsets.GenericViewSet):
    """The chair of the board covering an active exception revokes it at once, with a reason."""

    serializer_class = BoardRevocationSerializer

    @extend_schema(
        request=BoardRevocationSerializer,
        responses={200: RevokedSerializer, **_errors(400, 401, 403, 404, 409)},
    )
    def create(self, request):
        payload = BoardRevocationSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        exception = access.get_visible(request.user, ExceptionRequest, pk=payload.validated_data["exception"])
        exception = self.end(exception, actor=request.user, reason=payload.validated_data["reason"])
        return Response(RevokedSerializer(exception).data)

    def end(self, exception, *, actor, reason):
        return outcomes.revoke_exception(exception=exception, actor=actor, reason=reason)


class BoardSunsetViewSet(BoardRevocationViewSet):
    """The chair of the board covering an active exception sunsets it at once, with a reason (issue 17)."""

    def end(self, exception, *, actor, reason):
        return outcomes.end_for_board(exception=exception, actor=actor, reason=reason, action="sunset")


def register(router) -> None:
    """Add this module's viewsets to the API router."""
    router.register("threshold-policies", ThresholdPolicyViewSet, basename="threshold-policy")
    router.register("board-revocations", BoardRevocationViewSet, basename="board-revocation")
    router.register("board-sunsets", BoardSunsetViewSet, basename="board-sunset")
