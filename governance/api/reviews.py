"""The reviews API (CONTRACT.md): boards and reviews; votes and decide come with the governance issue."""

from rest_framework import serializers

from governance.models import Board, Review
from intimacy_ops import access
from intimacy_ops.api import ScopedReadOnlyViewSet


class BoardSerializer(serializers.ModelSerializer):
    chair = serializers.SlugRelatedField(slug_field="username", read_only=True)
    members = serializers.SlugRelatedField(slug_field="username", many=True, read_only=True)
    regions = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Board
        fields = ["id", "name", "chair", "members", "categories", "regions", "quorum", "rule", "review_days"]
        read_only_fields = fields


class ReviewSerializer(serializers.ModelSerializer):
    class Meta:
        model = Review
        fields = [
            "id",
            "exception",
            "extension",
            "board",
            "status",
            "due_on",
            "outcome",
            "rationale",
            "conditions",
            "opened_at",
            "closed_at",
        ]
        read_only_fields = fields


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
    """Reviews of exception requests by a board: open, decided or withdrawn, with due date and outcome."""

    queryset = Review.objects.all()
    serializer_class = ReviewSerializer
    filterset_fields = ["status", "board", "exception"]
    ordering_fields = ["due_on", "opened_at"]
    ordering = ["due_on", "id"]

    def get_queryset(self):
        return access.visible(self.request.user, Review)


def register(router) -> None:
    router.register("boards", BoardViewSet, basename="board")
    router.register("reviews", ReviewViewSet, basename="review")
