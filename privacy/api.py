"""API of the privacy part: the access log, grants, break-glass sessions, and a data subject's export.

GET  /api/v1/access-log/                   data stewards and auditors (403 for anyone else)
GET  /api/v1/access-grants/                stewards: their regions' grants; anyone: their own
POST /api/v1/access-grants/                stewards: {user, <subject key>, purpose, expires_at}
POST /api/v1/access-grants/{id}/revoke/    stewards: {reason}
GET  /api/v1/break-glass/                  stewards: their regions' sessions; anyone: their own
POST /api/v1/break-glass/                  anyone who sees the subject: {<subject key>, justification, hours}
POST /api/v1/break-glass/{id}/review/      stewards: {outcome: accept|flag, comment}
GET|POST /api/v1/<api_prefix>/{id}/subject-export/   data stewards

A subject travels under the key its app declared: "<key>" (its id) and "<key>_name".
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.settings import api_settings

from intimacy_ops import access, errors
from intimacy_ops.accounts.models import User
from intimacy_ops.api import ERROR_RESPONSES, ScopedViewSetMixin, StrictSerializer
from privacy import access_rules, subjects
from privacy.api_rows import AccessLogEntrySerializer, SubjectRowSerializer
from privacy.filters import AccessLogFilter, SubjectFilterBackend
from privacy.models import AccessLogEntry, BreakGlassSession, SensitiveAccessGrant
from privacy.services import sensitive_access, subject_export

FILTER_BACKENDS = [*api_settings.DEFAULT_FILTER_BACKENDS, SubjectFilterBackend]


def _errors(*codes: int) -> dict:
    return {code: ERROR_RESPONSES[code] for code in codes}


# Input naming one subject by its declared key; outside the user's scope reads as nonexistent (400).
class SubjectInput(StrictSerializer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.context.get("request"), "user", None)
        declared = subjects.all()
        for subject in declared:
            scope = access.visible(user, subject.model) if user is not None else subject.model.objects.none()
            self.fields[subject.key] = serializers.PrimaryKeyRelatedField(
                queryset=scope,
                required=len(declared) == 1,
                help_text=f"{subject.verbose_name.capitalize()} id.",
            )

    def validate(self, attrs):
        attrs = super().validate(attrs)
        chosen = [attrs.pop(subject.key) for subject in subjects.all() if attrs.get(subject.key) is not None]
        if len(chosen) != 1:
            keys = ", ".join(subject.key for subject in subjects.all())
            raise serializers.ValidationError({"non_field_errors": [f"Name exactly one of: {keys}."]})
        attrs["subject"] = chosen[0]
        return attrs


# --- access log ---------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(responses={200: AccessLogEntrySerializer(many=True), **_errors(400, 401, 403)}),
    retrieve=extend_schema(responses={200: AccessLogEntrySerializer, **_errors(401, 403, 404)}),
)
class AccessLogViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Every look at a confidential or restricted value of a data subject: who, which subject, which fields, when, why,
    through which channel. Data stewards and auditors only. Filter by `user` (username), the subject (its declared key: id),
    `since` and `until` (ISO date or datetime), `channel`."""

    queryset = AccessLogEntry.objects.select_related("user").prefetch_related("subject")
    filter_backends = FILTER_BACKENDS
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


class GrantSerializer(SubjectRowSerializer):
    user = serializers.SlugRelatedField(slug_field="username", read_only=True)
    granted_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    revoked_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = SensitiveAccessGrant
        fields = [
            "id",
            "user",
            "purpose",
            "granted_by",
            "granted_at",
            "expires_at",
            "revoked_at",
            "revoked_by",
            "revoke_reason",
        ]
        read_only_fields = fields


