"""The meetings API of governance: `/api/v1/meetings/`, read-only, scoped to the user's boards (and auditors).

Scheduling and running meetings happens on the pages; each meeting links to its `.ics` export.
"""

from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers

from governance.models import AgendaItem, Meeting
from governance.selectors import meetings as selectors
from intimacy_ops import access
from intimacy_ops.api import ERROR_RESPONSES, ScopedReadOnlyViewSet


class AgendaItemSerializer(serializers.ModelSerializer):
    title = serializers.SerializerMethodField()
    due_on = serializers.DateField(source="review.due_on", read_only=True)
    status = serializers.CharField(source="review.status", read_only=True)
    exception = serializers.IntegerField(source="review.exception_id", read_only=True, allow_null=True)

    class Meta:
        model = AgendaItem
        fields = ["position", "review", "title", "exception", "status", "due_on"]
        read_only_fields = fields

    def get_title(self, item) -> str:
        return item.review.headline


class MeetingSerializer(serializers.ModelSerializer):
    board_name = serializers.CharField(source="board.name", read_only=True)
    agenda = AgendaItemSerializer(source="items", many=True, read_only=True)
    attendees = serializers.SlugRelatedField(slug_field="username", many=True, read_only=True)
    decisions = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    status = serializers.SerializerMethodField()
    ics_url = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = [
            "id",
            "board",
            "board_name",
            "title",
            "starts_at",
            "ends_at",
            "location",
            "status",
            "cancelled_at",
            "agenda",
            "attendees",
            "minutes",
            "decisions",
            "ics_url",
        ]
        read_only_fields = fields

    def get_status(self, meeting) -> str:
        """`cancelled`, `scheduled` (not started yet) or `held`."""
        from django.utils import timezone

        if meeting.cancelled_at:
            return "cancelled"
        return "scheduled" if meeting.starts_at > timezone.now() else "held"

    def get_ics_url(self, meeting) -> str:
        path = reverse("governance:meeting-ics", args=[meeting.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


@extend_schema_view(
    list=extend_schema(responses={200: MeetingSerializer(many=True), 401: ERROR_RESPONSES[401]}),
    retrieve=extend_schema(
        responses={200: MeetingSerializer, 401: ERROR_RESPONSES[401], 404: ERROR_RESPONSES[404]}
    ),
)
class MeetingViewSet(ScopedReadOnlyViewSet):
    """Board meetings of the user's boards (every board's for auditors): time, place, agenda, attendance,
    minutes, the decisions taken, and the address of the meeting's `.ics` file."""

    queryset = Meeting.objects.all()
    serializer_class = MeetingSerializer
    filterset_fields = ["board"]
    ordering_fields = ["starts_at"]
    ordering = ["-starts_at", "-id"]

    def get_queryset(self):
        return (
            access.visible(self.request.user, Meeting)
            .select_related("board")
            .prefetch_related(selectors.agenda_prefetch(), "attendees", "decisions")
        )


def register(router) -> None:
    """Add this module's viewsets to the API router."""
    router.register("meetings", MeetingViewSet, basename="meeting")
