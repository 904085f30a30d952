"""Tiers (segments) and the what-if preview and apply (CONTRACT.md `/api/v1/segments/`)."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from intimacy_ops.api import (
    ScopedReadOnlyViewSet,
)
from segments.api.common import MONEY, StrictInput, _errors
from segments.api.customers import SampleCustomerSerializer
from segments.models import Segment
from segments.selectors import tiers as selectors
from segments.services import classification


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
