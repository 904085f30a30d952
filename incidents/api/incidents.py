"""`/api/v1/incidents/` (CONTRACT.md: `id, title, kind, severity, status, regions, started_at, resolved_at,
owner`): declare one (`POST`, operations leads for their regions and administrators), read its timeline and
post to it (`…/{id}/updates/`), and move it through its lifecycle (`…/{id}/mitigate/`, `resolve/`, `review/`,
`cancel/`, docs/lifecycles.md). A step outside the table is a 409 naming what is allowed now; cancelling needs
a `comment` (400). A step checks the state first (409), then who takes it (403: the incident's owner, an
operations lead of one of its regions, an administrator).
"""

from decimal import Decimal

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from exceptions.models import Process
from incidents.api.messages import MessageActions
from incidents.api.post_mortem import PostMortemActions
from incidents.filters import ORDERING_FIELDS, IncidentFilter
from incidents.models import AffectedCustomer, Goodwill, Incident, IncidentUpdate
from incidents.selectors import affected as affected_selectors
from incidents.selectors import incidents as selectors
from incidents.services import affected as affected_services
from incidents.services import goodwill as goodwill_services
from incidents.services import incidents as services
from intimacy_ops import access, lifecycle
from intimacy_ops.accounts.models import Region, User
from intimacy_ops.api import ERROR_RESPONSES, ScopedViewSetMixin, StrictSerializer
from segments.models import Segment


def _errors(*codes: int) -> dict:
    return {code: ERROR_RESPONSES[code] for code in codes}


class IncidentSerializer(serializers.ModelSerializer):
    regions = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True)
    declared_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    processes = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    allowed_actions = serializers.SerializerMethodField()

    class Meta:
        model = Incident
        fields = [
            "id", "title", "kind", "severity", "status", "regions", "started_at", "detected_at", "resolved_at",
            "owner", "declared_by", "description", "processes", "cancel_reason", "created_at", "updated_at",
            "allowed_actions",
        ]  # fmt: skip
        read_only_fields = fields

    def get_allowed_actions(self, incident) -> list[str]:
        user = self.context["request"].user
        return [a for a in lifecycle.actions_from(incident) if access.allowed_in_scope(user, a, incident)]


class UpdateSerializer(serializers.ModelSerializer):
    author = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    from_status = serializers.CharField(
        read_only=True, help_text="A status change: the status before (else empty)."
    )
    to_status = serializers.CharField(
        read_only=True, help_text="A status change: the status after (else empty)."
    )

    class Meta:
        model = IncidentUpdate
        fields = ["id", "kind", "text", "from_status", "to_status", "author", "at"]
        read_only_fields = fields


class DeclareSerializer(StrictSerializer):
    title = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=Incident.Kind.choices)
    severity = serializers.ChoiceField(choices=Incident.Severity.choices)
    description = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    regions = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Region.objects.all(), help_text="Region codes, yours."
    )
    processes = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Process.objects.all(), required=False, help_text="The processes affected (ids)."
    )
    started_at = serializers.DateTimeField()
    detected_at = serializers.DateTimeField(required=False, allow_null=True, help_text="Default: now.")
    owner = serializers.SlugRelatedField(
        slug_field="username",
        queryset=User.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text="An operations lead of one of its regions; default: you.",
    )


class StepSerializer(StrictSerializer):
    comment = serializers.CharField(
        max_length=4000, required=False, allow_blank=True, default="", help_text="Required to cancel."
    )


class PostUpdateSerializer(StrictSerializer):
    text = serializers.CharField(max_length=4000)


