"""Who sees what in governance: boards are known to everyone signed in; a review is seen by its board's
members and chair, by members co-opted to it, by the owner of the process it concerns, and by whoever may
see the request under review (or one of the exceptions a proposal covers)."""

from django.db.models import Q
from django.db.models.expressions import RawSQL

from exceptions.models import ExceptionRequest, Process
from governance.access_rules.boards import chair_only
from governance.models import Board, CoOptedMember, Review
from intimacy_ops import access
from intimacy_ops.accounts import delegation
from intimacy_ops.accounts.roles import Role


@access.register_scope(Board)
def _boards(user, queryset):
    return queryset


@access.register_scope(Review)
def _reviews(user, queryset):
    if access.sees_all_regions(user):
        return queryset
    # A delegate votes on their principals' boards' reviews for them.
    people = [user.pk, *(principal.pk for principal in delegation.principals_for(user))]
    # The parts on the person's own rows are written out (RawSQL): the same subqueries as the ORM's, which
    # Django resolved and compiled anew for the count and the page of every reviews list (bench/README.md).
    on_board = Q(board_id__in=_sql(_BOARDS, people))
    co_opted = Q(pk__in=_sql(_CO_OPTED, [user.pk]))
    # Subqueries on the owner's processes, not joins: a join to every review's request and its process made
    # PostgreSQL pass over every request to find the reviews of a board member's boards.
    owner = Q(exception_id__in=_sql(_OWNED_REQUESTS, [user.pk])) | Q(process_id__in=_sql(_OWNED, [user.pk]))
    seen = access.visible(user, ExceptionRequest).values("pk")
    # A proposal is seen by whoever sees one of the exceptions it covers (e.g. the lead who proposed it).
    covering = Q(pk__in=Review.covered.through.objects.filter(exceptionrequest__in=seen).values("review_id"))
    return queryset.filter(on_board | co_opted | owner | Q(exception__in=seen) | covering)


def _sql(template: str, ids: list[int]) -> RawSQL:
    sql = template.format(ids=", ".join(["%s"] * len(ids)))
    return RawSQL(sql, ids * template.count("{ids}"))  # noqa: S611  (ids as params)


_BOARDS = (
    f"SELECT m.board_id FROM {Board.members.through._meta.db_table} m WHERE m.user_id IN ({{ids}}) "  # noqa: S608  (table names; ids as params)
    f"UNION SELECT b.id FROM {Board._meta.db_table} b WHERE b.chair_id IN ({{ids}})"
)
_CO_OPTED = f"SELECT c.review_id FROM {CoOptedMember._meta.db_table} c WHERE c.member_id IN ({{ids}})"  # noqa: S608
_OWNED = f"SELECT p.id FROM {Process._meta.db_table} p WHERE p.owner_id IN ({{ids}})"  # noqa: S608
_OWNED_REQUESTS = f"SELECT e.id FROM {ExceptionRequest._meta.db_table} e WHERE e.process_id IN ({_OWNED})"  # noqa: S608


@access.register_rule(Board, "view")
@access.register_rule(Review, "view")
def _may_view(user, obj):
    return True


# Those who answer for decisions across boards read every board's history.
access.allow_roles(
    Board,
    "read_every_history",
    roles=(Role.AUDITOR, Role.PROCESS_OWNER, Role.ADMINISTRATOR),
    refusal="Only the boards you sit on show their history to you.",
)


access.register_rule(Review, "co_opt")(chair_only("Only the board's chair co-opts a member."))
access.register_rule(Review, "carry_out")(chair_only("Only the board's chair carries out its decision."))


access.register_rule(Board, "revoke_exception")(
    chair_only(
        "Only the chair of the board covering this exception revokes it for the board; "
        "an operations lead of the region revokes it in their own right."
    )
)


# --- the review lifecycle's *who* for a person (governance/lifecycles.py) --------------------------

access.register_rule(Review, "decide")(chair_only("Only the board's chair records its decision."))


@access.register_rule(Review, "withdraw")
def _may_withdraw(user, review):
    if review.exception_id is not None and review.exception.requested_by_id == user.pk:
        return access.ALLOW
    return access.Decision(False, "A review closes unheard only when its request is withdrawn or changed.")


# Who may read the review backlog's summary tables (governance/summaries): they count every review of a region's
# requests, which these roles see anyway; anyone else's backlog is computed live through their scope.
access.allow_roles(
    Review,
    "read_region_figures",
    roles=(Role.OPERATIONS_LEAD, Role.BOARD_MEMBER, Role.AUDITOR, Role.ADMINISTRATOR),
    refusal="Region-wide figures are for operations leads, board members, auditors and administrators.",
)
