"""An exception request as the API shows it, written by hand from the rows `selectors.api_rows_for` reads (split
from exceptions/api/requests.py, which imports it)."""

from django.utils import timezone
from rest_framework import serializers

from exceptions import selectors
from exceptions.api.common import MONEY
from exceptions.lifecycles import actions_for
from exceptions.models import ExceptionRequest
from intimacy_ops.api import day, moment, money, plain_user


class ExceptionListSerializer(serializers.ListSerializer):
    """A page of requests: their scope regions' codes read for the whole page in one query."""

    def to_representation(self, data):
        items = list(data.all() if hasattr(data, "all") else data)
        return super().to_representation(selectors.with_scope_codes(items))


class ExceptionSerializer(serializers.ModelSerializer):
    requested_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    process_version = serializers.IntegerField(source="process_version.number", read_only=True)
    scope_regions = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    region = serializers.CharField(source="customer.region.code", read_only=True)
    actual_cost = serializers.DecimalField(**MONEY, read_only=True, default=None)
    # Empty when none was given: the model's SlugField would document a pattern that refuses "".
    deviation_tag = serializers.RegexField(r"^[-a-zA-Z0-9_]*$", read_only=True)
    allowed_actions = serializers.SerializerMethodField(help_text="What you may do to this request now.")

    class Meta:
        model = ExceptionRequest
        fields = [
            "id",
            "customer",
            "region",
            "process",
            "process_version",
            "title",
            "deviation",
            "deviation_tag",
            "justification",
            "kind",
            "permanent_reason",
            "scope_regions",
            "scope_sites",
            "scope_shifts",
            "estimated_one_off_cost",
            "estimated_monthly_cost",
            "revenue_at_risk",
            "risk_rating",
            "starts_on",
            "expires_on",
            "handling_procedure",
            "status",
            "route",
            "requested_by",
            "actual_cost",
            "allowed_actions",
            "created_at",
            "updated_at",
            "status_changed_at",
        ]
        read_only_fields = fields
        list_serializer_class = ExceptionListSerializer

    def get_allowed_actions(self, obj) -> list[str]:
        request = self.context.get("request")
        return actions_for(request.user, obj) if request else []

    def to_representation(self, exception: ExceptionRequest) -> dict:
        """The fields above, written by hand: DRF's per-field machinery was most of a list page's CPU. The same
        dict as `ModelSerializer.to_representation` (tests/exceptions/test_api_output.py)."""
        if not hasattr(self, "_viewer_and_zone"):  # once per serializer: a list's child writes every row
            request = self.context.get("request")
            self._viewer_and_zone = (
                plain_user(request.user) if request else None,
                timezone.get_current_timezone(),
            )
        user, zone = self._viewer_and_zone
        return {
            "id": exception.pk,
            "customer": exception.customer_id,
            "region": exception.customer.region.code,
            "process": exception.process_id,
            "process_version": exception.process_version.number,
            "title": exception.title,
            "deviation": exception.deviation,
            "deviation_tag": exception.deviation_tag,
            "justification": exception.justification,
            "kind": exception.kind,
            "permanent_reason": exception.permanent_reason,
            "scope_regions": (
                exception.scope_region_codes
                if hasattr(exception, "scope_region_codes")
                else [region.code for region in exception.scope_regions.all()]
            ),
            "scope_sites": exception.scope_sites,
            "scope_shifts": exception.scope_shifts,
            "estimated_one_off_cost": money(exception.estimated_one_off_cost),
            "estimated_monthly_cost": money(exception.estimated_monthly_cost),
            "revenue_at_risk": money(exception.revenue_at_risk),
            "risk_rating": exception.risk_rating,
            "starts_on": day(exception.starts_on),
            "expires_on": day(exception.expires_on),
            "handling_procedure": exception.handling_procedure,
            "status": exception.status,
            "route": exception.route,
            "requested_by": exception.requested_by.username,
            "actual_cost": money(getattr(exception, "actual_cost", None)),
            "allowed_actions": actions_for(user, exception) if user is not None else [],
            "created_at": moment(exception.created_at, zone),
            "updated_at": moment(exception.updated_at, zone),
            "status_changed_at": moment(exception.status_changed_at, zone),
        }