class AffectedSerializer(serializers.ModelSerializer):
    customer = serializers.IntegerField(source="customer_id", read_only=True)
    name = serializers.CharField(source="customer.name", read_only=True)
    region = serializers.CharField(source="customer.region.code", read_only=True)
    tier = serializers.CharField(
        source="customer.segment.name", read_only=True, allow_null=True, default=None
    )
    tier_rank = serializers.IntegerField(
        source="customer.segment.rank", read_only=True, allow_null=True, default=None
    )
    account_manager = serializers.CharField(
        source="customer.account_manager.username", read_only=True, allow_null=True, default=None
    )
    open_cases = serializers.IntegerField(read_only=True)

    class Meta:
        model = AffectedCustomer
        fields = [
            "customer", "name", "region", "tier", "tier_rank", "account_manager", "open_cases", "via", "added_at",
        ]  # fmt: skip
        read_only_fields = fields


class AddCustomersSerializer(StrictSerializer):
    segments = serializers.PrimaryKeyRelatedField(many=True, queryset=Segment.objects.all(), required=False)
    regions = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Region.objects.all(), required=False
    )
    processes = serializers.PrimaryKeyRelatedField(many=True, queryset=Process.objects.all(), required=False)
    csv = serializers.CharField(
        max_length=5_000_000,
        required=False,
        help_text="A list instead of a rule: CSV text with a header `id` or `external_id`, one customer a line.",
    )

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if "csv" in attrs and any(attrs.get(name) for name in ("segments", "regions", "processes")):
            raise serializers.ValidationError({"csv": ["Send a list or a rule, not both."]})
        return attrs


class AddedSerializer(serializers.Serializer):
    added = serializers.IntegerField(
        help_text="Customers added now (those already affected are not counted)."
    )
    total = serializers.IntegerField(help_text="The incident's affected customers you see.")


class GoodwillSerializer(serializers.ModelSerializer):
    given_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = Goodwill
        fields = [
            "id",
            "customer",
            "kind",
            "amount",
            "reason",
            "status",
            "limit",
            "exception",
            "given_by",
            "given_at",
        ]
        read_only_fields = fields


class GiveSerializer(StrictSerializer):
    customer = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, help_text="An affected customer's id."
    )
    kind = serializers.ChoiceField(choices=Goodwill.Kind.choices)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0.01"))
    reason = serializers.CharField(max_length=4000)


def _step_action(name: str, doc: str):
    @extend_schema(
        request=StepSerializer, responses={200: IncidentSerializer, **_errors(400, 401, 403, 404, 409)}
    )
    def handler(self, request, pk=None):
        incident = self.get_object()
        payload = StepSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.transition(
            incident=incident, action=name, actor=request.user, comment=payload.validated_data["comment"]
        )
        return self._present(incident)

    handler.__name__ = handler.__qualname__ = name
    handler.__doc__ = doc
    return action(detail=True, methods=["post"], url_path=name, url_name=name)(handler)


