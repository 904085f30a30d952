"""The decision table of governance.services.voting, through `decide_review`: for each rule and vote pattern
(abstentions and recusals included), which outcomes the chair may record and which are refused with 409."""

import pytest
from django.db import transaction

from exceptions.services import lifecycle
from governance import services
from governance.models import Review
from intimacy_ops import errors
from intimacy_ops.accounts.roles import Role
from tests.exceptions.factories import ExceptionRequestFactory, scenario
from tests.factories import user_with

pytestmark = pytest.mark.django_db

ALL = {"approve", "approve_with_conditions", "reject", "return_for_changes", "defer"}
APPROVE = {"approve", "approve_with_conditions", "defer"}
REJECT = {"reject", "return_for_changes", "defer"}
DEFER = {"defer"}

QUORUM = "Quorum not met"

# rule, quorum, votes (A approve, R reject, X abstain; one letter per member), recused members, allowed, refusal
TABLE = [
    # simple majority: approvals > rejections
    ("simple_majority", 2, "AA", 0, APPROVE, "The votes support approval under simple majority"),
    ("simple_majority", 2, "A", 0, DEFER, "Quorum not met: 1 of 2 eligible votes"),
    ("simple_majority", 2, "", 0, DEFER, "Quorum not met: 0 of 2 eligible votes"),
    # a tie carries neither side (issue 18, defect 4: reject was allowed at 1-1 while approve was not)
    (
        "simple_majority",
        2,
        "AR",
        0,
        DEFER,
        "A tie under simple majority carries neither side: 1 approve, 1 reject",
    ),
    ("simple_majority", 4, "AARR", 0, DEFER, "A tie under simple majority"),
    ("simple_majority", 2, "RR", 0, REJECT, "The votes do not support approval"),
    ("simple_majority", 2, "AX", 0, APPROVE, "not a refusal: 1 approve, 0 reject, 1 abstain"),
    ("simple_majority", 2, "XX", 0, DEFER, "Nobody voted to reject: 0 approve, 0 reject, 2 abstain"),
    ("simple_majority", 3, "AAX", 0, APPROVE, "The votes support approval"),
    ("simple_majority", 3, "ARR", 0, REJECT, "1 approve, 2 reject"),
    ("simple_majority", 3, "AXX", 0, APPROVE, "The votes support approval"),
    # two-thirds: approvals >= 2/3 of (approvals + rejections), and at least one approval
    (
        "two_thirds",
        5,
        "AAARR",
        0,
        REJECT,
        "The votes do not support approval under two-thirds: 3 approve, 2 reject",
    ),
    ("two_thirds", 3, "AAR", 0, APPROVE, "The votes support approval under two-thirds"),
    ("two_thirds", 3, "AXX", 0, APPROVE, "The votes support approval under two-thirds"),
    ("two_thirds", 3, "XXX", 0, DEFER, "Nobody voted to reject"),
    ("two_thirds", 4, "AAR", 0, DEFER, "Quorum not met: 3 of 4 eligible votes"),
    # unanimous: at least one approval and no rejection
    (
        "unanimous",
        3,
        "AAR",
        0,
        REJECT,
        "The votes do not support approval under unanimity: 2 approve, 1 reject",
    ),
    ("unanimous", 3, "AAX", 0, APPROVE, "The votes support approval under unanimity"),
    ("unanimous", 2, "XX", 0, DEFER, "Nobody voted to reject"),
    # recusals: the recused do not count for quorum (their votes are removed)
    ("simple_majority", 2, "AA", 1, DEFER, "Quorum not met: 1 of 2 eligible votes"),
    ("simple_majority", 2, "AAA", 1, APPROVE, "The votes support approval"),
    ("unanimous", 2, "RAA", 1, APPROVE, "The votes support approval under unanimity"),
]


@pytest.fixture
def s():
    return scenario()


def _review(s, rule, quorum, size):
    s.board.rule, s.board.quorum = rule, quorum
    s.board.save()
    voters = [s.dan, s.erin, s.carol]
    for number in range(max(0, size - len(voters))):
        extra = user_with(Role.BOARD_MEMBER, regions=["EMEA", "AMER"], username=f"ccb.extra{number}")
        s.board.members.add(extra)
        voters.append(extra)
    exception = ExceptionRequestFactory(customer=s.acme, process=s.fulfilment, estimated_monthly_cost=9000)
    lifecycle.submit_request(exception=exception, actor=exception.requested_by)
    return Review.objects.get(exception=exception), voters


class Rollback(Exception):
    pass


@pytest.mark.parametrize("rule, quorum, votes, recused, allowed, refusal", TABLE)
def test_decision_table(s, rule, quorum, votes, recused, allowed, refusal):
    review, voters = _review(s, rule, quorum, len(votes))
    for voter, letter in zip(voters, votes, strict=False):
        choice = {"A": "approve", "R": "reject", "X": "abstain"}[letter]
        services.cast_vote(review=review, member=voter, choice=choice, rationale="My reasons.")
    for voter in voters[:recused]:  # the first voters step aside: their votes go
        services.declare_interest(
            review=review, member=voter, statement="My brother-in-law runs the customer."
        )

    assert set(services.tally(review).allowed_outcomes) == allowed
    for outcome in sorted(ALL):
        attempt = dict(
            review=review, actor=s.carol, outcome=outcome, rationale="Decided.", conditions="Report monthly."
        )
        if outcome in allowed:
            with pytest.raises(Rollback), transaction.atomic():
                services.decide_review(**attempt)
                raise Rollback
        else:
            with pytest.raises(errors.Conflict) as refused:
                services.decide_review(**attempt)
            assert refused.value.status == 409
    refusals = [why for why in services.tally(review).refused.values()]
    assert any(refusal in why for why in refusals), refusals
    review.refresh_from_db()
    assert (review.status, review.outcome) == ("open", "")
