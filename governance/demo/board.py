"""Demo board and the board-decided exception requests (CONTRACT.md, "Demo data"). Idempotent."""

import datetime

from django.utils import timezone

from exceptions.demo import seed_requests_for
from exceptions.models import ExceptionRequest, ProcessCategory
from exceptions.services import lifecycle
from governance import services
from governance.models import Board, Review
from intimacy_ops import audit, seeding
from intimacy_ops.accounts.models import Region, User

BOARD_NAME = "Customer Intimacy Change Board"


@seeding.register(name="change-control board", order=45)
def seed_board() -> str:
    if Board.objects.filter(name=BOARD_NAME).exists():
        return f"board {BOARD_NAME!r} already there"
    carol = User.objects.get(username="ccb.carol")
    board = Board.objects.create(
        name=BOARD_NAME,
        chair=carol,
        categories=list(ProcessCategory.values),
        quorum=2,
        rule=Board.Rule.SIMPLE_MAJORITY,
    )
    board.members.set(User.objects.filter(username__in=["ccb.carol", "ccb.dan", "ccb.erin"]))
    board.regions.set(Region.objects.filter(code__in=["EMEA", "AMER"]))
    audit.record(
        actor=None,
        verb="board.created",
        obj=board,
        after={"name": board.name, "chair": carol.username},
        comment="demo data",
    )
    return f"board {BOARD_NAME!r} (carol chair; dan, erin members; quorum 2, simple majority)"


VOTE_WORDS = {
    "approve": "The customer's case is sound and the cost is within what the segment carries.",
    "reject": "The deviation costs more than it returns; the standard process covers the need.",
}

OUTCOMES = {
    "approve": Review.Outcome.APPROVE,
    "reject": Review.Outcome.REJECT,
    "return_for_changes": Review.Outcome.RETURN_FOR_CHANGES,
}


@seeding.register(name="exception requests of AMER (decided by the board)", order=55)
def seed_board_requests() -> str:
    bob = User.objects.get(username="am.bob")
    carol = User.objects.get(username="ccb.carol")

    members = list(User.objects.filter(username__in=["ccb.dan", "ccb.erin"]).order_by("username"))

    def decide(exception, action, rationale):
        review = Review.objects.get(exception=exception, status=Review.Status.OPEN)
        choice = "approve" if action == "approve" else "reject"
        for member in members:
            services.cast_vote(review=review, member=member, choice=choice, rationale=VOTE_WORDS[choice])
        services.decide_review(review=review, actor=carol, outcome=OUTCOMES[action], rationale=rationale)

    def end(exception, action, comment):
        lifecycle.end_exception(
            exception=exception, action=action, actor=carol, comment=comment, authority="board"
        )

    created = seed_requests_for(requester=bob, decide=decide, end=end)
    return f"{ExceptionRequest.objects.filter(requested_by=bob).count()} requests of am.bob ({created} new)"


@seeding.register(name="open reviews with votes (one overdue)", order=56)
def seed_open_reviews() -> str:
    """The open reviews show the queue at work: a vote already cast on one, another past its due date."""
    dan = User.objects.get(username="ccb.dan")
    open_reviews = list(
        Review.objects.filter(
            board__name=BOARD_NAME, status=Review.Status.OPEN, kind=Review.Kind.EXCEPTION
        ).order_by("opened_at", "id")
    )
    if not open_reviews:
        return "no open reviews"
    first = open_reviews[0]
    if not first.votes.exists():
        services.cast_vote(
            review=first,
            member=dan,
            choice="approve",
            rationale="The customer's volume justifies a dedicated line; the impact on capacity is small.",
        )
    overdue = open_reviews[-1]
    today = timezone.localdate()
    if len(open_reviews) > 1 and not any(review.due_on < today for review in open_reviews):
        # Demo only: backdate one review (and say so in the trail) so the queue shows an overdue one in red.
        before = {"due_on": overdue.due_on}
        Review.objects.filter(pk=overdue.pk).update(due_on=today - datetime.timedelta(days=3))
        audit.record(
            actor=None,
            verb="review.backdated",
            obj=overdue,
            before=before,
            after={"due_on": today - datetime.timedelta(days=3)},
            comment="demo data: an overdue review",
        )
    return f"{len(open_reviews)} open reviews (one with a vote, one overdue)"
