"""Boards and reviews, read-only in the admin: writes go through governance's services."""

from django.contrib import admin

from governance.models import Board, Review
from intimacy_ops.admin import ReadOnlyAdmin


@admin.register(Board)
class BoardAdmin(ReadOnlyAdmin):
    list_display = ["name", "chair", "quorum", "rule", "review_days"]
    list_select_related = ["chair"]


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ["exception", "board", "status", "due_on", "outcome"]
    list_filter = ["status", "outcome", "board"]
    list_select_related = ["exception", "board"]
