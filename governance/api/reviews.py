"""The reviews API (CONTRACT.md): boards, and reviews with their votes, recusals, co-opted members, tally and
impact assessment; a member votes or declares an interest, the chair co-opts and decides, the process owner
edits the impact assessment."""

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from governance.api.shapes import (
    ConditionSerializer,
    CoOptInputSerializer,
    DecideInputSerializer,
    ExclusionSerializer,
    ImpactInputSerializer,
    InterestInputSerializer,
    ProposalInputSerializer,
    RecusalSerializer,
    TallySerializer,
    VoteInputSerializer,
    VoteSerializer,
    tally_json,
)
from governance.filters import ORDERING_FIELDS, ReviewFilter
from governance.models import Board, Review
from governance.services import casting, impact, impact_many, proposing, reviews, tally_rows, voting
from intimacy_ops import access, errors
from intimacy_ops.api import ERROR_RESPONSES, ScopedReadOnlyViewSet


def _errors(*codes: int) -> dict:
    return {code: ERROR_RESPONSES[code] for code in codes}


class BoardSerializer(serializers.ModelSerializer):
    chair = serializers.SlugRelatedField(slug_field="username", read_only=True)
    members = serializers.SlugRelatedField(slug_field="username", many=True, read_only=True)
    regions = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Board
        fields = ["id", "name", "chair", "members", "categories", "regions", "quorum", "rule", "review_days"]
        read_only_fields = fields


class ReviewListSerializer(serializers.ListSerializer):
    """A page of reviews: their open assessments' live figures computed for the whole page at once."""

    def to_representation(self, data):
        items = list(data.all() if hasattr(data, "all") else data)
        tally_rows.fetch_rows(items)
        impact_many.prime(items)
        return super().to_representation(items)


class ReviewSerializer(serializers.ModelSerializer):
    # Plain strings: the schema names each choice set once (outcome on decide's input, kind here in the help).
    kind = serializers.CharField(read_only=True, help_text="exception | extension | standardization | sunset")
    outcome = serializers.CharField(
        read_only=True,
        help_text="Empty until decided: approve | approve_with_conditions | reject | return_for_changes.",
    )
    votes = serializers.SerializerMethodField()
    recused = serializers.SerializerMethodField()
    co_opted = serializers.SerializerMethodField()
    tally = serializers.SerializerMethodField()
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    covered = serializers.SerializerMethodField()
    exclusions = serializers.SerializerMethodField()
    condition_items = serializers.SerializerMethodField()

    class Meta:
        model = Review
        fields = [
            "id",
            "kind",
            "title",
            "exception",
            "extension",
            "process",
            "covered",
            "sunset_on",
            "standard_option",
            "exclusions",
            "condition_items",
            "board",
            "status",
            "due_on",
            "deferrals",
            "outcome",
            "rationale",
            "conditions",
            "decided_by",
            "meeting",
            "impact",
            "impact_updated_at",
            "votes",
            "recused",
            "co_opted",
            "tally",
            "opened_at",
            "closed_at",
        ]
        read_only_fields = fields
        list_serializer_class = ReviewListSerializer

    def to_representation(self, review):
        """What DRF renders from the fields above (`drf_representation`; a test holds them equal), built by hand:
        DRF's field machinery per review was a fifth of the list's CPU."""
        tally_rows.fetch_rows([review])  # a review of the list has them already
        when, day = _DATETIME.to_representation, _date
        decided_by = review.decided_by
        return {
            "id": review.pk,
            "kind": _text(review.kind),
            "title": _text(review.title),
            "exception": review.exception_id,
            "extension": review.extension_id,
            "process": review.process_id,
            "covered": self.get_covered(review),
            "sunset_on": day(review.sunset_on),
            "standard_option": _text(review.standard_option),
            "exclusions": self.get_exclusions(review),
            "condition_items": self.get_condition_items(review),
            "board": review.board_id,
            "status": _text(review.status),
            "due_on": day(review.due_on),
            "deferrals": review.deferrals if review.deferrals is None else int(review.deferrals),
            "outcome": _text(review.outcome),
            "rationale": _text(review.rationale),
            "conditions": _text(review.conditions),
            "decided_by": decided_by.username if decided_by is not None else None,
            "meeting": review.meeting_id,
            "impact": self._impact(review),
            "impact_updated_at": when(review.impact_updated_at),
            "votes": self.get_votes(review),
            "recused": self.get_recused(review),
            "co_opted": self.get_co_opted(review),
            "tally": self.get_tally(review),
            "opened_at": when(review.opened_at),
            "closed_at": when(review.closed_at),
        }

    def drf_representation(self, review):
        """The same through DRF's fields (what `to_representation` must equal)."""
        tally_rows.fetch_rows([review])
        data = super().to_representation(review)
        data["impact"] = self._impact(review)
        return data

    @staticmethod
    def _impact(review):
        return review.current_impact if hasattr(review, "current_impact") else impact.current(review)

    def _tally(self, review):
        if not hasattr(review, "_tally"):
            review._tally = voting.tally(review)
        return review._tally

    @extend_schema_field(VoteSerializer(many=True))
    def get_votes(self, review):
        """As VoteSerializer renders a vote, built by hand (DRF's fields per vote were a seventh of the list)."""
        when = _DATETIME.to_representation
        return [
            {
                "member": vote.member.username,
                "choice": vote.choice,
                "rationale": vote.rationale,
                "cast_at": when(vote.cast_at),
                "changed_at": when(vote.changed_at),
                "cast_by": vote.cast_by.username if vote.cast_by is not None else None,
            }
            for vote in self._tally(review).votes
        ]

    @extend_schema_field(RecusalSerializer(many=True))
    def get_recused(self, review):
        return [{"member": row.member.username, "reason": row.reason} for row in self._tally(review).recused]

    def get_co_opted(self, review) -> list[dict]:
        return [
            {"member": row.member.username, "co_opted_by": row.co_opted_by.username, "reason": row.reason}
            for row in voting.rows_of(review, "co_opted")
        ]

    def get_covered(self, review) -> list[int]:
        """A proposal's exceptions (ids)."""
        return [exception.pk for exception in voting.rows_of(review, "covered")]

    @extend_schema_field(ExclusionSerializer(many=True))
    def get_exclusions(self, review):
        """Covered exceptions the chair left out of an approved sunset (they stay active), with the reason."""
        return [
            {"exception": row.exception_id, "reason": row.reason}
            for row in voting.rows_of(review, "exclusions")
        ]

    @extend_schema_field(ConditionSerializer(many=True))
    def get_condition_items(self, review):
        """The conditions of an approval: what, who, by when; met or open."""
        return [
            {
                "id": row.pk,
                "description": row.description,
                "owner": row.owner.username,
                "due_on": row.due_on.isoformat(),
                "met_at": row.met_at.isoformat().replace("+00:00", "Z") if row.met_at else None,
            }
            for row in voting.rows_of(review, "condition_items")
        ]

    @extend_schema_field(TallySerializer)
    def get_tally(self, review):
        return tally_json(self._tally(review))


