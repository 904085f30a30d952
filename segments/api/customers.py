"""Customers, with sensitive fields masked through `intimacy_ops.sensitive` (CONTRACT.md `/api/v1/customers/`)."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from intimacy_ops import access, sensitive
from intimacy_ops.accounts.models import Region, User
from intimacy_ops.api import (
    ScopedViewSetMixin,
    SensitiveListSerializer,
    moment,
    money,
    plain_user,
)
from intimacy_ops.pagination import CappedCountPagination
from segments.api.common import MONEY, StrictInput, _errors
from segments.filters import CustomerFilter
from segments.models import Customer, Segment
from segments.selectors import customers as selectors
from segments.services import customers as customer_services


class CustomerSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    account_manager = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    segment_name = serializers.CharField(source="segment.name", read_only=True, allow_null=True, default=None)
    segment_locked_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    contact_email = serializers.SerializerMethodField(help_text='Confidential: "***" unless you may see it.')
    personal_notes = serializers.SerializerMethodField(help_text='Restricted: "***" unless you may see it.')

    class Meta:
        model = Customer
        fields = [
            "id",
            "name",
            "source",
            "external_id",
            "region",
            "account_manager",
            "annual_revenue",
            "strategic_value",
            "support_complexity",
            "lifetime_value",
            "segment",
            "segment_name",
            "segment_locked",
            "segment_locked_by",
            "segment_lock_reason",
            "consent_profiling",
            "consent_sentiment",
            "consent_surveys",
            "contact_email",
            "personal_notes",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
        list_serializer_class = SensitiveListSerializer

    def _user(self):
        request = self.context.get("request")
        return getattr(request, "user", None)

    def get_contact_email(self, customer: Customer) -> str:
        return sensitive.show(self._user(), customer, "contact_email")

    def get_personal_notes(self, customer: Customer) -> str:
        return sensitive.show(self._user(), customer, "personal_notes")

    def _viewer(self) -> tuple:
        """(the person, their time zone), read once per serializer: a list's child writes every row."""
        if not hasattr(self, "_viewer_and_zone"):
            self._viewer_and_zone = (plain_user(self._user()), timezone.get_current_timezone())
        return self._viewer_and_zone

    def to_representation(self, customer: Customer) -> dict:
        """The fields above, written by hand: DRF's per-field machinery was most of a 200-row page's CPU.
        The same dict as `ModelSerializer.to_representation` (tests/segments/test_api_output.py); the masked
        fields go through `sensitive.show`, which decides and logs them as before."""
        user, zone = self._viewer()
        manager, segment, locked_by = customer.account_manager, customer.segment, customer.segment_locked_by
        return {
            "id": customer.pk,
            "name": customer.name,
            "source": customer.source,
            "external_id": customer.external_id,
            "region": customer.region.code,
            "account_manager": manager.username if manager is not None else None,
            "annual_revenue": money(customer.annual_revenue),
            "strategic_value": customer.strategic_value,
            "support_complexity": customer.support_complexity,
            "lifetime_value": money(customer.lifetime_value),
            "segment": customer.segment_id,
            "segment_name": segment.name if segment is not None else None,
            "segment_locked": customer.segment_locked,
            "segment_locked_by": locked_by.username if locked_by is not None else None,
            "segment_lock_reason": customer.segment_lock_reason,
            "consent_profiling": customer.consent_profiling,
            "consent_sentiment": customer.consent_sentiment,
            "consent_surveys": customer.consent_surveys,
            "contact_email": sensitive.show(user, customer, "contact_email"),
            "personal_notes": sensitive.show(user, customer, "personal_notes"),
            "created_at": moment(customer.created_at, zone),
            "updated_at": moment(customer.updated_at, zone),
        }


class SampleCustomerSerializer(CustomerSerializer):
    proposed_segment = serializers.IntegerField(source="target", read_only=True)

    class Meta(CustomerSerializer.Meta):
        fields = [*CustomerSerializer.Meta.fields, "proposed_segment"]
        read_only_fields = fields

    def to_representation(self, customer: Customer) -> dict:
        data = super().to_representation(customer)
        if hasattr(customer, "target"):  # DRF leaves a read-only field out when its source is missing
            data["proposed_segment"] = int(customer.target) if customer.target is not None else None
        return data


CUSTOMER_READ_ONLY = {
    "id": "Read-only.",
    "segment": "Set by the segment rules; place a customer by hand with POST …/lock_segment/.",
    "segment_name": "Read-only.",
    "segment_locked": "Use POST …/lock_segment/ or …/unlock_segment/.",
    "segment_locked_by": "Read-only.",
    "segment_lock_reason": "Use POST …/lock_segment/.",
    "created_at": "Read-only.",
    "updated_at": "Read-only.",
}


