"""Boards, reviews and their votes, read-only in the admin: writes go through governance's services (the review
page and the API), so every vote, recusal and decision is checked and audited the same way."""

from django.contrib import admin

from governance.models import Board, CoOptedMember, DeclaredInterest, Review, Vote
from governance.services import voting
from intimacy_ops.admin import ReadOnlyAdmin


@admin.register(Board)
class BoardAdmin(ReadOnlyAdmin):
    list_display = ["name", "chair", "quorum", "rule", "review_days"]
    list_select_related = ["chair"]


class VoteInline(admin.TabularInline):
    model = Vote
    fields = ["member", "choice", "rationale", "cast_at", "changed_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class DeclaredInterestInline(VoteInline):
    model = DeclaredInterest
    fields = ["member", "statement", "declared_at"]
    readonly_fields = fields


class CoOptedMemberInline(VoteInline):
    model = CoOptedMember
    fields = ["member", "co_opted_by", "reason", "co_opted_at"]
    readonly_fields = fields


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "kind", "board", "status", "due_on", "outcome", "deferrals"]
    list_filter = ["status", "kind", "outcome", "board"]
    list_select_related = ["exception", "board"]
    inlines = [VoteInline, DeclaredInterestInline, CoOptedMemberInline]
    readonly_fields = ["tally_summary"]

    @admin.display(description="Tally")
    def tally_summary(self, obj) -> str:
        review = voting.with_tally_data(Review.objects.all()).get(pk=obj.pk)
        tally = voting.tally(review)
        recused = "; ".join(f"{r.member.username} ({r.reason})" for r in tally.recused) or "none"
        return (
            f"{tally.approve} approve, {tally.reject} reject, {tally.abstain} abstain; quorum {tally.voted}/{tally.quorum}; "
            f"recused: {recused}; allowed now: {', '.join(tally.allowed_outcomes) or 'nothing'}"
        )