# The one DRF field the hand-built rows still go through (times: ISO 8601 in the current time zone, "Z" for UTC).
_DATETIME = serializers.DateTimeField()


def _text(value):
    return None if value is None else str(value)


def _date(value):
    return value.isoformat() if value else None


class BoardViewSet(ScopedReadOnlyViewSet):
    """Change-control boards: chair, members, scope (process categories, regions), quorum and decision rule."""

    queryset = Board.objects.all()
    serializer_class = BoardSerializer
    ordering = ["name", "id"]

    def get_queryset(self):
        return (
            access.visible(self.request.user, Board)
            .select_related("chair")
            .prefetch_related("members", "regions")
        )


class ReviewViewSet(ScopedReadOnlyViewSet):
    """Reviews by a change-control board of an exception request, an extension, or a standardization or sunset
    proposal: open, decided or withdrawn, with due date, impact assessment, votes, recused members (and why),
    co-opted members, the tally (quorum, rule, the outcomes the chair may record now) and the decision.

    Visible to the board's members and chair, members co-opted to the review, the process's owner, and whoever
    may see the request under review."""

    queryset = Review.objects.all()
    serializer_class = ReviewSerializer
    filterset_class = ReviewFilter  # the governance page's filters too (governance/filters.py)
    ordering_fields = ORDERING_FIELDS
    ordering = ["due_on", "id"]

    # The acts lock the review and read it afresh with what the tally needs (voting._locked), and the answer
    # is read again after: finding the review they act on needs only the scope (404 outside it).
    LOCKING_ACTIONS = frozenset({"votes", "decide", "declare_interest", "co_opt"})

    def get_queryset(self):
        visible = access.visible(self.request.user, Review)
        # The related rows (votes, members, …) are read by the serializer for the page or the review
        # (`tally_rows.fetch_rows`): plain rows, not a prefetch of model instances.
        return visible if self.action in self.LOCKING_ACTIONS else voting.with_tally_joins(visible)

    @extend_schema(
        request=ProposalInputSerializer, responses={201: ReviewSerializer, **_errors(400, 401, 403, 404, 409)}
    )
    def create(self, request):
        """Propose by hand (a board member, a process owner or an operations lead): sunset the listed active
        exceptions of one process, or fold them into its standard, saying why. One review opens on the covering
        board, the impact assessment prefilled; its people and the process owner are told. 403 for other roles;
        404 for exceptions outside your regions; 400 for exceptions of another process or no longer active; 409
        naming the open review that already covers one of them."""
        access.require(request.user, "propose", Review)  # the door first: 403 before reading the body
        payload = ProposalInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        review = proposing.propose(actor=request.user, **payload.validated_data)
        return self._present(review, code=201, found_in_scope=False)

    def _present(self, review, code=200, *, found_in_scope=True):
        """The review as it is now. An act's review was found in the actor's scope by `get_object` a moment ago
        (none of the acts changes who sees it): read again by id, the scope not compiled and planned twice."""
        reviews = Review.objects.all() if found_in_scope else access.visible(self.request.user, Review)
        fresh = voting.with_tally_joins(reviews).get(pk=review.pk)
        return Response(ReviewSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    @extend_schema(
        request=VoteInputSerializer, responses={200: ReviewSerializer, **_errors(400, 401, 403, 404, 409)}
    )
    @action(detail=True, methods=["post"])
    def votes(self, request, pk=None):
        """Vote approve, reject or abstain with a rationale (a member who may vote); voting again changes the vote.

        403 with `reason` for a recused member (raised the request, manages the customer, declared an interest)
        and for anyone not on the review; 409 once the review is decided or withdrawn."""
        review = self.get_object()
        payload = VoteInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        casting.cast_vote(review=review, member=request.user, **payload.validated_data)
        return self._present(review)

    @extend_schema(
        request=DecideInputSerializer, responses={200: ReviewSerializer, **_errors(400, 401, 403, 404, 409)}
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """Record the board's decision (the chair): approve, approve_with_conditions (`conditions` required),
        reject, defer (due date moves by the board's review SLA), or return_for_changes; `meeting` optional, one
        of the board's. 409 with a message when quorum is not met or the votes do not support the outcome under
        the board's rule (see `tally.refused`)."""
        review = self.get_object()
        payload = DecideInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        reviews.decide_review(review=review, actor=request.user, **payload.validated_data)
        return self._present(review)

    @extend_schema(
        request=InterestInputSerializer, responses={200: ReviewSerializer, **_errors(400, 401, 403, 404, 409)}
    )
    @action(detail=True, methods=["post"], url_path="declare-interest", url_name="declare-interest")
    def declare_interest(self, request, pk=None):
        """Declare an interest and step aside (a member of the review): recorded; your vote, if any, is removed."""
        review = self.get_object()
        payload = InterestInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        voting.declare_interest(review=review, member=request.user, **payload.validated_data)
        return self._present(review)

    @extend_schema(
        request=CoOptInputSerializer, responses={200: ReviewSerializer, **_errors(400, 401, 403, 404, 409)}
    )
    @action(detail=True, methods=["post"], url_path="co-opt", url_name="co-opt")
    def co_opt(self, request, pk=None):
        """Co-opt a substitute member (the chair) by username, when fewer eligible members remain than the
        quorum (409 otherwise); the person must not be conflicted (400)."""
        review = self.get_object()
        payload = CoOptInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        voting.co_opt_member(review=review, actor=request.user, **payload.validated_data)
        return self._present(review)

    @extend_schema(
        request=ImpactInputSerializer, responses={200: ReviewSerializer, **_errors(400, 401, 403, 404, 409)}
    )
    @action(detail=True, methods=["post", "patch"])
    def impact(self, request, pk=None):
        """Correct or complete the impact assessment (the process's owner, while the review is open)."""
        review = self.get_object()
        payload = ImpactInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        if not payload.validated_data:
            raise errors.ValidationFailed(message="Send at least one field of the impact assessment.")
        impact.update_impact(review=review, actor=request.user, **payload.validated_data)
        return self._present(review)


def register(router) -> None:
    router.register("boards", BoardViewSet, basename="board")
    router.register("reviews", ReviewViewSet, basename="review")
