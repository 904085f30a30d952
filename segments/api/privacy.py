"""API of sensitive data beyond the role: the access log, grants, and break-glass sessions.

GET  /api/v1/access-log/                   data stewards and auditors (403 for anyone else)
GET  /api/v1/access-grants/                stewards: their regions' grants; anyone: their own
POST /api/v1/access-grants/                stewards: {user, customer, purpose, expires_at}
POST /api/v1/access-grants/{id}/revoke/    stewards: {reason}
GET  /api/v1/break-glass/                  stewards: their regions' sessions; anyone: their own
POST /api/v1/break-glass/                  anyone who sees the customer: {customer, justification, hours}
POST /api/v1/break-glass/{id}/review/      stewards: {outcome: accept|flag, comment}
"""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from intimacy_ops import access, errors
from intimacy_ops.accounts.models import User
from intimacy_ops.api import ERROR_RESPONSES, ScopedViewSetMixin, StrictSerializer
from segments import access_rules
from segments.models import Customer
from segments.privacy_filters import AccessLogFilter
from segments.privacy_models import AccessLogEntry, BreakGlassSession, SensitiveAccessGrant
from segments.services import privacy


def _errors(*codes: int) -> dict:
    return {code: ERROR_RESPONSES[code] for code in codes}


# --- access log ---------------------------------------------------------------------------------------


