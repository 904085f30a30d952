"""Votes, declared interests, co-opted members, quorum and the decision rule of a review.

Eligible members = the board's members ∪ its chair ∪ members co-opted to this review, minus the recused: the
requester (or the extension's), the customer's manager (of any covered one), who declared an interest.

The decision table (`tally(review).allowed_outcomes`; `reviews.decide_review` refuses the rest with 409):

    quorum met      = eligible members who voted (all choices count) >= the quorum it opened with (Review.rules)
    the rule is computed on approve (A) vs reject (R) votes only; abstentions count for quorum, not the rule:

    rule              | the votes support approval when
    ------------------+------------------------------------------
    simple_majority   | A > R
    two_thirds        | A > 0 and A >= 2/3 of (A + R)
    unanimous         | A > 0 and R == 0

    outcome                  | allowed while the review is open when
    -------------------------+---------------------------------------------------------------
    approve                  | quorum met and the rule supports approval
    approve_with_conditions  | quorum met and the rule supports approval
    reject                   | quorum met, the rule does not support approval, R >= 1, and no tie
                             | under simple majority (A == R carries neither side: only defer)
    return_for_changes       | as reject (exception reviews only: an extension or a proposal cannot be returned)
    defer                    | always (what a chair does without quorum)
    All-abstain with quorum: only defer. A decided or withdrawn review: nothing.
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from exceptions.services.notifications import link
from governance.models import Board, Condition, CoOptedMember, DeclaredInterest, Review, SunsetExclusion, Vote
from governance.selectors.boards import review_rules
from intimacy_ops import access, audit, errors, lifecycle
from intimacy_ops.accounts.models import User
from intimacy_ops.notifications import notify

Outcome = Review.Outcome
RULE_NAMES = {
    Board.Rule.SIMPLE_MAJORITY: "simple majority",
    Board.Rule.TWO_THIRDS: "two-thirds",
    Board.Rule.UNANIMOUS: "unanimity",
}
DECISIONS = [
    Outcome.APPROVE,
    Outcome.APPROVE_WITH_CONDITIONS,
    Outcome.REJECT,
    Outcome.RETURN_FOR_CHANGES,
    Outcome.DEFER,
]


def rule_supports_approval(rule: str, approve: int, reject: int) -> bool:
    """The board's decision rule on approve vs reject votes (abstentions are not counted here)."""
    if rule == Board.Rule.TWO_THIRDS:
        return approve > 0 and 3 * approve >= 2 * (approve + reject)
    if rule == Board.Rule.UNANIMOUS:
        return approve > 0 and reject == 0
    return approve > reject


@dataclass(frozen=True)
class Recusal:
    member: object
    reason: str


@dataclass(frozen=True)
class Tally:
    rule: str
    quorum: int
    members: list  # everyone who may sit on this review: board members, chair, co-opted
    eligible: list
    recused: list[Recusal]
    co_opted: list
    votes: list  # the eligible members' votes
    approve: int
    reject: int
    abstain: int
    allowed_outcomes: list[str]
    refused: dict[str, str] = field(default_factory=dict)  # outcome → why the chair may not record it now

    @property
    def voted(self) -> int:
        return len(self.votes)

    @property
    def quorum_met(self) -> bool:
        return self.voted >= self.quorum

    @property
    def rule_name(self) -> str:
        return RULE_NAMES.get(self.rule, self.rule)

    @property
    def rule_supports_approval(self) -> bool:
        return rule_supports_approval(self.rule, self.approve, self.reject)

    @property
    def quorum_possible(self) -> bool:
        return len(self.eligible) >= self.quorum

    def recusal_of(self, user) -> str:
        return next((r.reason for r in self.recused if r.member.pk == user.pk), "")

    def vote_of(self, user):
        return next((vote for vote in self.votes if vote.member_id == user.pk), None)

    def is_member(self, user) -> bool:
        return any(member.pk == user.pk for member in self.members)

    def is_eligible(self, user) -> bool:
        return any(member.pk == user.pk for member in self.eligible)


# What `tally` and the API's fields read; the pages also show the people and the places named here.
_TALLY_JOINS = ("board__chair", "exception__customer", "extension", "decided_by")
_PAGE_JOINS = (
    "exception__requested_by",
    "exception__customer__account_manager",
    "exception__customer__region",
)
_PAGE_JOINS += ("exception__process__owner", "extension__requested_by", "process__owner", "meeting")


def _into_list(lookup: str, queryset: QuerySet) -> Prefetch:
    return Prefetch(lookup, queryset=queryset, to_attr="tally_" + lookup.rsplit("__", 1)[-1])


