"""The exception requests API: create and edit drafts, the lifecycle actions, timeline, cost ledger, extensions."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from exceptions import selectors
from exceptions.api.common import MONEY, STATUS_HELP
from exceptions.api.common import errors_for as _errors
from exceptions.api.rows import ExceptionSerializer
from exceptions.filters import ORDERING_FIELDS, ExceptionFilter
from exceptions.models import (
    CostEntry,
    ExceptionRequest,
    ExceptionTransition,
    ExtensionRequest,
    Process,
    RiskRating,
)
from exceptions.services import costs, extensions, lifecycle
from exceptions.services import requests as request_services
from intimacy_ops import access, errors
from intimacy_ops.accounts.models import Region
from intimacy_ops.api import ScopedViewSetMixin, StrictSerializer
from segments.models import Customer

# --- exception requests -------------------------------------------------------------------------


class ExceptionInputSerializer(StrictSerializer):
    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.none())
    process = serializers.PrimaryKeyRelatedField(queryset=Process.objects.all())
    title = serializers.CharField(max_length=200)
    deviation = serializers.CharField()
    # A slug or empty: SlugField's schema pattern (`+`) would refuse the empty tag the API accepts and returns.
    deviation_tag = serializers.RegexField(
        r"^[-a-zA-Z0-9_]*$",
        max_length=50,
        required=False,
        allow_blank=True,
        help_text="A short name for the kind of deviation (e.g. saturday-delivery); alike tags count as similar.",
    )
    justification = serializers.CharField()
    kind = serializers.ChoiceField(choices=ExceptionRequest.Kind.choices)
    permanent_reason = serializers.CharField(required=False, allow_blank=True)
    scope_regions = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Region.objects.all(), required=False
    )
    scope_sites = serializers.ListField(child=serializers.CharField(max_length=120), required=False)
    scope_shifts = serializers.ListField(child=serializers.CharField(max_length=120), required=False)
    estimated_one_off_cost = serializers.DecimalField(**MONEY, required=False)
    estimated_monthly_cost = serializers.DecimalField(**MONEY, required=False)
    revenue_at_risk = serializers.DecimalField(**MONEY, required=False)
    risk_rating = serializers.ChoiceField(choices=RiskRating.choices, required=False)
    starts_on = serializers.DateField()
    expires_on = serializers.DateField(required=False, allow_null=True)
    handling_procedure = serializers.CharField(required=False, allow_blank=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            # A customer outside the user's regions reads as missing: no existence leak.
            self.fields["customer"].queryset = access.visible(request.user, Customer)


class CommentSerializer(StrictSerializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)


class TransitionSerializer(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True, help_text="Empty (null): the system."
    )
    on_behalf_of = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True, help_text="A delegate's act: the person away."
    )
    # Plain strings: the schema names the status choice set once, on the request's `status`.
    from_status = serializers.CharField(read_only=True, help_text=STATUS_HELP)
    to_status = serializers.CharField(read_only=True, help_text=STATUS_HELP)

    class Meta:
        model = ExceptionTransition
        fields = [
            "id",
            "action",
            "from_status",
            "to_status",
            "actor",
            "on_behalf_of",
            "authority",
            "at",
            "comment",
            "snapshot",
        ]
        read_only_fields = fields


class ExtensionSerializer(serializers.ModelSerializer):
    requested_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = ExtensionRequest
        fields = [
            "id",
            "new_expires_on",
            "reason",
            "status",
            "needs_board",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "decision_comment",
        ]
        read_only_fields = fields


class ExtensionInputSerializer(StrictSerializer):
    new_expires_on = serializers.DateField()
    reason = serializers.CharField(max_length=4000)


class ExtensionDecisionSerializer(StrictSerializer):
    approve = serializers.BooleanField()
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)


class CostEntrySerializer(serializers.ModelSerializer):
    recorded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = CostEntry
        fields = ["id", "incurred_on", "amount", "note", "recorded_by", "recorded_at"]
        read_only_fields = fields


class CostInputSerializer(StrictSerializer):
    incurred_on = serializers.DateField()
    amount = serializers.DecimalField(**MONEY)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


# Acts whose service reads and locks the request itself before anything else (services/lifecycle.py): the object
# the view finds only has to be in the user's scope (a 404 otherwise), not read with its relations.
LOCKING_ACTIONS = frozenset(
    {"partial_update", "submit", "withdraw", "approve", "reject", "return_for_changes", "sunset", "revoke"}
)


def _transition_action(name: str, doc: str, codes=(400, 401, 403, 404, 409)):
    """One POST action per transition a person takes: parse the comment, call the one service, present."""

    def handler(self, request, pk=None):
        exception = self.get_object()
        payload = CommentSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        comment = payload.validated_data["comment"]
        if name == "submit":
            lifecycle.submit_request(exception=exception, actor=request.user, comment=comment)
        elif name == "withdraw":
            lifecycle.withdraw_request(exception=exception, actor=request.user, comment=comment)
        elif name in lifecycle.LEAD_DECISIONS:
            lifecycle.decide_request(exception=exception, actor=request.user, action=name, comment=comment)
        else:
            lifecycle.end_exception(exception=exception, action=name, actor=request.user, comment=comment)
        return self._present(exception)

    # DRF maps the HTTP method to the function's name: name it before decorating.
    handler.__name__ = handler.__qualname__ = name
    handler.__doc__ = doc
    handler = action(
        detail=True, methods=["post"], url_path=name.replace("_", "-"), url_name=name.replace("_", "-")
    )(handler)
    return extend_schema(request=CommentSerializer, responses={200: ExceptionSerializer, **_errors(*codes)})(
        handler
    )


class ExceptionViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Requests to deviate from a standard process for one customer, and their lifecycle.

    Account managers create drafts for the customers they manage and submit or withdraw them; on
    submit the request is routed by the region's threshold to an operations lead (who approves,
    rejects or returns it for changes; the request stays `submitted` until they decide, and their decision
    records the take-up `route` → `under_review` and the decision together) or to the change-control
    board (`under_review` at once, a review opened). `allowed_actions` says what
    you may do now. Drafts are visible to their requester only. On an approved or active exception,
    `amend` in `allowed_actions` means: PATCH it; a material change (customer, process, deviation, kind,
    scope, costs, risk, dates) sends it back for re-approval, anything else changes it in place.
    """

    queryset = ExceptionRequest.objects.all()
    serializer_class = ExceptionSerializer
    filterset_class = ExceptionFilter  # the list page's filters too (exceptions/filters.py)
    search_fields = ["title", "deviation"]
    ordering_fields = ORDERING_FIELDS
    ordering = ["-created_at", "-id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if self.action in LOCKING_ACTIONS:
            return access.visible(self.request.user, ExceptionRequest)  # the act reads and locks the row
        if self.action in ("list", "retrieve"):
            return selectors.api_rows_for(self.request.user)
        return selectors.exceptions_for(self.request.user)

    def get_serializer_class(self):
        if self.action in ("create", "partial_update"):
            return ExceptionInputSerializer
        return ExceptionSerializer

    def _present(self, exception, code=status.HTTP_200_OK):
        fresh = selectors.api_rows_for(self.request.user).get(pk=exception.pk)
        return Response(ExceptionSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    @extend_schema(
        request=ExceptionInputSerializer, responses={201: ExceptionSerializer, **_errors(400, 401, 403)}
    )
    def create(self, request, *args, **kwargs):
        """Log a draft request for a customer you manage."""
        payload = ExceptionInputSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        exception = request_services.create_request(actor=request.user, **payload.validated_data)
        return self._present(exception, status.HTTP_201_CREATED)

    @extend_schema(
        request=ExceptionInputSerializer,
        responses={200: ExceptionSerializer, **_errors(400, 401, 403, 404, 409)},
    )
    def partial_update(self, request, *args, **kwargs):
        """Change a request (its requester): a draft or returned one freely; an approved or active one in place,
        unless the change is material (customer, process, deviation, kind, scope, costs, risk, dates) — then it
        goes back for re-approval (`status` reads `submitted` for an operations lead, `under_review` for the
        board; the timeline shows `amend`)."""
        exception = self.get_object()
        payload = ExceptionInputSerializer(
            data=request.data, partial=True, context=self.get_serializer_context()
        )
        payload.is_valid(raise_exception=True)
        lifecycle.update_request(actor=request.user, exception=exception, **payload.validated_data)
        return self._present(exception)

    submit = _transition_action(
        "submit",
        "Submit a draft or a returned request; it is routed to its approver at once "
        "(a lead: stays `submitted` until decided; the board: `under_review`).",
    )
    withdraw = _transition_action("withdraw", "Take back a request not decided yet (its requester).")
    approve = _transition_action(
        "approve",
        "Approve a request routed to you (an operations lead of the region); a `submitted` one is taken up "
        "(`route` → `under_review`) and approved in one go.",
    )
    reject = _transition_action("reject", "Reject a request routed to you, saying why in `comment`.")
    return_for_changes = _transition_action(
        "return_for_changes", "Send a request back to its requester for changes, saying what in `comment`."
    )
    sunset = _transition_action(
        "sunset", "End an active exception (an operations lead of the region), saying why."
    )
    revoke = _transition_action(
        "revoke", "Revoke an active exception (an operations lead of the region), saying why."
    )

    @extend_schema(responses={200: TransitionSerializer(many=True), **_errors(401, 404)})
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def transitions(self, request, pk=None):
        """The timeline of a request: every transition with actor, time, from, to and comment."""
        exception = self.get_object()
        return Response(TransitionSerializer(selectors.timeline(request.user, exception), many=True).data)

    @extend_schema(methods=["GET"], responses={200: CostEntrySerializer(many=True), **_errors(401, 404)})
    @extend_schema(
        methods=["POST"],
        request=CostInputSerializer,
        responses={201: CostEntrySerializer, **_errors(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def costs(self, request, pk=None):
        """The cost ledger of an exception; POST books an actual cost on an active exception."""
        exception = self.get_object()
        if request.method == "POST":
            payload = CostInputSerializer(data=request.data)
            payload.is_valid(raise_exception=True)
            entry = costs.record_cost(actor=request.user, exception=exception, **payload.validated_data)
            return Response(CostEntrySerializer(entry).data, status=status.HTTP_201_CREATED)
        return Response(CostEntrySerializer(selectors.cost_entries(request.user, exception), many=True).data)

    @extend_schema(methods=["GET"], responses={200: ExtensionSerializer(many=True), **_errors(401, 404)})
    @extend_schema(
        methods=["POST"],
        request=ExtensionInputSerializer,
        responses={201: ExtensionSerializer, **_errors(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def extensions(self, request, pk=None):
        """Extension requests of an exception; POST asks to run an active exception longer (its requester)."""
        exception = self.get_object()
        if request.method == "POST":
            payload = ExtensionInputSerializer(data=request.data)
            payload.is_valid(raise_exception=True)
            extension = extensions.request_extension(
                actor=request.user, exception=exception, **payload.validated_data
            )
            return Response(ExtensionSerializer(extension).data, status=status.HTTP_201_CREATED)
        return Response(ExtensionSerializer(selectors.extensions_of(request.user, exception), many=True).data)

    @extend_schema(
        request=ExtensionDecisionSerializer,
        responses={200: ExtensionSerializer, **_errors(400, 401, 403, 404, 409)},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"extensions/(?P<extension_id>\d+)/decide",
        url_name="decide-extension",
    )
    def decide_extension(self, request, pk=None, extension_id=None):
        """Approve or reject an extension within the region's maximum (an operations lead of the region)."""
        exception = self.get_object()
        extension = selectors.extensions_of(request.user, exception).filter(pk=extension_id).first()
        if extension is None:
            raise errors.NotFound("No extension request matches that id.")
        payload = ExtensionDecisionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        extension = extensions.decide_extension(
            actor=request.user, extension=extension, **payload.validated_data
        )
        return Response(ExtensionSerializer(extension).data)
