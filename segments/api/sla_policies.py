"""SLA policies per segment and priority, with the equity guard (CONTRACT.md `/api/v1/sla-policies/`)."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from intimacy_ops import access
from intimacy_ops.accounts.roles import Role
from intimacy_ops.api import (
    ScopedViewSetMixin,
)
from segments.api.common import StrictInput, _errors
from segments.filters import SlaPolicyFilter
from segments.models import Priority, Segment, SlaPolicy
from segments.selectors import tiers as selectors
from segments.services import sla_policies as sla_services


class EscalationStepSerializer(StrictInput):
    after_minutes = serializers.IntegerField(min_value=1, max_value=2_147_483_647)
    role = serializers.ChoiceField(choices=Role.choices)


class SlaPolicySerializer(serializers.ModelSerializer):
    class Meta:
        model = SlaPolicy
        fields = [
            "id",
            "segment",
            "priority",
            "first_response_minutes",
            "resolution_minutes",
            "clock",
            "update_interval_minutes",
            "escalation_ladder",
            "equity_exception_reason",
        ]
        read_only_fields = fields


MINUTES = {"min_value": 1, "max_value": 2_147_483_647}


class SlaPolicyUpdateSerializer(StrictInput):
    read_only_hints = {
        "id": "Read-only.",
        "segment": "Set when the policy is created; cannot be changed.",
        "priority": "Set when the policy is created; cannot be changed.",
        "equity_exception_reason": "Send `equity_reason` to confirm an exception to tier equity.",
    }

    first_response_minutes = serializers.IntegerField(**MINUTES, required=False)
    resolution_minutes = serializers.IntegerField(**MINUTES, required=False)
    clock = serializers.ChoiceField(choices=SlaPolicy.Clock.choices, required=False)
    update_interval_minutes = serializers.IntegerField(**MINUTES, required=False, allow_null=True)
    escalation_ladder = EscalationStepSerializer(many=True, required=False)
    equity_reason = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        write_only=True,
        help_text="An operations lead's reason for letting a lower tier get a faster target than a higher one.",
    )


class SlaPolicyCreateSerializer(SlaPolicyUpdateSerializer):
    read_only_hints = {
        "id": "Read-only.",
        "equity_exception_reason": SlaPolicyUpdateSerializer.read_only_hints["equity_exception_reason"],
    }

    segment = serializers.PrimaryKeyRelatedField(queryset=Segment.objects.all(), help_text="Segment id.")
    priority = serializers.ChoiceField(choices=Priority.choices)
    first_response_minutes = serializers.IntegerField(**MINUTES)
    resolution_minutes = serializers.IntegerField(**MINUTES)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        existing = SlaPolicy.objects.filter(segment=attrs["segment"], priority=attrs["priority"]).first()
        if existing is not None:
            raise serializers.ValidationError(
                {
                    "priority": [
                        f"{attrs['segment'].name} already has a {attrs['priority']} policy (id {existing.pk}); "
                        "change it with PATCH."
                    ]
                }
            )
        return attrs


def _policy_values(validated: dict) -> dict:
    values = {name: value for name, value in validated.items() if name in sla_services.POLICY_FIELDS}
    if "escalation_ladder" in values:
        values["escalation_ladder"] = [dict(step) for step in values["escalation_ladder"]]
    return values


@extend_schema_view(
    list=extend_schema(responses={200: SlaPolicySerializer(many=True), **_errors(400, 401)}),
    retrieve=extend_schema(responses={200: SlaPolicySerializer, **_errors(401, 404)}),
    create=extend_schema(
        request=SlaPolicyCreateSerializer, responses={201: SlaPolicySerializer, **_errors(400, 401, 403)}
    ),
    partial_update=extend_schema(
        request=SlaPolicyUpdateSerializer, responses={200: SlaPolicySerializer, **_errors(400, 401, 403, 404)}
    ),
)
class SlaPolicyViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """First-response and resolution targets per segment and priority. Operations leads set them; the equity
    guard refuses a lower tier faster than a higher one unless `equity_reason` confirms it."""

    queryset = SlaPolicy.objects.all()
    serializer_class = SlaPolicySerializer
    filterset_class = SlaPolicyFilter
    search_fields: list[str] = []
    ordering_fields = ["segment__rank", "priority", "first_response_minutes", "resolution_minutes"]
    ordering = ["segment__rank", "priority"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.sla_policies_for(self.request.user)

    def get_serializer_class(self):
        return {"create": SlaPolicyCreateSerializer, "partial_update": SlaPolicyUpdateSerializer}.get(
            self.action, SlaPolicySerializer
        )

    def _present(self, policy: SlaPolicy, code: int = status.HTTP_200_OK) -> Response:
        return Response(SlaPolicySerializer(self.get_queryset().get(pk=policy.pk)).data, status=code)

    def create(self, request, *args, **kwargs):
        payload = self.get_serializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        policy = sla_services.save_policy(
            actor=request.user,
            segment=data["segment"],
            priority=data["priority"],
            values=_policy_values(data),
            equity_reason=data.get("equity_reason", ""),
        )
        return self._present(policy, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        policy = self.get_object()
        access.require(request.user, "change", policy)
        payload = self.get_serializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        sla_services.save_policy(
            actor=request.user,
            segment=policy.segment,
            priority=policy.priority,
            values=_policy_values(data),
            equity_reason=data.get("equity_reason", ""),
        )
        return self._present(policy)
