"""Messages to affected customers in the API (issue 19, items 3 and 8).

- `GET /api/v1/incidents/{id}/messages/`: the messages recorded to the customers you see (paginated);
  `POST` records one (`customer`, `channel`, optional `sent_at`, `subject`, `body`: empty words take the
  template's rendering): 400 naming the field, 403 for a role that contacts nobody, 409 a second time.
- `GET /api/v1/incidents/{id}/messages/preview/?customer=<id>`: that customer's message rendered; a customer not
  affected or not yours is a 404 (an account manager sees only their own).
- `/api/v1/incident-templates/`: the latest template per tier and kind (`?segment=`, `?kind=`, `?history=true`
  for every version); `POST` saves new words for a tier and kind as a new version (leads and administrators).
"""

from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from incidents import placeholders
from incidents.models import Incident, IncidentMessage, MessageTemplate
from incidents.selectors import messages as selectors
from incidents.services import message_templates as template_services
from incidents.services import messages as services
from intimacy_ops import access, errors
from intimacy_ops.api import ERROR_RESPONSES, ScopedViewSetMixin, StrictSerializer
from intimacy_ops.filters import ScopedFilterSet, ScopedModelChoiceFilter
from segments.models import Segment


def _errors(*codes: int) -> dict:
    return {code: ERROR_RESPONSES[code] for code in codes}


class MessageSerializer(serializers.ModelSerializer):
    sent_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    template_version = serializers.IntegerField(
        source="template.version", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = IncidentMessage
        fields = [
            "id", "customer", "subject", "body", "edited", "channel", "sent_at", "sent_by", "recorded_at",
            "template", "template_version",
        ]  # fmt: skip
        read_only_fields = fields


class RecordSerializer(StrictSerializer):
    customer = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, help_text="An affected customer's id."
    )
    channel = serializers.ChoiceField(choices=IncidentMessage.Channel.choices)
    sent_at = serializers.DateTimeField(required=False, allow_null=True, help_text="Default: now.")
    subject = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    body = serializers.CharField(
        max_length=8000,
        required=False,
        allow_blank=True,
        default="",
        help_text="Empty: the template's words.",
    )


class PreviewSerializer(serializers.Serializer):
    customer = serializers.IntegerField()
    subject = serializers.CharField()
    body = serializers.CharField()
    personal = serializers.BooleanField(help_text="The personal version: call or meet first.")
    template = serializers.IntegerField(
        allow_null=True, help_text="The template used; null: the house words."
    )
    template_version = serializers.IntegerField(allow_null=True)
    sent = serializers.BooleanField(help_text="A message to this customer is already recorded.")


class MessageActions:
    """The incident viewset's `messages` actions (mixed into `IncidentViewSet`)."""

    @extend_schema(
        methods=["GET"], request=None, responses={200: MessageSerializer(many=True), **_errors(401, 404)}
    )
    @extend_schema(
        methods=["POST"],
        request=RecordSerializer,
        responses={201: MessageSerializer, **_errors(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["get", "post"])
    def messages(self, request, pk=None):
        """GET: the messages recorded in this incident to the customers you see, newest first (paginated).
        POST: record that an affected customer was sent their message — by their account manager, a lead of
        their region or an administrator; once per customer (409 a second time)."""
        incident = self.get_object()
        if request.method == "GET":
            page = self.paginate_queryset(selectors.messages_for(request.user, incident))
            return self.get_paginated_response(MessageSerializer(page, many=True).data)
        access.require(request.user, "contact_customers", incident)
        payload = RecordSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        made = services.record(
            incident=incident,
            actor=request.user,
            customer_id=data["customer"],
            channel=data["channel"],
            sent_at=data.get("sent_at"),
            subject=data["subject"],
            body=data["body"],
        )
        return Response(MessageSerializer(made).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[
            OpenApiParameter("customer", int, required=True, description="An affected customer's id.")
        ],
        responses={200: PreviewSerializer, **_errors(400, 401, 404)},
    )
    @action(detail=True, methods=["get"], url_path="messages/preview", url_name="messages-preview")
    def messages_preview(self, request, pk=None):
        """One affected customer's message, rendered with their values (a customer not yours: 404)."""
        # Not `get_object()`: the list's filters would read `?customer=` as "incidents touching it".
        incident: Incident = access.get_visible(request.user, self.get_queryset(), pk=pk)
        raw = request.query_params.get("customer", "")
        if not raw.isdigit() or len(raw) > 18:
            raise errors.ValidationFailed({"customer": ["Give an affected customer's id."]})
        row = selectors.affected_row(request.user, incident, raw)
        if row is None:
            raise errors.NotFound("No affected customer of yours matches that id.")
        ready = selectors.compose(incident, [row])[row.customer_id]
        sent = IncidentMessage.objects.filter(incident=incident, customer_id=row.customer_id).exists()
        return Response(
            {
                "customer": row.customer_id,
                "subject": ready.subject,
                "body": ready.body,
                "personal": ready.personal,
                "template": ready.template.pk if ready.template else None,
                "template_version": ready.template.version if ready.template else None,
                "sent": sent,
            }
        )


class TemplateSerializer(serializers.ModelSerializer):
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = MessageTemplate
        fields = ["id", "segment", "kind", "version", "level", "subject", "body", "created_by", "created_at"]
        read_only_fields = fields


class SaveTemplateSerializer(StrictSerializer):
    segment = serializers.PrimaryKeyRelatedField(queryset=Segment.objects.all(), help_text="The tier (id).")
    kind = serializers.ChoiceField(choices=Incident.Kind.choices)
    level = serializers.ChoiceField(
        choices=MessageTemplate.Level.choices, required=False, help_text="Default: personal for rank 1."
    )
    subject = serializers.CharField(
        max_length=200, help_text="Placeholders: " + ", ".join(placeholders.PLACEHOLDERS)
    )
    body = serializers.CharField(max_length=8000)


class TemplateFilter(ScopedFilterSet):
    segment = ScopedModelChoiceFilter(model=Segment, label="Tier (segment id)")
    kind = filters.ChoiceFilter(choices=Incident.Kind.choices)
    history = filters.BooleanFilter(method="filter_history", label="Every version, not only the latest")

    class Meta:
        model = MessageTemplate
        fields = ["segment", "kind", "history"]

    def filter_history(self, queryset, name, value):
        return queryset


class TemplateViewSet(ScopedViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Message templates per tier and incident kind, versioned: read by everyone signed in, written by
    operations leads and administrators (`POST`: a new version; an unknown or sensitive placeholder is a 400
    naming the field and the placeholder)."""

    queryset = MessageTemplate.objects.all()
    serializer_class = TemplateSerializer
    filterset_class = TemplateFilter

    def get_queryset(self):
        history = self.request.query_params.get("history", "").lower() in ("true", "1")
        return selectors.templates_for(self.request.user, history=history)

    def get_serializer_class(self):
        return SaveTemplateSerializer if self.action == "create" else TemplateSerializer

    @extend_schema(
        request=SaveTemplateSerializer, responses={201: TemplateSerializer, **_errors(400, 401, 403, 409)}
    )
    def create(self, request, *args, **kwargs):
        access.require(request.user, "create", MessageTemplate)
        payload = SaveTemplateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        made = template_services.save_version(actor=request.user, **payload.validated_data)
        return Response(TemplateSerializer(made).data, status=status.HTTP_201_CREATED)
