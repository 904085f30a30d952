"""`/api/v1/health-scores/` and `/api/v1/health-weights/` (issue 20, item 3).

Health scores: the latest day's score of each customer you may see — `customer, score, line, below_line,
parts` (each: key, label, raw, text, weight, points, since, until), `computed_at`, `trend` (the score 30 and
90 days before, and the changes); filters `customer`, `below_line`, `region`, `segment`, `account_manager`.
Health weights: every version of your regions' weights (`?current=true`: each region's newest); `POST` a new
version for a region, `PUT …/{id}/` a new version based on version {id} (409 when {id} is no longer the
region's newest): operations leads of the region and administrators (403 to anyone else).
"""

from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from intimacy_ops import access
from intimacy_ops.accounts.models import Region
from intimacy_ops.api import ERROR_RESPONSES, ScopedViewSetMixin, StrictSerializer
from keyaccounts.models import HealthScore, HealthWeights
from keyaccounts.score import selectors
from keyaccounts.score import weights as W
from keyaccounts.score.filters import ORDERING_FIELDS, HealthScoreFilter, HealthWeightsFilter


def _errors(*codes: int) -> dict:
    return {code: ERROR_RESPONSES[code] for code in codes}


class PartSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    raw = serializers.DictField(help_text="The raw figure(s) the part counted.")
    text = serializers.CharField(help_text="The raw figure in words.")
    weight = serializers.IntegerField()
    points = serializers.IntegerField(help_text="Zero or less: what the part takes off 100.")
    since = serializers.DateField()
    until = serializers.DateField()


class TrendSerializer(serializers.Serializer):
    score_30_days_ago = serializers.IntegerField(allow_null=True)
    score_90_days_ago = serializers.IntegerField(allow_null=True)
    change_30 = serializers.IntegerField(allow_null=True)
    change_90 = serializers.IntegerField(allow_null=True)


class HealthScoreSerializer(serializers.ModelSerializer):
    parts = PartSerializer(many=True, read_only=True)
    trend = serializers.SerializerMethodField()
    weights_version = serializers.IntegerField(
        source="weights.version", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = HealthScore
        fields = [
            "id", "customer", "score", "line", "below_line", "parts", "computed_on", "computed_at", "trend",
            "weights_version",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(TrendSerializer)
    def get_trend(self, row) -> dict:
        return {
            "score_30_days_ago": row.score_30_days_ago,
            "score_90_days_ago": row.score_90_days_ago,
            "change_30": row.change_30,
            "change_90": row.change_90,
        }


class HealthWeightsSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    set_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = HealthWeights
        fields = ["id", "region", "version", *W.FIELDS, "note", "set_by", "set_at"]
        read_only_fields = fields


def _weight_field(name: str) -> serializers.IntegerField:
    low = 1 if name == "at_risk_below" else 0
    return serializers.IntegerField(
        min_value=low, max_value=100, help_text=HealthWeights._meta.get_field(name).help_text
    )


class WeightsInput(StrictSerializer):
    sla_compliance = _weight_field("sla_compliance")
    breach = _weight_field("breach")
    escalation = _weight_field("escalation")
    negative_feedback = _weight_field("negative_feedback")
    past_dates = _weight_field("past_dates")
    incident = _weight_field("incident")
    at_risk_below = _weight_field("at_risk_below")
    note = serializers.CharField(max_length=W.MAX_NOTE, required=False, allow_blank=True, default="")


class NewWeightsInput(WeightsInput):
    region = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.none(), help_text="Region code (one of yours)."
    )
    based_on = serializers.IntegerField(
        min_value=0,
        max_value=2**31 - 1,
        required=False,
        allow_null=True,
        help_text="The version you edited (0: none yet); a newer one saved meanwhile is a 409.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.context.get("request"), "user", None)
        if user is not None:
            # A region outside your scope reads as one that does not exist (400 naming the field).
            self.fields["region"].queryset = access.visible(user, Region)


@extend_schema_view(
    list=extend_schema(responses={200: HealthScoreSerializer(many=True), **_errors(400, 401)}),
    retrieve=extend_schema(responses={200: HealthScoreSerializer, **_errors(401, 404)}),
)
class HealthScoreViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Each customer's current health score (the latest day scored), with every part and the trend: account
    managers see their own customers', operations leads their regions', auditors and administrators all."""

    queryset = HealthScore.objects.all()
    serializer_class = HealthScoreSerializer
    filterset_class = HealthScoreFilter
    ordering_fields = ORDERING_FIELDS
    ordering = ["score", "customer_id"]

    def get_queryset(self):
        if self.action == "retrieve":  # any day's row, by id
            return access.visible(self.request.user, HealthScore).select_related("weights")
        return selectors.current_scores(self.request.user).select_related("weights")


@extend_schema_view(
    list=extend_schema(responses={200: HealthWeightsSerializer(many=True), **_errors(400, 401)}),
    retrieve=extend_schema(responses={200: HealthWeightsSerializer, **_errors(401, 404)}),
)
class HealthWeightsViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """The health score's weights per region, every version (newest first): read by everyone for their
    regions; a new version set by an operations lead of the region or an administrator."""

    queryset = HealthWeights.objects.select_related("region", "set_by")
    serializer_class = HealthWeightsSerializer
    filterset_class = HealthWeightsFilter
    ordering_fields = ["version", "set_at"]
    ordering = ["region__code", "-version"]
    http_method_names = ["get", "post", "put", "head", "options"]

    def get_serializer_class(self):
        return {"create": NewWeightsInput, "update": WeightsInput}.get(self.action, HealthWeightsSerializer)

    @extend_schema(
        request=NewWeightsInput, responses={201: HealthWeightsSerializer, **_errors(400, 401, 403, 409)}
    )
    def create(self, request, *args, **kwargs):
        """Save a region's next version (every weight and the line; `note` says why)."""
        access.require(request.user, "create", HealthWeights)
        payload = NewWeightsInput(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        region, based_on, note = data.pop("region"), data.pop("based_on", None), data.pop("note", "")
        saved = W.set_weights(actor=request.user, region=region, values=data, based_on=based_on, note=note)
        return Response(HealthWeightsSerializer(saved).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=WeightsInput, responses={200: HealthWeightsSerializer, **_errors(400, 401, 403, 404, 409)}
    )
    def update(self, request, *args, **kwargs):
        """A new version of this version's region, based on it (409 when it is not the newest any more)."""
        version = self.get_object()
        access.require(request.user, "change", version)
        payload = WeightsInput(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        note = data.pop("note", "")
        saved = W.set_weights(
            actor=request.user, region=version.region, values=data, based_on=version.version, note=note
        )
        return Response(HealthWeightsSerializer(saved).data)


def register(router) -> None:
    router.register("health-scores", HealthScoreViewSet, basename="health-score")
    router.register("health-weights", HealthWeightsViewSet, basename="health-weights")
