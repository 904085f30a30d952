"""The segments API: tiers with the what-if preview, customers, SLA policies and service cases (CONTRACT.md).

Serializers parse and present; every write is one service call. Related objects travel by id,
people by username. Sensitive customer fields go through `intimacy_ops.sensitive`.
"""

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from intimacy_ops import access, sensitive
from intimacy_ops.accounts.models import Region, User
from intimacy_ops.accounts.roles import Role
from intimacy_ops.api import (
    ERROR_RESPONSES,
    ScopedReadOnlyViewSet,
    ScopedViewSetMixin,
    SensitiveListSerializer,
    StrictSerializer,
)
from segments import selectors
from segments.filters import CaseFilter, CustomerFilter, SlaPolicyFilter
from segments.models import Customer, Priority, Segment, ServiceCase, SlaPolicy
from segments.services import classification
from segments.services import customers as customer_services
from segments.services import sla as sla_services

MONEY = {"max_digits": 14, "decimal_places": 2}


def _errors(*codes: int) -> dict:
    return {code: ERROR_RESPONSES[code] for code in codes}


class StrictInput(StrictSerializer):
    """Input that names every field it does not take, with a hint where the field is read-only."""

    read_only_hints: dict[str, str] = {}

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                # Nested inputs (a proposal's items, ladder steps) are checked here too, not only the top level.
                raise serializers.ValidationError(
                    {name: [self.read_only_hints.get(name, "Unknown field.")] for name in unknown}
                )
        return super().to_internal_value(data)


def _not_in_future(value):
    if value > timezone.now():
        raise serializers.ValidationError("Cannot be in the future.")
    return value


# --- segments and the what-if preview -----------------------------------------------------------


class SegmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Segment
        fields = [
            "id",
            "name",
            "rank",
            "description",
            "min_annual_revenue",
            "min_strategic_value",
            "min_lifetime_value",
            "min_support_complexity",
            "capacity",
            "dedicated_team",
        ]
        read_only_fields = fields


class ProposedSegmentSerializer(StrictInput):
    id = serializers.IntegerField(help_text="The segment whose thresholds or capacity would change.")
    min_annual_revenue = serializers.DecimalField(**MONEY, min_value=0, required=False)
    min_strategic_value = serializers.IntegerField(min_value=1, max_value=5, required=False)
    min_lifetime_value = serializers.DecimalField(**MONEY, min_value=0, required=False)
    min_support_complexity = serializers.IntegerField(min_value=1, max_value=5, required=False)
    capacity = serializers.IntegerField(min_value=0, max_value=2_147_483_647, required=False)


class ProposalSerializer(StrictInput):
    segments = ProposedSegmentSerializer(many=True, allow_empty=False)

    def validate_segments(self, items):
        known = set(Segment.objects.values_list("id", flat=True))
        problems, seen = [], set()
        for item in items:
            if item["id"] not in known:
                problems.append(f"No segment with id {item['id']}.")
            elif item["id"] in seen:
                problems.append(f"Segment {item['id']} is listed twice; give each segment once.")
            seen.add(item["id"])
        if problems:
            raise serializers.ValidationError(problems)
        return items


class ApplySerializer(ProposalSerializer):
    fingerprint = serializers.CharField(max_length=64, help_text="The `fingerprint` the preview returned.")
    reason = serializers.CharField(max_length=2000, help_text="Why the thresholds change (audit trail).")


# `from` is a Python keyword, so this serializer is built from a dict of fields.
MovementSerializer = type(
    "MovementSerializer",
    (serializers.Serializer,),
    {
        "from": serializers.IntegerField(allow_null=True, help_text="Segment id now (null: unclassified)."),
        "to": serializers.IntegerField(help_text="Segment id after the change."),
        "count": serializers.IntegerField(),
        "from_name": serializers.CharField(),
        "to_name": serializers.CharField(),
    },
)


class SegmentOutcomeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    rank = serializers.IntegerField()
    count = serializers.IntegerField(help_text="Customers in the segment after the change.")
    capacity = serializers.IntegerField()
    over_capacity = serializers.BooleanField()
    min_annual_revenue = serializers.DecimalField(**MONEY)
    min_strategic_value = serializers.IntegerField()
    min_lifetime_value = serializers.DecimalField(**MONEY)
    min_support_complexity = serializers.IntegerField()