def with_tally_data(queryset: QuerySet, *, lean: bool = False) -> QuerySet:
    """Reviews with everything `tally` reads, in a fixed number of queries whatever the number of rows.

    `lean`: only the joins the tally and the reviews API read. The related sets land in plain lists (`to_attr`,
    read by `rows_of`): a prefetch into the managers' caches builds a queryset per review and relation.
    """
    return queryset.select_related(*_TALLY_JOINS, *(() if lean else _PAGE_JOINS)).prefetch_related(
        _into_list("board__members", User.objects.all()),
        _into_list("votes", Vote.objects.select_related("member", "cast_by")),
        _into_list("declared_interests", DeclaredInterest.objects.select_related("member")),
        _into_list("co_opted", CoOptedMember.objects.select_related("member", "co_opted_by")),
        _into_list("covered", Review.covered.rel.model.objects.select_related("customer__account_manager")),
        _into_list("condition_items", Condition.objects.select_related("owner", "met_by")),
        _into_list("exclusions", SunsetExclusion.objects.select_related("exception")),
    )


def with_tally_joins(queryset: QuerySet) -> QuerySet:
    """The reviews with the joins `tally` reads; `tally_rows.fetch_rows` fills their related rows (the reviews API)."""
    return queryset.select_related(*_TALLY_JOINS)


def rows_of(obj, name: str) -> list:
    """A review's (or its board's `members`) related rows: what `with_tally_data` fetched, else read now."""
    fetched = getattr(obj, "tally_" + name, None)
    return fetched if fetched is not None else list(getattr(obj, name).all())


def conflicts(review: Review) -> dict[int, str]:
    """Members who may not vote because of who they are to the request: user id → reason."""
    reasons: dict[int, str] = {}
    if review.extension_id and review.extension.requested_by_id:
        reasons[review.extension.requested_by_id] = "raised the request"
    if review.exception_id:
        reasons.setdefault(review.exception.requested_by_id, "raised the request")
        manager_id = review.exception.customer.account_manager_id
        if manager_id:
            reasons.setdefault(manager_id, "manages the customer")
    if review.kind in (Review.Kind.STANDARDIZATION, Review.Kind.SUNSET) and review.pk:
        for covered in rows_of(review, "covered"):
            if covered.customer.account_manager_id:
                reasons.setdefault(covered.customer.account_manager_id, "manages the customer")
    return reasons


def tally(review: Review) -> Tally:
    """Who may vote, who is recused and why, the votes, quorum, and the outcomes the chair may record now."""
    board = review.board
    people = {member.pk: member for member in rows_of(board, "members")}
    people.setdefault(board.chair_id, board.chair)
    co_opted = [row.member for row in rows_of(review, "co_opted")]
    for member in co_opted:
        people.setdefault(member.pk, member)
    reasons = {pk: reason for pk, reason in conflicts(review).items() if pk in people}
    for interest in rows_of(review, "declared_interests"):
        if interest.member_id in people:
            reasons.setdefault(interest.member_id, f"declared an interest: {interest.statement}")
    members = sorted(people.values(), key=lambda user: user.username)
    recused = [Recusal(member, reasons[member.pk]) for member in members if member.pk in reasons]
    eligible = [member for member in members if member.pk not in reasons]
    eligible_ids = {member.pk for member in eligible}
    votes = [vote for vote in rows_of(review, "votes") if vote.member_id in eligible_ids]
    counts = {choice: sum(1 for vote in votes if vote.choice == choice) for choice in Vote.Choice.values}
    approve, reject, abstain = counts["approve"], counts["reject"], counts["abstain"]
    rules = review_rules(review)  # those it opened with: a board's later change is for new reviews
    refused = _refusals(review, rules, len(votes), approve, reject, abstain)
    return Tally(
        rule=rules.rule,
        quorum=rules.quorum,
        members=members,
        eligible=eligible,
        recused=recused,
        co_opted=co_opted,
        votes=votes,
        approve=approve,
        reject=reject,
        abstain=abstain,
        allowed_outcomes=[outcome for outcome in DECISIONS if outcome not in refused],
        refused=refused,
    )


def _refusals(review, rules, voted, approve, reject, abstain) -> dict[str, str]:
    if review.status != Review.Status.OPEN:
        why = f"The review is {review.get_status_display().lower()}: nothing more can be recorded."
        return dict.fromkeys(DECISIONS, why)
    refused: dict[str, str] = {}
    counts = f"{approve} approve, {reject} reject" + (f", {abstain} abstain" if abstain else "")
    rule = RULE_NAMES.get(rules.rule, rules.rule)
    if voted < rules.quorum:
        why = (
            f"Quorum not met: {voted} of {rules.quorum} eligible votes. Wait for the members' votes, "
            "co-opt a substitute if too few can vote, or defer."
        )
        refused.update(dict.fromkeys(DECISIONS[:4], why))
    elif rule_supports_approval(rules.rule, approve, reject):
        why = f"The votes support approval under {rule}, not a refusal: {counts}."
        refused.update(dict.fromkeys([Outcome.REJECT, Outcome.RETURN_FOR_CHANGES], why))
    else:
        why = f"The votes do not support approval under {rule}: {counts}."
        refused.update(dict.fromkeys([Outcome.APPROVE, Outcome.APPROVE_WITH_CONDITIONS], why))
        if reject == 0:
            why = f"Nobody voted to reject: {counts}. Only defer is possible."
            refused.update(dict.fromkeys([Outcome.REJECT, Outcome.RETURN_FOR_CHANGES], why))
        elif rules.rule == "simple_majority" and approve == reject:
            # A tie carries neither side: refusing only approval would let one vote decide it the other way.
            why = f"A tie under {rule} carries neither side: {counts}. Defer, or wait for another vote."
            refused.update(dict.fromkeys([Outcome.REJECT, Outcome.RETURN_FOR_CHANGES], why))
    if review.kind != Review.Kind.EXCEPTION:
        refused.setdefault(
            Outcome.RETURN_FOR_CHANGES,
            f"A {review.get_kind_display().lower()} is approved, rejected or deferred; it cannot be returned.",
        )
    return refused


