"""The process catalog API: processes, their versions and cost summary; per-region routing thresholds."""

from django.db.models import OuterRef, Subquery
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from exceptions import selectors
from exceptions.api.common import MONEY, RISK_HELP
from exceptions.api.common import errors_for as _errors
from exceptions.models import (
    Process,
    ProcessCategory,
    ProcessVersion,
    RoutingThreshold,
)
from exceptions.services import catalog, routing
from intimacy_ops.accounts.models import User
from intimacy_ops.api import ScopedViewSetMixin, StrictSerializer

# --- the process catalog ------------------------------------------------------------------------


class ProcessSerializer(serializers.ModelSerializer):
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    version = serializers.IntegerField(read_only=True, help_text="Number of the current version.")
    procedure = serializers.CharField(read_only=True, source="current_procedure", default="")
    standard_options = serializers.JSONField(read_only=True, source="current_options", default=list)

    class Meta:
        model = Process
        fields = [
            "id",
            "name",
            "category",
            "owner",
            "version",
            "description",
            "procedure",
            "standard_options",
            "standard_option_customers",
            "controlled",
            "restandardize_months",
        ]
        read_only_fields = fields


class ProcessCreateSerializer(StrictSerializer):
    name = serializers.CharField(max_length=120)
    category = serializers.ChoiceField(choices=ProcessCategory.choices)
    owner = serializers.SlugRelatedField(slug_field="username", queryset=User.objects.all(), required=False)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    procedure = serializers.CharField(help_text="The standard operating procedure of version 1.")
    standard_options = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    effective_on = serializers.DateField(required=False)


class ProcessUpdateSerializer(StrictSerializer):
    name = serializers.CharField(max_length=120, required=False)
    category = serializers.ChoiceField(choices=ProcessCategory.choices, required=False)
    owner = serializers.SlugRelatedField(slug_field="username", queryset=User.objects.all(), required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    standard_option_customers = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=10000,
        help_text="Customers holding alike active exceptions before the owner is asked to propose a standard option.",
    )
    controlled = serializers.BooleanField(
        required=False, help_text="Under change control (administrators): a procedure change needs the board."
    )
    restandardize_months = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=60,
        help_text="Controlled: the board's periodic review (months).",
    )


class ProcessVersionSerializer(serializers.ModelSerializer):
    published_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ProcessVersion
        fields = [
            "id",
            "number",
            "procedure",
            "standard_options",
            "status",
            "effective_on",
            "change_note",
            "published_by",
            "published_at",
        ]
        read_only_fields = fields


class VersionInputSerializer(StrictSerializer):
    procedure = serializers.CharField()
    standard_options = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    effective_on = serializers.DateField(required=False)
    change_note = serializers.CharField(required=False, allow_blank=True, default="")


class ProcessCostSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    category = serializers.CharField()
    active_exceptions = serializers.IntegerField()
    estimated_monthly_cost = serializers.DecimalField(**MONEY)
    estimated_one_off_cost = serializers.DecimalField(**MONEY)
    actual_cost = serializers.DecimalField(
        **MONEY, help_text="Actual cost booked so far on active exceptions you may see."
    )


def _with_current_version(queryset):
    current = ProcessVersion.objects.filter(process=OuterRef("pk"), number=OuterRef("version"))
    return queryset.annotate(
        current_procedure=Subquery(current.values("procedure")[:1]),
        current_options=Subquery(current.values("standard_options")[:1]),
    )


class StandardOptionCandidateSerializer(serializers.Serializer):
    process = serializers.IntegerField(read_only=True)
    process_name = serializers.CharField(read_only=True)
    deviation_tag = serializers.CharField(read_only=True)
    customers = serializers.IntegerField(read_only=True, help_text="Distinct customers holding it, active.")
    exceptions = serializers.IntegerField(read_only=True)
    monthly_cost = serializers.DecimalField(**MONEY, read_only=True)
    threshold = serializers.IntegerField(read_only=True, help_text="The process's line (customers).")
    signalled_at = serializers.DateTimeField(read_only=True, allow_null=True)


class ProcessViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The catalog of standard processes, each with its current version. Process owners edit their own."""

    queryset = Process.objects.all()
    serializer_class = ProcessSerializer
    filterset_fields = ["category", "owner"]
    search_fields = ["name", "description"]
    ordering_fields = ["name", "category", "version"]
    ordering = ["name", "id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return _with_current_version(selectors.processes_for(self.request.user))

    def get_serializer_class(self):
        return {"create": ProcessCreateSerializer, "partial_update": ProcessUpdateSerializer}.get(
            self.action, ProcessSerializer
        )

    def _present(self, process, code=status.HTTP_200_OK):
        fresh = self.get_queryset().get(pk=process.pk)
        return Response(ProcessSerializer(fresh).data, status=code)

    @extend_schema(
        request=ProcessCreateSerializer, responses={201: ProcessSerializer, **_errors(400, 401, 403)}
    )
    def create(self, request, *args, **kwargs):
        payload = ProcessCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        process = catalog.create_process(actor=request.user, **payload.validated_data)
        return self._present(process, status.HTTP_201_CREATED)

    @extend_schema(
        request=ProcessUpdateSerializer, responses={200: ProcessSerializer, **_errors(400, 401, 403, 404)}
    )
    def partial_update(self, request, *args, **kwargs):
        process = self.get_object()
        payload = ProcessUpdateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        catalog.update_process(actor=request.user, process=process, **payload.validated_data)
        return self._present(process)

    @extend_schema(methods=["GET"], responses={200: ProcessVersionSerializer(many=True), **_errors(401, 404)})
    @extend_schema(
        methods=["POST"],
        request=VersionInputSerializer,
        responses={201: ProcessVersionSerializer, **_errors(400, 401, 403, 404)},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def versions(self, request, pk=None):
        """The versions of a process, newest first; POST publishes the next one (its owner)."""
        process = self.get_object()
        if request.method == "POST":
            payload = VersionInputSerializer(data=request.data)
            payload.is_valid(raise_exception=True)
            version = catalog.publish_version(actor=request.user, process=process, **payload.validated_data)
            return Response(ProcessVersionSerializer(version).data, status=status.HTTP_201_CREATED)
        return Response(
            ProcessVersionSerializer(selectors.versions_of(request.user, process), many=True).data
        )

    @extend_schema(responses={200: ProcessCostSerializer(many=True), **_errors(401)})
    @action(detail=False, methods=["get"], url_path="cost-summary", pagination_class=None, filter_backends=[])
    def cost_summary(self, request):
        """Per process: active exceptions, their estimated monthly and one-off cost, and actual cost booked."""
        return Response(ProcessCostSerializer(selectors.process_cost_summary(request.user), many=True).data)

    @extend_schema(responses={200: StandardOptionCandidateSerializer(many=True), **_errors(401)})
    @action(
        detail=False,
        methods=["get"],
        url_path="standard-option-candidates",
        pagination_class=None,
        filter_backends=[],
    )
    def standard_option_candidates(self, request):
        """For process owners: deviations enough customers hold on your processes to propose a standard option."""
        return Response(
            StandardOptionCandidateSerializer(
                selectors.standard_option_candidates(request.user), many=True
            ).data
        )


# --- routing thresholds -------------------------------------------------------------------------


class RoutingThresholdSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    # A plain string: the schema names the risk choice set once, on the request's `risk_rating`.
    risk_below = serializers.CharField(read_only=True, help_text=RISK_HELP)

    class Meta:
        model = RoutingThreshold
        fields = [
            "id",
            "region",
            "monthly_cost_below",
            "one_off_cost_below",
            "risk_below",
            "max_duration_days",
            "max_extensions",
        ]
        read_only_fields = fields


class RoutingThresholdInputSerializer(StrictSerializer):
    monthly_cost_below = serializers.DecimalField(**MONEY, required=False)
    one_off_cost_below = serializers.DecimalField(**MONEY, required=False)
    risk_below = serializers.CharField(required=False, help_text=RISK_HELP)
    max_duration_days = serializers.IntegerField(min_value=1, max_value=36500, required=False)
    max_extensions = serializers.IntegerField(min_value=0, max_value=100, required=False)


class RoutingThresholdViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Per region: below these limits a request goes to an operations lead, otherwise to the board."""

    queryset = RoutingThreshold.objects.all()
    serializer_class = RoutingThresholdSerializer
    ordering = ["region__code"]
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.routing_thresholds_for(self.request.user)

    def get_serializer_class(self):
        return (
            RoutingThresholdInputSerializer if self.action == "partial_update" else RoutingThresholdSerializer
        )

    @extend_schema(
        request=RoutingThresholdInputSerializer,
        responses={200: RoutingThresholdSerializer, **_errors(400, 401, 403, 404)},
    )
    def partial_update(self, request, *args, **kwargs):
        threshold = self.get_object()
        payload = RoutingThresholdInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        threshold = routing.set_routing_threshold(
            actor=request.user, region=threshold.region, **payload.validated_data
        )
        return Response(RoutingThresholdSerializer(threshold).data)