class SegmentViewSet(ScopedReadOnlyViewSet):
    """Service tiers in rank order (1 = most intimate). Thresholds change only through preview and apply."""

    queryset = Segment.objects.all()
    serializer_class = SegmentSerializer
    search_fields = ["name"]
    ordering_fields = ["rank", "name", "capacity"]
    ordering = ["rank"]

    def get_queryset(self):
        return selectors.segments_for(self.request.user)

    def get_serializer_class(self):
        return {"preview": ProposalSerializer, "apply": ApplySerializer}.get(self.action, SegmentSerializer)

    @extend_schema(
        request=ProposalSerializer,
        responses={
            200: inline_serializer(
                "SegmentPreview",
                {
                    "movements": MovementSerializer(many=True),
                    "segments": SegmentOutcomeSerializer(many=True),
                    "sample": serializers.ListField(child=serializers.DictField()),
                    "fingerprint": serializers.CharField(),
                },
            ),
            **_errors(400, 401),
        },
    )
    @action(detail=False, methods=["post"], filter_backends=[], pagination_class=None)
    def preview(self, request):
        """What-if: how many customers would move between tiers, and the resulting counts against capacity. Changes nothing."""
        payload = ProposalSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        result = classification.preview(user=request.user, proposal=_proposal(payload.validated_data))
        return Response(
            {
                "movements": MovementSerializer(result.movements, many=True).data,
                "segments": SegmentOutcomeSerializer(result.segments, many=True).data,
                "sample": SampleCustomerSerializer(
                    result.sample, many=True, context={"request": request}
                ).data,
                "fingerprint": result.fingerprint,
            }
        )

    @extend_schema(
        request=ApplySerializer,
        responses={
            200: inline_serializer(
                "SegmentApplied",
                {
                    "moved": serializers.IntegerField(),
                    "movements": MovementSerializer(many=True),
                    "batch": serializers.CharField(),
                    "segments": SegmentSerializer(many=True),
                },
            ),
            **_errors(400, 401, 403, 409),
        },
    )
    @action(detail=False, methods=["post"], filter_backends=[], pagination_class=None)
    def apply(self, request):
        """Apply exactly a previewed change (operations leads); 409 if the customers or thresholds changed since."""
        payload = ApplySerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        outcome = classification.apply_preview(
            user=request.user,
            proposal=_proposal(payload.validated_data),
            fingerprint=payload.validated_data["fingerprint"],
            reason=payload.validated_data["reason"].strip(),
        )
        return Response(
            {
                "moved": outcome["moved"],
                "movements": MovementSerializer(outcome["movements"], many=True).data,
                "batch": outcome["batch"],
                "segments": SegmentSerializer(self.get_queryset(), many=True).data,
            }
        )


def _proposal(validated: dict) -> list[dict]:
    return [dict(item) for item in validated["segments"]]


# --- customers ----------------------------------------------------------------------------------


class CustomerSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    account_manager = serializers.SlugRelatedField(slug_field="username", read_only=True)
    segment_name = serializers.CharField(source="segment.name", read_only=True, allow_null=True, default=None)
    segment_locked_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
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


class SampleCustomerSerializer(CustomerSerializer):
    proposed_segment = serializers.IntegerField(source="target", read_only=True)

    class Meta(CustomerSerializer.Meta):
        fields = [*CustomerSerializer.Meta.fields, "proposed_segment"]
        read_only_fields = fields


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


# --- SLA policies -------------------------------------------------------------------------------


class EscalationStepSerializer(StrictInput):
    after_minutes = serializers.IntegerField(min_value=1, max_value=2_147_483_647)
    role = serializers.ChoiceField(choices=Role.choices)


class SlaPolicySerializer(serializers.ModelSerializer):
    class Meta:
        model = SlaPolicy
        fields = [
            "id",
            "segment",
            "priority",
            "first_response_minutes",
            "resolution_minutes",
            "clock",
            "update_interval_minutes",
            "escalation_ladder",
            "equity_exception_reason",
        ]
        read_only_fields = fields


MINUTES = {"min_value": 1, "max_value": 2_147_483_647}


