"""API of a data subject's right of access: `GET|POST /api/v1/customers/{id}/subject-export/` (data stewards)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from intimacy_ops import access
from intimacy_ops.api import ERROR_RESPONSES, StrictSerializer
from segments.models import Customer
from segments.services import subject_export


class SubjectExportRequestSerializer(StrictSerializer):
    purpose = serializers.CharField(
        help_text="The request this answers, e.g. 'ticket DSR-118, e-mail of 20 Nov' (logged)."
    )


class SubjectExportViewSet(viewsets.GenericViewSet):
    """Everything held about one customer, as JSON. Data stewards only (403); outside your regions: 404."""

    queryset = Customer.objects.all()
    lookup_value_regex = r"\d+"
    serializer_class = SubjectExportRequestSerializer
    pagination_class = None
    filter_backends = []

    @extend_schema(
        methods=["GET"],
        parameters=[OpenApiParameter("purpose", str, required=True, description="The request this answers.")],
        request=None,
        responses={
            200: OpenApiTypes.OBJECT,
            **{code: ERROR_RESPONSES[code] for code in (400, 401, 403, 404)},
        },
    )
    @extend_schema(
        methods=["POST"],
        request=SubjectExportRequestSerializer,
        responses={
            200: OpenApiTypes.OBJECT,
            **{code: ERROR_RESPONSES[code] for code in (400, 401, 403, 404)},
        },
    )
    @action(detail=True, methods=["get", "post"], url_path="subject-export", url_name="subject-export")
    def subject_export(self, request, pk=None):
        """A data subject's export: customer (sensitive fields unmasked), segment history, cases with
        waiting intervals, rejected import rows, audit events, access log. Audited and access-logged."""
        customer = access.get_visible(request.user, Customer, pk=pk)
        access.require(request.user, "subject_export", customer)  # 403 before any word about the input
        if request.method == "POST":
            payload = SubjectExportRequestSerializer(data=request.data)
            payload.is_valid(raise_exception=True)
            purpose = payload.validated_data["purpose"]
        else:
            purpose = request.query_params.get("purpose", "")
        return Response(subject_export.export_subject(actor=request.user, customer=customer, purpose=purpose))


def register(router) -> None:
    router.register("customers", SubjectExportViewSet, basename="customer-subject")