class IncidentViewSet(
    PostMortemActions,
    MessageActions,
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Incidents: disruptions touching many customers at once. Seen by everyone of the regions they touch
    (auditors and administrators: all); declared by operations leads (their regions) and administrators; run
    by the owner, an operations lead of one of its regions or an administrator. `allowed_actions` says which
    lifecycle steps you may take now."""

    queryset = Incident.objects.all()
    serializer_class = IncidentSerializer
    filterset_class = IncidentFilter
    ordering_fields = ORDERING_FIELDS
    ordering = ["-started_at", "-id"]

    def get_queryset(self):
        return selectors.incidents_for(self.request.user)

    def get_serializer_class(self):
        return DeclareSerializer if self.action == "create" else IncidentSerializer

    def _present(self, incident, code=status.HTTP_200_OK):
        fresh = self.get_queryset().get(pk=incident.pk)
        return Response(IncidentSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=DeclareSerializer, responses={201: IncidentSerializer, **_errors(400, 401, 403)})
    def create(self, request, *args, **kwargs):
        """Declare an incident: a region outside yours is a 400 naming `regions`."""
        access.require(request.user, "create", Incident)
        payload = DeclareSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        incident = services.declare(actor=request.user, **payload.validated_data)
        return self._present(incident, status.HTTP_201_CREATED)

    mitigate = _step_action("mitigate", "A workaround holds (open → mitigated).")
    resolve = _step_action(
        "resolve", "Service is restored (open or mitigated → resolved; sets `resolved_at`)."
    )
    review = _step_action("review", "The post-mortem is done (resolved → reviewed).")
    cancel = _step_action(
        "cancel", "Declared by mistake (open or mitigated → cancelled); `comment` says why."
    )

    @extend_schema(
        methods=["GET"], request=None, responses={200: AffectedSerializer(many=True), **_errors(401, 404)}
    )
    @extend_schema(
        methods=["POST"],
        request=AddCustomersSerializer,
        responses={201: AddedSerializer, **_errors(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["get", "post"])
    def customers(self, request, pk=None):
        """GET: the affected customers you see (an account manager: their own), highest tier first, with tier,
        account manager and open cases; paginated. POST: add customers by rule — `segments`, `regions`,
        `processes` (customers with an approved or active exception on one), every criterion given must hold —
        or from a list (`csv`); only customers of the incident's regions that you see. Who runs the incident,
        while it is open or mitigated."""
        incident = self.get_object()
        if request.method == "GET":
            rows = affected_selectors.affected_for(request.user, incident)
            page = self.paginate_queryset(rows)
            return self.get_paginated_response(AffectedSerializer(page, many=True).data)
        access.require(request.user, "change", incident)
        payload = AddCustomersSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        if "csv" in data:
            added = affected_services.add_from_list(
                incident=incident, actor=request.user, content=data["csv"].encode()
            )
        else:
            added = affected_services.add_by_rule(
                incident=incident,
                actor=request.user,
                segments=data.get("segments", ()),
                regions=data.get("regions", ()),
                processes=data.get("processes", ()),
            )
        total = affected_selectors.affected_count(request.user, incident)
        return Response({"added": added, "total": total}, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"], request=None, responses={200: GoodwillSerializer(many=True), **_errors(401, 404)}
    )
    @extend_schema(
        methods=["POST"],
        request=GiveSerializer,
        responses={201: GoodwillSerializer, **_errors(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["get", "post"])
    def goodwill(self, request, pk=None):
        """GET: the goodwill given in this incident to the customers you see, newest first (paginated). POST:
        give a credit or an expedited service to an affected customer: within your limit for their tier it is
        `recorded` at once; above it, `requested` as an exception request routed by the region's thresholds
        (its id in `exception`). A customer not affected or not yours to see: 400 naming `customer`."""
        incident = self.get_object()
        if request.method == "GET":
            rows = access.visible(request.user, Goodwill).filter(incident=incident).select_related("given_by")
            page = self.paginate_queryset(rows.order_by("-given_at", "-pk"))
            return self.get_paginated_response(GoodwillSerializer(page, many=True).data)
        access.require(request.user, "give_goodwill", incident)
        payload = GiveSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        goodwill = goodwill_services.give(
            incident=incident,
            actor=request.user,
            customer_id=data["customer"],
            kind=data["kind"],
            amount=data["amount"],
            reason=data["reason"],
        )
        return Response(GoodwillSerializer(goodwill).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"], request=None, responses={200: UpdateSerializer(many=True), **_errors(401, 404)}
    )
    @extend_schema(
        methods=["POST"],
        request=PostUpdateSerializer,
        responses={201: UpdateSerializer, **_errors(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)  # the latest 100: one list, no pages
    def updates(self, request, pk=None):
        """GET: the timeline, newest first (the latest 100). POST: add an update (who runs the incident)."""
        incident = self.get_object()
        if request.method == "GET":
            return Response(UpdateSerializer(selectors.timeline(incident), many=True).data)
        access.require(request.user, "change", incident)
        payload = PostUpdateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        update = services.post_update(
            incident=incident, actor=request.user, text=payload.validated_data["text"]
        )
        return Response(UpdateSerializer(update).data, status=status.HTTP_201_CREATED)
