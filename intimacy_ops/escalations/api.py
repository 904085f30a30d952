"""`/api/v1/escalations/` (CONTRACT.md): list and read the escalations in your scope, acknowledge, resolve."""

from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from intimacy_ops.api import ERROR_RESPONSES, ScopedViewSetMixin, StrictSerializer
from intimacy_ops.escalations import selectors, services
from intimacy_ops.escalations.filters import ORDERING_FIELDS, EscalationFilter
from intimacy_ops.escalations.models import Escalation


@extend_schema_field(
    {
        "type": "object",
        "properties": {
            "type": {"type": "string", "example": "segments.servicecase"},
            "id": {"type": "integer", "example": 12},
        },
        "description": "What crossed the line: its model as `app_label.model` and its id.",
    }
)
class SubjectField(serializers.Field):
    def to_representation(self, escalation):
        return {
            "type": f"{escalation.content_type.app_label}.{escalation.content_type.model}",
            "id": escalation.object_id,
        }


class EscalationSerializer(serializers.ModelSerializer):
    subject = SubjectField(source="*", read_only=True)
    target = serializers.SerializerMethodField(
        help_text="Who the current level is raised to: a username when a person is named, else the role."
    )
    target_user = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    acknowledged_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    resolved_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    mine = serializers.BooleanField(
        read_only=True, help_text="Raised to you (by name, or to your role in your regions)."
    )

    class Meta:
        model = Escalation
        fields = [
            "id",
            "reason",
            "level",
            "subject",
            "target",
            "acknowledged_at",
            "resolved_at",
            "subject_label",
            "subject_link",
            "detail",
            "region",
            "target_user",
            "target_role",
            "mine",
            "ladder",
            "raised_at",
            "level_raised_at",
            "next_level_at",
            "acknowledged_by",
            "resolved_by",
            "resolution",
        ]
        read_only_fields = fields

    def get_target(self, escalation) -> str:
        return escalation.target_user.username if escalation.target_user_id else escalation.target_role


class AcknowledgeSerializer(StrictSerializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class ResolveSerializer(StrictSerializer):
    resolution = serializers.CharField(max_length=4000, help_text="What was done about it (required).")


@extend_schema_view(
    list=extend_schema(responses={200: EscalationSerializer(many=True), 401: ERROR_RESPONSES[401]}),
    retrieve=extend_schema(
        responses={200: EscalationSerializer, 401: ERROR_RESPONSES[401], 404: ERROR_RESPONSES[404]}
    ),
)
class EscalationViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Escalations: lines a periodic check saw crossed, raised to someone, climbing their ladder until acknowledged.

    You see those of your regions (account managers: those raised to them; auditors and administrators: all);
    yours come first (`mine`), then by level (highest first) and age. `subject` is `{"type": "app.model", "id": n}`,
    with `subject_label` and `subject_link` to show and open it. `target` is the username of the person the
    current level is raised to, or its role. Acknowledge (`POST …/{id}/acknowledge/`) to stop the climb;
    resolve (`POST …/{id}/resolve/ {"resolution": "…"}`) once the cause is dealt with. Both: a target of the
    current level, an operations lead of its region or an administrator (else 403); 409 when already done.
    """

    queryset = Escalation.objects.all()
    serializer_class = EscalationSerializer
    filterset_class = EscalationFilter
    search_fields = ["subject_label", "reason", "detail"]
    ordering_fields = ORDERING_FIELDS
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return selectors.escalations_for(self.request.user)

    def _present(self, escalation):
        fresh = self.get_queryset().get(pk=escalation.pk)
        return Response(EscalationSerializer(fresh, context=self.get_serializer_context()).data)

    @extend_schema(
        request=AcknowledgeSerializer,
        responses={200: EscalationSerializer, **{c: ERROR_RESPONSES[c] for c in (400, 401, 403, 404, 409)}},
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        """Take it up: the escalation stops climbing (409 if already acknowledged or resolved)."""
        escalation = self.get_object()
        payload = AcknowledgeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.acknowledge(escalation=escalation, actor=request.user, note=payload.validated_data["note"])
        return self._present(escalation)

    @extend_schema(
        request=ResolveSerializer,
        responses={200: EscalationSerializer, **{c: ERROR_RESPONSES[c] for c in (400, 401, 403, 404, 409)}},
    )
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        """Close it, saying what was done (400 without a resolution, 409 if already resolved)."""
        escalation = self.get_object()
        payload = ResolveSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.resolve(
            escalation=escalation, actor=request.user, resolution=payload.validated_data["resolution"]
        )
        return self._present(escalation)


def register(router) -> None:
    router.register("escalations", EscalationViewSet, basename="escalation")