class GrantInput(SubjectInput):
    user = serializers.SlugRelatedField(slug_field="username", queryset=User.objects.filter(is_active=True))
    purpose = serializers.CharField(
        max_length=200, help_text="Why (10+ characters); quoted in the access log."
    )
    expires_at = serializers.DateTimeField(help_text="When the grant ends by itself.")


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
    """Time-limited grants of a subject's sensitive fields to one user (django-guardian object permissions)."""

    queryset = SensitiveAccessGrant.objects.select_related(
        "user", "granted_by", "revoked_by"
    ).prefetch_related("subject")
    serializer_class = GrantSerializer
    filter_backends = FILTER_BACKENDS
    subject_filter_must_exist = True
    search_fields: list[str] = []
    ordering_fields = ["granted_at", "expires_at"]
    ordering = ["-granted_at", "-id"]

    def get_serializer_class(self):
        return {"create": GrantInput, "revoke": RevokeInput}.get(self.action, GrantSerializer)

    def create(self, request, *args, **kwargs):
        payload = GrantInput(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        grant = sensitive_access.grant_access(actor=request.user, **payload.validated_data)
        return Response(GrantSerializer(grant).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RevokeInput, responses={200: GrantSerializer, **_errors(400, 401, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        """End the grant now."""
        grant = self.get_object()
        payload = RevokeInput(data=request.data)
        payload.is_valid(raise_exception=True)
        grant = sensitive_access.revoke_grant(
            actor=request.user, grant=grant, reason=payload.validated_data["reason"]
        )
        return Response(GrantSerializer(grant).data)


# --- break-glass ----------------------------------------------------------------------------------------


class BreakGlassSerializer(SubjectRowSerializer):
    user = serializers.SlugRelatedField(slug_field="username", read_only=True)
    reviewed_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    review_outcome = serializers.CharField(
        read_only=True, help_text='"accept", "flag", or "" while not reviewed.'
    )

    class Meta:
        model = BreakGlassSession
        fields = [
            "id",
            "user",
            "justification",
            "opened_at",
            "expires_at",
            "reviewed_by",
            "reviewed_at",
            "review_outcome",
            "review_comment",
        ]
        read_only_fields = fields


class BreakGlassInput(SubjectInput):
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


class ReviewInput(StrictSerializer):
    outcome = serializers.ChoiceField(choices=BreakGlassSession.Outcome.choices)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


@extend_schema_view(
    list=extend_schema(responses={200: BreakGlassSerializer(many=True), **_errors(400, 401)}),
    retrieve=extend_schema(responses={200: BreakGlassSerializer, **_errors(401, 404)}),
    create=extend_schema(
        request=BreakGlassInput, responses={201: BreakGlassSerializer, **_errors(400, 401, 403, 409)}
    ),
)
class BreakGlassViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Emergency access to one subject's sensitive fields, justified, for at most N hours; every data steward is
    notified at once and reviews it afterwards. `?open=true`: sessions not reviewed yet."""

    queryset = BreakGlassSession.objects.select_related("user", "reviewed_by").prefetch_related("subject")
    serializer_class = BreakGlassSerializer
    filter_backends = FILTER_BACKENDS
    subject_filter_must_exist = True
    filterset_fields = ["review_outcome"]
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
        session = sensitive_access.open_break_glass(actor=request.user, **payload.validated_data)
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
        session = sensitive_access.review_break_glass(
            actor=request.user, session=session, **payload.validated_data
        )
        return Response(BreakGlassSerializer(session).data)


# --- a data subject's export -----------------------------------------------------------------------------


class SubjectExportRequestSerializer(StrictSerializer):
    purpose = serializers.CharField(
        help_text="The request this answers, e.g. 'ticket DSR-118, e-mail of 20 Nov' (logged)."
    )


def subject_export_viewset(subject: subjects.Subject) -> type[viewsets.GenericViewSet]:
    """`GET|POST /api/v1/<api_prefix>/{id}/subject-export/` for one declared subject kind."""

    class SubjectExportViewSet(viewsets.GenericViewSet):
        queryset = subject.model._default_manager.all()
        lookup_value_regex = r"\d+"
        serializer_class = SubjectExportRequestSerializer
        pagination_class = None
        filter_backends = []

        @extend_schema(
            methods=["GET"],
            parameters=[
                OpenApiParameter("purpose", str, required=True, description="The request this answers.")
            ],
            request=None,
            responses={200: OpenApiTypes.OBJECT, **_errors(400, 401, 403, 404)},
        )
        @extend_schema(
            methods=["POST"],
            request=SubjectExportRequestSerializer,
            responses={200: OpenApiTypes.OBJECT, **_errors(400, 401, 403, 404)},
        )
        @action(detail=True, methods=["get", "post"], url_path="subject-export", url_name="subject-export")
        def subject_export(self, request, pk=None):
            """A data subject's export: the record (sensitive fields unmasked) and every section its apps
            declared, the audit events about them and the access log. Audited and access-logged."""
            record = access.get_visible(request.user, subject.model, pk=pk)
            access.require(request.user, "subject_export", record)  # 403 before any word about the input
            if request.method == "POST":
                payload = SubjectExportRequestSerializer(data=request.data)
                payload.is_valid(raise_exception=True)
                purpose = payload.validated_data["purpose"]
            else:
                purpose = request.query_params.get("purpose", "")
            return Response(
                subject_export.export_subject(actor=request.user, subject=record, purpose=purpose)
            )

    name = f"{subject.model.__name__}SubjectExportViewSet"
    SubjectExportViewSet.__name__ = SubjectExportViewSet.__qualname__ = name
    SubjectExportViewSet.__doc__ = (
        f"Everything held about one {subject.verbose_name}, as JSON. Data stewards only (403); "
        "outside your regions: 404."
    )
    return SubjectExportViewSet


def register(router) -> None:
    router.register("access-log", AccessLogViewSet, basename="access-log")
    router.register("access-grants", GrantViewSet, basename="access-grant")
    router.register("break-glass", BreakGlassViewSet, basename="break-glass")
    for subject in subjects.all():
        if subject.api_prefix:
            router.register(
                subject.api_prefix, subject_export_viewset(subject), basename=f"{subject.key}-subject"
            )
