"""`/api/v1/dashboard/summary/` (one key per registered summary) and `/api/v1/dashboard/<key>/` (one panel's
table), with the page's filters as query parameters; a bad value → 400 naming it. Access: the
`view_dashboard` rule (account managers 403)."""

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from intimacy_ops import access, errors
from intimacy_ops.accounts.models import Region
from intimacy_ops.api import ERROR_RESPONSES
from intimacy_ops.dashboard import filters as dashboard_filters
from intimacy_ops.dashboard import present, registry
from intimacy_ops.dashboard.access_rules import VIEW_DASHBOARD

FILTER_PARAMETERS = [
    OpenApiParameter(
        "region",
        {"type": "array", "items": {"type": "string"}},
        description="Region code (repeatable), only your regions; default all of them.",
        explode=True,
    ),
    OpenApiParameter("segment", OpenApiTypes.INT, description="Segment id."),
    OpenApiParameter("process", OpenApiTypes.INT, description="Process id."),
    OpenApiParameter(
        "period",
        OpenApiTypes.STR,
        enum=[code for code, _ in dashboard_filters.PERIODS],
        description="Preset period.",
    ),
    OpenApiParameter(
        "since", OpenApiTypes.DATE, description="Start of the period (inclusive); wins over period."
    ),
    OpenApiParameter("until", OpenApiTypes.DATE, description="End of the period (inclusive), default today."),
    OpenApiParameter("share", OpenApiTypes.NUMBER, description="Revenue share in percent (default 5)."),
]
RESPONSES = {400: ERROR_RESPONSES[400], 403: ERROR_RESPONSES[403]}


# Typed parameters (the schema's integer, date, number, enum): an empty value is a 400, not "all".
TYPED = ("segment", "process", "period", "since", "until", "share")


def _filters(request: Request) -> dashboard_filters.Filters:
    access.require(request.user, VIEW_DASHBOARD, Region)
    params = request.query_params
    empty = [name for name in TYPED if "" in params.getlist(name)]
    if empty:
        raise errors.ValidationFailed({name: ["Give a value, or leave the parameter out."] for name in empty})
    filters, form = dashboard_filters.parse(request.user, params)
    if filters is None:
        raise errors.ValidationFailed({name: list(messages) for name, messages in form.errors.items()})
    return filters


def _scope(filters: dashboard_filters.Filters) -> dict:
    return {
        "regions": filters.region_codes,
        "since": filters.since.isoformat(),
        "until": filters.until.isoformat(),
        "currency": settings.CURRENCY,
    }


class SummaryView(APIView):
    @extend_schema(
        operation_id="dashboard_summary",
        parameters=FILTER_PARAMETERS,
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="One key per figure."), **RESPONSES},
    )
    def get(self, request: Request) -> Response:
        filters = _filters(request)
        body = _scope(filters)
        for key, compute in sorted(registry.summaries().items()):
            body[key] = compute(request.user, filters)
        return Response(body)


class PanelView(APIView):
    @extend_schema(
        operation_id="dashboard_panel",
        parameters=[
            OpenApiParameter(
                "key",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                enum=[panel.key for panel in registry.panels()] or None,
                description="The panel.",
            ),
            *FILTER_PARAMETERS,
        ],
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="The panel's table."), **RESPONSES},
    )
    def get(self, request: Request, key: str) -> Response:
        filters = _filters(request)
        panel = registry.panel(key)
        if panel is None:
            raise errors.NotFound("No dashboard panel has that name.")
        return Response({**present.for_api(panel, panel.compute(request.user, filters)), **_scope(filters)})