class AccessLogEntrySerializer(serializers.ModelSerializer):
    user = serializers.SlugRelatedField(slug_field="username", read_only=True)
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    fields = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = AccessLogEntry
        fields = ["id", "user", "customer", "customer_name", "fields", "at", "purpose", "channel"]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(responses={200: AccessLogEntrySerializer(many=True), **_errors(400, 401, 403)}),
    retrieve=extend_schema(responses={200: AccessLogEntrySerializer, **_errors(401, 403, 404)}),
)
class AccessLogViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Every look at a confidential or restricted customer value: who, which customer, which fields, when, why,
    through which channel. Data stewards and auditors only. Filter by `user` (username), `customer` (id),
    `since` and `until` (ISO date or datetime), `channel`."""

    queryset = AccessLogEntry.objects.select_related("user", "customer")
    serializer_class = AccessLogEntrySerializer
    filterset_class = AccessLogFilter
    search_fields: list[str] = []
    ordering_fields = ["at", "id"]
    ordering = ["-at", "-id"]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        decision = access_rules.may_read_access_log(request.user)
        if not decision:
            raise errors.PermissionDenied(decision.reason)


# --- grants ---------------------------------------------------------------------------------------------


class GrantSerializer(serializers.ModelSerializer):
    user = serializers.SlugRelatedField(slug_field="username", read_only=True)
    granted_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    revoked_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    customer_name = serializers.CharField(source="customer.name", read_only=True)

    class Meta:
        model = SensitiveAccessGrant
        fields = [
            "id",
            "user",
            "customer",
            "customer_name",
            "purpose",
            "granted_by",
            "granted_at",
            "expires_at",
            "revoked_at",
            "revoked_by",
            "revoke_reason",
        ]
        read_only_fields = fields


class GrantInput(StrictSerializer):
    user = serializers.SlugRelatedField(slug_field="username", queryset=User.objects.filter(is_active=True))
    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.none(), help_text="Customer id.")
    purpose = serializers.CharField(
        max_length=200, help_text="Why (10+ characters); quoted in the access log."
    )
    expires_at = serializers.DateTimeField(help_text="When the grant ends by itself.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.context.get("request"), "user", None)
        if user is not None:
            self.fields["customer"].queryset = access.visible(user, Customer)


class RevokeInput(StrictSerializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


@extend_schema_view(
    list=extend_schema(responses={200: GrantSerializer(many=True), **_errors(400, 401)}),
    retrieve=extend_schema(responses={200: GrantSerializer, **_errors(401, 404)}),
    create=extend_schema(request=GrantInput, responses={201: GrantSerializer, **_errors(400, 401, 403)}),
)
class GrantViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Time-limited grants of a customer's sensitive fields to one user (django-guardian object permissions)."""

    queryset = SensitiveAccessGrant.objects.select_related("user", "customer", "granted_by", "revoked_by")
    serializer_class = GrantSerializer
    filterset_fields = ["customer"]
    search_fields: list[str] = []
    ordering_fields = ["granted_at", "expires_at"]
    ordering = ["-granted_at", "-id"]

    def get_serializer_class(self):
        return {"create": GrantInput, "revoke": RevokeInput}.get(self.action, GrantSerializer)

    def create(self, request, *args, **kwargs):
        payload = GrantInput(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        grant = privacy.grant_access(actor=request.user, **payload.validated_data)
        return Response(GrantSerializer(grant).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RevokeInput, responses={200: GrantSerializer, **_errors(400, 401, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        """End the grant now."""
        grant = self.get_object()
        payload = RevokeInput(data=request.data)
        payload.is_valid(raise_exception=True)
        grant = privacy.revoke_grant(actor=request.user, grant=grant, reason=payload.validated_data["reason"])
        return Response(GrantSerializer(grant).data)


# --- break-glass ----------------------------------------------------------------------------------------


class BreakGlassSerializer(serializers.ModelSerializer):
    user = serializers.SlugRelatedField(slug_field="username", read_only=True)
    reviewed_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    review_outcome = serializers.CharField(
        read_only=True, help_text='"accept", "flag", or "" while not reviewed.'
    )

    class Meta:
        model = BreakGlassSession
        fields = [
            "id",
            "user",
            "customer",
            "customer_name",
            "justification",
            "opened_at",
            "expires_at",
            "reviewed_by",
            "reviewed_at",
            "review_outcome",
            "review_comment",
        ]
        read_only_fields = fields


class BreakGlassInput(StrictSerializer):
    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.none(), help_text="Customer id.")
    justification = serializers.CharField(
        max_length=4000,
        required=False,
        allow_blank=True,
        default="",
        help_text="Why it cannot wait (30+ characters).",
    )
    hours = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="1..N (default N, setting BREAK_GLASS_MAX_HOURS).",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.context.get("request"), "user", None)
        if user is not None:
            self.fields["customer"].queryset = access.visible(user, Customer)


class ReviewInput(StrictSerializer):
    outcome = serializers.ChoiceField(choices=BreakGlassSession.Outcome.choices)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


@extend_schema_view(
    list=extend_schema(responses={200: BreakGlassSerializer(many=True), **_errors(400, 401)}),
    retrieve=extend_schema(responses={200: BreakGlassSerializer, **_errors(401, 404)}),
    create=extend_schema(
        request=BreakGlassInput, responses={201: BreakGlassSerializer, **_errors(400, 401, 403)}
    ),
)
class BreakGlassViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Emergency access to one customer's sensitive fields, justified, for at most N hours; every data steward is
    notified at once and reviews it afterwards. `?open=true`: sessions not reviewed yet."""

    queryset = BreakGlassSession.objects.select_related("user", "customer", "reviewed_by")
    serializer_class = BreakGlassSerializer
    filterset_fields = ["customer", "review_outcome"]
    search_fields: list[str] = []
    ordering_fields = ["opened_at", "expires_at"]
    ordering = ["-opened_at", "-id"]

    def get_serializer_class(self):
        return {"create": BreakGlassInput, "review": ReviewInput}.get(self.action, BreakGlassSerializer)

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.request.query_params.get("open") in ("1", "true"):
            queryset = queryset.filter(reviewed_at__isnull=True)
        return queryset

    def create(self, request, *args, **kwargs):
        payload = BreakGlassInput(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        session = privacy.open_break_glass(actor=request.user, **payload.validated_data)
        return Response(BreakGlassSerializer(session).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=ReviewInput, responses={200: BreakGlassSerializer, **_errors(400, 401, 403, 404, 409)}
    )
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        """Accept the session as justified, or flag it (with a comment) for follow-up."""
        session = self.get_object()
        payload = ReviewInput(data=request.data)
        payload.is_valid(raise_exception=True)
        session = privacy.review_break_glass(actor=request.user, session=session, **payload.validated_data)
        return Response(BreakGlassSerializer(session).data)


def register(router) -> None:
    router.register("access-log", AccessLogViewSet, basename="access-log")
    router.register("access-grants", GrantViewSet, basename="access-grant")
    router.register("break-glass", BreakGlassViewSet, basename="break-glass")
