"""`/api/v1/playbooks/` (CONTRACT.md: `segment, version, plays`; creating one is publishing a new version of
the tier's playbook, from its `effective_on`) and `/api/v1/plays/` (the plays due per customer, filtered by
`customer`, `status`, `due_after`/`due_before`, `mine`; `POST …/{id}/done/` and `…/{id}/skip/` with a `note`)."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from intimacy_ops import access
from intimacy_ops.api import ERROR_RESPONSES, ScopedViewSetMixin, StrictSerializer
from keyaccounts.models import Play, Playbook, PlayDue
from keyaccounts.playbooks import selectors, services
from keyaccounts.playbooks.filters import PlaybookFilter, PlayDueFilter
from segments.models import Segment


def _errors(*codes: int) -> dict:
    return {code: ERROR_RESPONSES[code] for code in codes}


class PlaySerializer(serializers.ModelSerializer):
    class Meta:
        model = Play
        fields = ["position", "title", "what", "trigger", "every_days", "role", "days_to_do"]
        read_only_fields = fields


class PlaybookSerializer(serializers.ModelSerializer):
    plays = PlaySerializer(many=True, read_only=True)
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Playbook
        fields = ["id", "segment", "version", "effective_on", "note", "plays", "created_by", "created_at"]
        read_only_fields = fields


class PlayInput(StrictSerializer):
    title = serializers.CharField(max_length=200)
    what = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    trigger = serializers.ChoiceField(choices=Play.Trigger.choices)
    every_days = serializers.IntegerField(
        min_value=1,
        max_value=services.MAX_DAYS,
        required=False,
        allow_null=True,
        default=None,
        help_text="Cadence plays only: every how many days.",
    )
    role = serializers.ChoiceField(choices=[(r.value, r.label) for r in services.PLAY_ROLES])
    days_to_do = serializers.IntegerField(min_value=0, max_value=services.MAX_DAYS)


class PublishInput(StrictSerializer):
    segment = serializers.PrimaryKeyRelatedField(queryset=Segment.objects.none(), help_text="The tier's id.")
    effective_on = serializers.DateField(help_text="From this day (today or later) the tier follows it.")
    note = serializers.CharField(max_length=services.MAX_NOTE, required=False, allow_blank=True, default="")
    plays = PlayInput(many=True, allow_empty=False, max_length=services.MAX_PLAYS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.context.get("request"), "user", None)
        if user is not None:
            self.fields["segment"].queryset = access.visible(user, Segment)


class PlayDueSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="play.title", read_only=True)
    playbook = serializers.IntegerField(source="play.playbook_id", read_only=True)
    role = serializers.CharField(source="play.role", read_only=True)
    done_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = PlayDue
        fields = [
            "id",
            "customer",
            "play",
            "playbook",
            "title",
            "role",
            "occurrence",
            "due_on",
            "status",
            "done_by",
            "done_at",
            "note",
            "created_at",
        ]
        read_only_fields = fields


class CloseInput(StrictSerializer):
    note = serializers.CharField(
        max_length=services.MAX_NOTE,
        required=False,
        allow_blank=True,
        default="",
        help_text="What was done (required to skip: why not).",
    )


@extend_schema_view(
    list=extend_schema(responses={200: PlaybookSerializer(many=True), **_errors(400, 401)}),
    retrieve=extend_schema(responses={200: PlaybookSerializer, **_errors(401, 404)}),
    create=extend_schema(request=PublishInput, responses={201: PlaybookSerializer, **_errors(400, 401, 403)}),
)
class PlaybookViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Playbooks per tier, each row one version with its plays; POST publishes a new version (process owners,
    operations leads, administrators). Older versions are kept; the highest one in effect is followed."""

    queryset = Playbook.objects.all()
    serializer_class = PlaybookSerializer
    filterset_class = PlaybookFilter
    ordering_fields = ["version", "effective_on", "id"]
    ordering = ["segment__rank", "-version"]

    def get_queryset(self):
        return selectors.playbooks(self.request.user)

    def get_serializer_class(self):
        return PublishInput if self.action == "create" else PlaybookSerializer

    def create(self, request, *args, **kwargs):
        access.require(request.user, "create", Playbook)
        payload = PublishInput(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        playbook = services.publish_version(
            actor=request.user,
            segment=data["segment"],
            effective_on=data["effective_on"],
            note=data["note"],
            plays=[dict(play) for play in data["plays"]],
        )
        fresh = self.get_queryset().get(pk=playbook.pk)
        return Response(PlaybookSerializer(fresh).data, status=status.HTTP_201_CREATED)


def _close_action(name: str, doc: str):
    @extend_schema(request=CloseInput, responses={200: PlayDueSerializer, **_errors(400, 401, 403, 404, 409)})
    def handler(self, request, pk=None):
        play_due = self.get_object()
        payload = CloseInput(data=request.data)
        payload.is_valid(raise_exception=True)
        act = services.mark_done if name == "done" else services.skip
        act(actor=request.user, play_due=play_due, note=payload.validated_data["note"])
        return Response(PlayDueSerializer(self.get_queryset().get(pk=play_due.pk)).data)

    handler.__name__ = handler.__qualname__ = name
    handler.__doc__ = doc
    return action(detail=True, methods=["post"], url_path=name, url_name=name)(handler)


@extend_schema_view(
    list=extend_schema(responses={200: PlayDueSerializer(many=True), **_errors(400, 401)}),
    retrieve=extend_schema(responses={200: PlayDueSerializer, **_errors(401, 404)}),
)
class PlayDueViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The plays due per customer (one per customer, play and occurrence), created by the check
    `keyaccounts.plays_due`; scoped like their customer."""

    queryset = PlayDue.objects.all()
    serializer_class = PlayDueSerializer
    filterset_class = PlayDueFilter
    ordering_fields = ["due_on", "status", "id"]
    ordering = ["due_on", "id"]

    def get_queryset(self):
        return selectors.plays_due(self.request.user)

    def get_serializer_class(self):
        return CloseInput if self.action in ("done", "skip") else PlayDueSerializer

    done = _close_action("done", "Mark the play done (due → done), with a note of what happened.")
    skip = _close_action("skip", "Skip the play this time (due → skipped); `note` says why (required).")


def register(router) -> None:
    router.register("playbooks", PlaybookViewSet, basename="playbook")
    router.register("plays", PlayDueViewSet, basename="play")
