"""`/api/v1/customer-links/` (CONTRACT.md): `POST {"customer", "contact_name", "expires_at"}` → `{"id", "url"}`
(the url carries the token: it is returned this once, never stored), list and read in your scope,
`POST …/{id}/revoke/` (409 when already revoked). A customer outside your scope is a 400 naming `customer`."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from intimacy_ops import access
from intimacy_ops.api import ERROR_RESPONSES, ScopedViewSetMixin, StrictSerializer
from keyaccounts import links
from keyaccounts.health import api as health_api
from keyaccounts.models import CustomerLink
from keyaccounts.playbooks import api as playbooks_api
from keyaccounts.score import api as score_api
from segments.models import Customer


def _errors(*codes: int) -> dict:
    return {code: ERROR_RESPONSES[code] for code in codes}


class CustomerLinkSerializer(serializers.ModelSerializer):
    issued_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    revoked_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = CustomerLink
        fields = [
            "id",
            "customer",
            "contact_name",
            "status",
            "issued_by",
            "issued_at",
            "expires_at",
            "revoked_at",
            "revoked_by",
            "views",
            "last_viewed_at",
        ]
        read_only_fields = fields


class IssuedLinkSerializer(CustomerLinkSerializer):
    url = serializers.CharField(
        read_only=True, help_text="The link to give the contact; shown only this once."
    )

    class Meta(CustomerLinkSerializer.Meta):
        fields = [*CustomerLinkSerializer.Meta.fields, "url"]
        read_only_fields = fields


class IssueLinkInput(StrictSerializer):
    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.none(), help_text="Customer id.")
    contact_name = serializers.CharField(
        max_length=links.MAX_CONTACT, help_text="Who at the customer it is for."
    )
    expires_at = serializers.DateTimeField(
        help_text="When the link stops opening (at most CUSTOMER_LINK_MAX_DAYS ahead)."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.context.get("request"), "user", None)
        if user is not None:
            # A customer outside your scope reads as one that does not exist (400 naming the field).
            self.fields["customer"].queryset = access.visible(user, Customer)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        found = links.problems(attrs["contact_name"], attrs["expires_at"])
        if found:
            raise serializers.ValidationError(found)
        return attrs


class RevokeLinkInput(StrictSerializer):
    pass


@extend_schema_view(
    list=extend_schema(responses={200: CustomerLinkSerializer(many=True), **_errors(400, 401)}),
    retrieve=extend_schema(responses={200: CustomerLinkSerializer, **_errors(401, 404)}),
    create=extend_schema(
        request=IssueLinkInput, responses={201: IssuedLinkSerializer, **_errors(400, 401, 403)}
    ),
)
class CustomerLinkViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Links that show one customer contact that customer's terms without an account (issue 20, item 4)."""

    queryset = CustomerLink.objects.select_related("issued_by", "revoked_by")
    serializer_class = CustomerLinkSerializer
    search_fields = ["contact_name"]
    ordering_fields = ["issued_at", "expires_at"]
    ordering = ["-issued_at", "-id"]
    filterset_fields: list[str] = []

    def get_serializer_class(self):
        return {"create": IssueLinkInput, "revoke": RevokeLinkInput}.get(self.action, CustomerLinkSerializer)

    def create(self, request, *args, **kwargs):
        payload = IssueLinkInput(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        link, token = links.issue(actor=request.user, **payload.validated_data)
        link.url = request.build_absolute_uri(links.url_of(token))
        return Response(IssuedLinkSerializer(link).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=RevokeLinkInput, responses={200: CustomerLinkSerializer, **_errors(400, 401, 403, 404, 409)}
    )
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        """Revoke the link now: it opens nothing any more (409 when already revoked)."""
        link = links.revoke(actor=request.user, link=self.get_object())
        return Response(CustomerLinkSerializer(link).data)


def register(router) -> None:
    router.register("customer-links", CustomerLinkViewSet, basename="customer-link")
    score_api.register(router)  # the health score (keyaccounts/score/api.py)
    playbooks_api.register(router)
    health_api.register(router)
