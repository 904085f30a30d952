"""Service cases with their SLA due times and the respond/resolve/wait/resume acts (CONTRACT.md `/api/v1/cases/`)."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from intimacy_ops import access
from intimacy_ops.api import (
    ScopedViewSetMixin,
)
from segments.api.common import StrictInput, _errors, _not_in_future
from segments.filters import CaseFilter
from segments.models import Customer, Priority, ServiceCase
from segments.selectors import cases as selectors
from segments.services import sla as sla_services


class CaseSerializer(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    segment = serializers.IntegerField(source="customer.segment_id", read_only=True, allow_null=True)
    waiting = serializers.BooleanField(
        source="is_waiting", read_only=True, help_text="Waiting on the customer: the SLA clock is paused."
    )

    class Meta:
        model = ServiceCase
        fields = [
            "id",
            "customer",
            "customer_name",
            "segment",
            "priority",
            "title",
            "source",
            "external_id",
            "queue",
            "opened_at",
            "first_response_at",
            "resolved_at",
            "response_due_at",
            "resolution_due_at",
            "breached",
            "waiting",
        ]
        read_only_fields = fields


class CaseOpenSerializer(StrictInput):
    read_only_hints = {
        name: "Read-only: follows from the policy, the calendar and the case's events."
        for name in (
            "id",
            "customer_name",
            "segment",
            "queue",
            "response_due_at",
            "resolution_due_at",
            "breached",
            "waiting",
        )
    } | {
        "first_response_at": "Use POST …/respond/.",
        "resolved_at": "Use POST …/resolve/.",
    }

    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.none(), help_text="Customer id.")
    priority = serializers.ChoiceField(choices=Priority.choices)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    opened_at = serializers.DateTimeField(
        required=False, validators=[_not_in_future], help_text="Default: now."
    )
    source = serializers.CharField(max_length=40, required=False, default="manual")
    external_id = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default="", help_text="Default: IO-<id>."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.context.get("request"), "user", None)
        if user is not None:
            # A customer outside your scope reads as one that does not exist.
            self.fields["customer"].queryset = access.visible(user, Customer)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if (
            attrs["external_id"]
            and ServiceCase.objects.filter(source=attrs["source"], external_id=attrs["external_id"]).exists()
        ):
            raise serializers.ValidationError(
                {"external_id": [f"{attrs['source']}:{attrs['external_id']} already exists."]}
            )
        return attrs


class CaseEventSerializer(StrictInput):
    at = serializers.DateTimeField(required=False, validators=[_not_in_future], help_text="Default: now.")


CASE_ACTION_RESPONSES = {200: CaseSerializer, **_errors(400, 401, 403, 404, 409)}


@extend_schema_view(
    list=extend_schema(responses={200: CaseSerializer(many=True), **_errors(400, 401)}),
    retrieve=extend_schema(responses={200: CaseSerializer, **_errors(401, 404)}),
    create=extend_schema(
        request=CaseOpenSerializer, responses={201: CaseSerializer, **_errors(400, 401, 403)}
    ),
)
class CaseViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Service cases of your regions' customers, with SLA due times and breach state (stored, swept every minute)."""

    queryset = ServiceCase.objects.all()
    serializer_class = CaseSerializer
    filterset_class = CaseFilter
    search_fields = ["title", "external_id", "customer__name"]
    ordering_fields = ["opened_at", "priority", "response_due_at", "resolution_due_at", "resolved_at"]
    ordering = ["-opened_at", "-id"]

    def get_queryset(self):
        return selectors.cases_for(self.request.user)

    def get_serializer_class(self):
        if self.action == "create":
            return CaseOpenSerializer
        if self.action in ("respond", "resolve", "wait", "resume"):
            return CaseEventSerializer
        return CaseSerializer

    def _present(self, case: ServiceCase, code: int = status.HTTP_200_OK) -> Response:
        return Response(CaseSerializer(self.get_queryset().get(pk=case.pk)).data, status=code)

    def create(self, request, *args, **kwargs):
        payload = self.get_serializer(data=request.data)
        payload.is_valid(raise_exception=True)
        case = sla_services.open_case(actor=request.user, **payload.validated_data)
        return self._present(case, status.HTTP_201_CREATED)

    def _event(self, request, service) -> Response:
        case = self.get_object()
        access.require(request.user, "change", case)
        payload = CaseEventSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        service(actor=request.user, case=case, at=payload.validated_data.get("at"))
        return self._present(case)

    @extend_schema(request=CaseEventSerializer, responses=CASE_ACTION_RESPONSES)
    @action(detail=True, methods=["post"])
    def respond(self, request, pk=None):
        """Record the first response to the customer (409 if already responded)."""
        return self._event(request, sla_services.record_first_response)

    @extend_schema(request=CaseEventSerializer, responses=CASE_ACTION_RESPONSES)
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        """Resolve the case (409 if already resolved); an open wait ends with it."""
        return self._event(request, sla_services.resolve_case)

    @extend_schema(request=CaseEventSerializer, responses=CASE_ACTION_RESPONSES)
    @action(detail=True, methods=["post"])
    def wait(self, request, pk=None):
        """The case now waits on the customer: the SLA clock pauses (409 if already waiting or resolved)."""
        return self._event(request, sla_services.start_waiting)

    @extend_schema(request=CaseEventSerializer, responses=CASE_ACTION_RESPONSES)
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        """The customer answered: the SLA clock runs again (409 if not waiting)."""
        return self._event(request, sla_services.stop_waiting)