class SlaPolicyUpdateSerializer(StrictInput):
    read_only_hints = {
        "id": "Read-only.",
        "segment": "Set when the policy is created; cannot be changed.",
        "priority": "Set when the policy is created; cannot be changed.",
        "equity_exception_reason": "Send `equity_reason` to confirm an exception to tier equity.",
    }

    first_response_minutes = serializers.IntegerField(**MINUTES, required=False)
    resolution_minutes = serializers.IntegerField(**MINUTES, required=False)
    clock = serializers.ChoiceField(choices=SlaPolicy.Clock.choices, required=False)
    update_interval_minutes = serializers.IntegerField(**MINUTES, required=False, allow_null=True)
    escalation_ladder = EscalationStepSerializer(many=True, required=False)
    equity_reason = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        write_only=True,
        help_text="An operations lead's reason for letting a lower tier get a faster target than a higher one.",
    )


class SlaPolicyCreateSerializer(SlaPolicyUpdateSerializer):
    read_only_hints = {
        "id": "Read-only.",
        "equity_exception_reason": SlaPolicyUpdateSerializer.read_only_hints["equity_exception_reason"],
    }

    segment = serializers.PrimaryKeyRelatedField(queryset=Segment.objects.all(), help_text="Segment id.")
    priority = serializers.ChoiceField(choices=Priority.choices)
    first_response_minutes = serializers.IntegerField(**MINUTES)
    resolution_minutes = serializers.IntegerField(**MINUTES)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        existing = SlaPolicy.objects.filter(segment=attrs["segment"], priority=attrs["priority"]).first()
        if existing is not None:
            raise serializers.ValidationError(
                {
                    "priority": [
                        f"{attrs['segment'].name} already has a {attrs['priority']} policy (id {existing.pk}); "
                        "change it with PATCH."
                    ]
                }
            )
        return attrs


def _policy_values(validated: dict) -> dict:
    values = {name: value for name, value in validated.items() if name in sla_services.POLICY_FIELDS}
    if "escalation_ladder" in values:
        values["escalation_ladder"] = [dict(step) for step in values["escalation_ladder"]]
    return values


@extend_schema_view(
    list=extend_schema(responses={200: SlaPolicySerializer(many=True), **_errors(400, 401)}),
    retrieve=extend_schema(responses={200: SlaPolicySerializer, **_errors(401, 404)}),
    create=extend_schema(
        request=SlaPolicyCreateSerializer, responses={201: SlaPolicySerializer, **_errors(400, 401, 403)}
    ),
    partial_update=extend_schema(
        request=SlaPolicyUpdateSerializer, responses={200: SlaPolicySerializer, **_errors(400, 401, 403, 404)}
    ),
)
class SlaPolicyViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """First-response and resolution targets per segment and priority. Operations leads set them; the equity
    guard refuses a lower tier faster than a higher one unless `equity_reason` confirms it."""

    queryset = SlaPolicy.objects.all()
    serializer_class = SlaPolicySerializer
    filterset_class = SlaPolicyFilter
    search_fields: list[str] = []
    ordering_fields = ["segment__rank", "priority", "first_response_minutes", "resolution_minutes"]
    ordering = ["segment__rank", "priority"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.sla_policies_for(self.request.user)

    def get_serializer_class(self):
        return {"create": SlaPolicyCreateSerializer, "partial_update": SlaPolicyUpdateSerializer}.get(
            self.action, SlaPolicySerializer
        )

    def _present(self, policy: SlaPolicy, code: int = status.HTTP_200_OK) -> Response:
        return Response(SlaPolicySerializer(self.get_queryset().get(pk=policy.pk)).data, status=code)

    def create(self, request, *args, **kwargs):
        payload = self.get_serializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        policy = sla_services.save_policy(
            actor=request.user,
            segment=data["segment"],
            priority=data["priority"],
            values=_policy_values(data),
            equity_reason=data.get("equity_reason", ""),
        )
        return self._present(policy, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        policy = self.get_object()
        access.require(request.user, "change", policy)
        payload = self.get_serializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        sla_services.save_policy(
            actor=request.user,
            segment=policy.segment,
            priority=policy.priority,
            values=_policy_values(data),
            equity_reason=data.get("equity_reason", ""),
        )
        return self._present(policy)


# --- service cases ------------------------------------------------------------------------------


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


def register(router) -> None:
    router.register("segments", SegmentViewSet, basename="segment")
    router.register("customers", CustomerViewSet, basename="customer")
    router.register("sla-policies", SlaPolicyViewSet, basename="sla-policy")
    router.register("cases", CaseViewSet, basename="case")
    from segments import privacy_api

    privacy_api.register(router)
    # A data subject's export (segments/api_subject_export.py): /api/v1/customers/{id}/subject-export/.
    from segments import api_subject_export

    api_subject_export.register(router)