class CustomerUpdateSerializer(StrictInput):
    read_only_hints = {
        **CUSTOMER_READ_ONLY,
        "source": "Set when the customer is created; cannot be changed.",
        "external_id": "Set when the customer is created; cannot be changed.",
    }

    name = serializers.CharField(max_length=200, required=False)
    region = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.all(), required=False, help_text="Region code."
    )
    account_manager = serializers.SlugRelatedField(
        slug_field="username",
        queryset=User.objects.none(),
        required=False,
        allow_null=True,
        help_text="Username.",
    )
    annual_revenue = serializers.DecimalField(**MONEY, min_value=0, required=False)
    strategic_value = serializers.IntegerField(min_value=1, max_value=5, required=False)
    support_complexity = serializers.IntegerField(min_value=1, max_value=5, required=False)
    lifetime_value = serializers.DecimalField(**MONEY, min_value=0, required=False)
    contact_email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    personal_notes = serializers.CharField(max_length=10_000, required=False, allow_blank=True)
    consent_profiling = serializers.BooleanField(required=False)
    consent_sentiment = serializers.BooleanField(required=False)
    consent_surveys = serializers.BooleanField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.context.get("request"), "user", None)
        if user is not None:
            self.fields["account_manager"].queryset = access.visible(user, User).filter(is_active=True)

    def to_internal_value(self, data):
        if self.instance is not None and isinstance(data, dict):
            # Sending back the mask you were shown ("***") leaves the hidden value as it is.
            user = getattr(self.context.get("request"), "user", None)
            data = {
                name: value
                for name, value in data.items()
                if not (
                    name in sensitive.sensitive_fields(Customer)
                    and value == sensitive.MASK
                    and not sensitive.may_see(user, self.instance, name)
                )
            }
        return super().to_internal_value(data)

    def to_representation(self, instance):
        # The browsable API pre-fills its edit form with this: sensitive values must be masked there too.
        data = super().to_representation(instance)
        user = getattr(self.context.get("request"), "user", None)
        for name in sensitive.sensitive_fields(Customer):
            if name in data:
                data[name] = sensitive.show(user, instance, name)
        return data


class CustomerCreateSerializer(CustomerUpdateSerializer):
    read_only_hints = CUSTOMER_READ_ONLY

    source = serializers.CharField(max_length=40, required=False, default="manual")
    external_id = serializers.CharField(max_length=100)
    name = serializers.CharField(max_length=200)
    region = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.all(), help_text="Region code."
    )

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if Customer.objects.filter(source=attrs["source"], external_id=attrs["external_id"]).exists():
            raise serializers.ValidationError(
                {"external_id": [f"{attrs['source']}:{attrs['external_id']} already exists."]}
            )
        return attrs


class LockSegmentSerializer(StrictInput):
    segment = serializers.PrimaryKeyRelatedField(queryset=Segment.objects.all(), help_text="Segment id.")
    reason = serializers.CharField(
        max_length=2000, help_text="Why the rules are overridden (10+ characters)."
    )


class UnlockSegmentSerializer(StrictInput):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


@extend_schema_view(
    list=extend_schema(responses={200: CustomerSerializer(many=True), **_errors(400, 401)}),
    retrieve=extend_schema(responses={200: CustomerSerializer, **_errors(401, 404)}),
    create=extend_schema(
        request=CustomerCreateSerializer, responses={201: CustomerSerializer, **_errors(400, 401, 403)}
    ),
    partial_update=extend_schema(
        request=CustomerUpdateSerializer, responses={200: CustomerSerializer, **_errors(400, 401, 403, 404)}
    ),
)
class CustomerViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Customers of your regions (auditors: all). Contact email (confidential) and personal notes (restricted)
    read "***" unless they are your own account or a data steward's grant or your break-glass session opens
    them; each response that shows them is written to the access log. Filtering, sorting or searching by them
    is refused (400)."""

    queryset = Customer.objects.all()
    serializer_class = CustomerSerializer
    filterset_class = CustomerFilter
    # Never a sensitive field here: searching or sorting by one would reveal it.
    search_fields = ["name", "external_id"]
    ordering_fields = [
        "name",
        "external_id",
        "annual_revenue",
        "strategic_value",
        "support_complexity",
        "lifetime_value",
        "segment__rank",
        "region__code",
        "created_at",
        "updated_at",
    ]
    ordering = ["name", "id"]
    http_method_names = ["get", "post", "patch", "head", "options"]
    # `count` exact up to 10,000, an estimate above (X-Count-Exact: false): a region can hold a million.
    pagination_class = CappedCountPagination

    def get_queryset(self):
        return selectors.customers_for(self.request.user)

    def list(self, request, *args, **kwargs):
        # Filtering, sorting or searching by a masked field would reveal it through the matches or the order.
        sensitive.refuse_masked_query(request.user, Customer, request.query_params)
        return super().list(request, *args, **kwargs)

    def get_serializer_class(self):
        return {
            "create": CustomerCreateSerializer,
            "partial_update": CustomerUpdateSerializer,
            "lock_segment": LockSegmentSerializer,
            "unlock_segment": UnlockSegmentSerializer,
        }.get(self.action, CustomerSerializer)

    def _present(self, customer: Customer, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=customer.pk)
        return Response(CustomerSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    def create(self, request, *args, **kwargs):
        payload = self.get_serializer(data=request.data)
        payload.is_valid(raise_exception=True)
        customer = customer_services.create_customer(actor=request.user, **payload.validated_data)
        return self._present(customer, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        customer = self.get_object()
        payload = self.get_serializer(customer, data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        customer_services.update_customer(actor=request.user, customer=customer, **payload.validated_data)
        return self._present(customer)

    @extend_schema(
        request=LockSegmentSerializer, responses={200: CustomerSerializer, **_errors(400, 401, 403, 404)}
    )
    @action(detail=True, methods=["post"])
    def lock_segment(self, request, pk=None):
        """Place the customer in a segment by hand (operations leads); the rules leave them there."""
        customer = self.get_object()
        payload = LockSegmentSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        customer_services.lock_segment(actor=request.user, customer=customer, **payload.validated_data)
        return self._present(customer)

    @extend_schema(
        request=UnlockSegmentSerializer,
        responses={200: CustomerSerializer, **_errors(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def unlock_segment(self, request, pk=None):
        """Hand the customer back to the segment rules; they are classified at once."""
        customer = self.get_object()
        payload = UnlockSegmentSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        customer_services.unlock_segment(
            actor=request.user, customer=customer, reason=payload.validated_data["reason"].strip()
        )
        return self._present(customer)