def _locked(review: Review) -> Review:
    """The review, row-locked for the rest of the transaction, with what `tally` reads (the lean joins: with
    the page's fifteen tables PostgreSQL spent 9-19 ms planning the lock of one row, bench/README.md)."""
    return with_tally_data(Review.objects.select_for_update(of=("self",)), lean=True).get(pk=review.pk)


def _require_open(review: Review, action: str) -> None:
    lifecycle.require_state(review, action, {Review.Status.OPEN})


def _check_may_sit(review: Review, tally_: Tally, member) -> None:
    if not tally_.is_member(member):
        raise errors.PermissionDenied(
            "Only the board's members, its chair and members co-opted to this review take part in it."
        )


def declare_interest(*, review: Review, member, statement: str) -> DeclaredInterest:
    """A member declares an interest and steps aside from the review; their vote, if any, is removed."""
    statement = (statement or "").strip()
    if not statement:
        raise errors.ValidationFailed({"statement": ["Say what your interest is: it is recorded."]})
    with transaction.atomic():
        review = _locked(review)
        _require_open(review, "declare an interest")
        current = tally(review)
        _check_may_sit(review, current, member)
        if any(interest.member_id == member.pk for interest in rows_of(review, "declared_interests")):
            raise errors.Conflict("You already declared an interest in this review.")
        interest = DeclaredInterest.objects.create(
            review=review, member=member, statement=statement, declared_at=timezone.now()
        )
        removed = Vote.objects.filter(review=review, member=member).first()
        if removed is not None:
            removed.delete()
        audit.record(
            actor=member,
            verb="review.interest_declared",
            obj=review,
            before={"vote": removed.choice} if removed else None,
            after={"member": member.username},
            comment=statement,
        )
        review = _locked(review)
        tell_chair_if_quorum_impossible(review)
    return interest


def tell_chair_if_quorum_impossible(review: Review) -> bool:
    """Too few eligible members remain for a quorum: the chair is told they can co-opt a substitute."""
    current = tally(review)
    if current.quorum_possible or review.status != Review.Status.OPEN:
        return False
    notify(
        [review.board.chair],
        subject=f"Co-opt a substitute for “{review.headline}”",
        body=(
            f"Only {len(current.eligible)} member(s) of {review.board.name} may vote on this review, for a "
            f"quorum of {current.quorum} (recused: "
            + "; ".join(f"{r.member.display_name} {r.reason}" for r in current.recused)
            + "). As chair, you can co-opt a substitute member for this review."
        ),
        link=review.get_absolute_url(),
    )
    return True


def co_opt_member(*, review: Review, actor, member, reason: str) -> CoOptedMember:
    """The chair adds a substitute member to one review when too few eligible members remain for quorum."""
    reason = (reason or "").strip()
    if not reason:
        raise errors.ValidationFailed({"reason": ["Say why this person joins the review."]})
    if member is None or not member.is_active:
        raise errors.ValidationFailed({"member": ["Choose an active user."]})
    with transaction.atomic():
        review = _locked(review)
        access.require(actor, "co_opt", review)
        _require_open(review, "co-opt a member")
        current = tally(review)
        if current.quorum_possible:
            raise errors.Conflict(
                f"{len(current.eligible)} eligible members remain for a quorum of {current.quorum}: "
                "co-opting is for when too few can vote."
            )
        if current.is_member(member):
            raise errors.ValidationFailed({"member": [f"{member.display_name} already sits on this review."]})
        conflict = conflicts(review).get(member.pk)
        if conflict:
            raise errors.ValidationFailed(
                {"member": [f"{member.display_name} cannot be co-opted: they {conflict}."]}
            )
        row = CoOptedMember.objects.create(
            review=review, member=member, co_opted_by=actor, reason=reason, co_opted_at=timezone.now()
        )
        audit.record(
            actor=actor,
            verb="review.member_co_opted",
            obj=review,
            after={"member": member.username},
            comment=reason,
        )
        notify(
            [member],
            subject=f"You are co-opted to review “{review.headline}”",
            body=(
                f"{actor.display_name}, chair of {review.board.name}, asks you to sit on this review as a "
                f"substitute member and vote by {review.due_on:%d %B %Y}.\n\nWhy: {reason}"
            ),
            link=review.get_absolute_url(),
        )
    return row


def due_after_deferral(review: Review) -> datetime.date:
    return review.due_on + datetime.timedelta(days=review_rules(review).review_days)


def exception_link(review: Review) -> str:
    return link(review.exception) if review.exception_id else review.get_absolute_url()
