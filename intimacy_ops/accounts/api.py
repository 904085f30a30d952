from django.contrib.auth.models import Group
from django.db.models import Prefetch
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from intimacy_ops.accounts import services
from intimacy_ops.accounts.models import Region, User
from intimacy_ops.accounts.roles import Role
from intimacy_ops.api import ERROR_RESPONSES, ScopedReadOnlyViewSet, StrictSerializer
from intimacy_ops.filters import ScopedFilterSet


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["id", "code", "name"]


class UserSerializer(serializers.ModelSerializer):
    full_name = serializers.CharField(source="get_full_name", read_only=True)
    roles = serializers.SerializerMethodField()
    regions = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "roles", "regions", "is_active"]

    def get_roles(self, user: User) -> list[str]:
        return sorted(role.value for role in user.roles)


class RegionViewSet(ScopedReadOnlyViewSet):
    """Regions you work in (auditors and administrators: all)."""

    queryset = Region.objects.all()
    serializer_class = RegionSerializer
    search_fields = ["code", "name"]
    ordering_fields = ["code", "name"]
    ordering = ["code"]


class UserFilter(ScopedFilterSet):
    region = filters.CharFilter(field_name="regions__code", label="Region code")
    role = filters.ChoiceFilter(field_name="groups__name", choices=Role.choices, label="Role")

    class Meta:
        model = User
        fields = ["region", "role", "is_active"]


class UserViewSet(ScopedReadOnlyViewSet):
    """People who share one of your regions, and yourself (auditors and administrators: everyone)."""

    queryset = User.objects.prefetch_related(
        Prefetch("groups", queryset=Group.objects.only("id", "name")), "regions"
    )
    serializer_class = UserSerializer
    filterset_class = UserFilter
    search_fields = ["username", "first_name", "last_name"]
    ordering_fields = ["username", "last_name", "date_joined"]
    ordering = ["username"]

    def get_queryset(self):
        queryset = super().get_queryset()
        # Filtering through a many-to-many can repeat a row; only then is DISTINCT needed.
        return queryset.distinct() if {"region", "role"} & set(self.request.query_params) else queryset

    @extend_schema(responses={200: UserSerializer})
    @action(detail=False, methods=["get"])
    def me(self, request):
        """The signed-in user, with roles and regions."""
        return Response(self.get_serializer(request.user).data)


class TokenRequestSerializer(StrictSerializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})


class ObtainTokenView(APIView):
    """Exchange a username and password for an API token (5 failures from one address lock for 15 minutes)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    serializer_class = TokenRequestSerializer

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: inline_serializer("TokenResponse", {"token": serializers.CharField()}),
            400: ERROR_RESPONSES[400],
            429: OpenApiResponse(description="Locked after repeated failures; see Retry-After."),
        },
    )
    def post(self, request):
        payload = TokenRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        user = services.sign_in(request=request, **payload.validated_data)
        return Response({"token": services.api_token_for(user=user)})


def register(router) -> None:
    router.register("regions", RegionViewSet, basename="region")
    router.register("users", UserViewSet, basename="user")
