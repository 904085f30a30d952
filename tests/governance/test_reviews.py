"""Governance's side of routing: the board whose scope covers a request opens its review; the chair's decision
settles the request through exceptions' service; exceptions never imports governance."""

import ast
from pathlib import Path

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from exceptions.models import ExceptionTransition
from exceptions.services import lifecycle
from governance import services
from governance.models import Board, Review
from intimacy_ops import errors
from tests.exceptions.factories import ExceptionRequestFactory, scenario

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def s():
    return scenario()


def _submitted_big(s, customer=None, process=None):
    exception = ExceptionRequestFactory(
        customer=customer or s.acme, process=process or s.fulfilment, estimated_monthly_cost=9000
    )
    lifecycle.submit_request(exception=exception, actor=exception.requested_by)
    exception.refresh_from_db()
    return exception


def _votes(s, review, choice):
    for member in (s.dan, s.erin):
        services.cast_vote(review=review, member=member, choice=choice, rationale="Discussed.")


def test_exceptions_never_imports_governance():
    for path in (ROOT / "exceptions").rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            assert not any(name.split(".")[0] == "governance" for name in names), path


def test_the_board_covering_category_and_region_opens_the_review(s):
    billing_board = Board.objects.create(name="Billing board", chair=s.carol, categories=["billing"])
    billing_board.regions.set([s.emea])
    on_billing = _submitted_big(s, process=s.billing)
    on_fulfilment = _submitted_big(s)
    assert Review.objects.get(exception=on_billing).board == billing_board  # the specific board wins
    assert Review.objects.get(exception=on_fulfilment).board == s.board  # the catch-all takes the rest
    route = ExceptionTransition.objects.get(exception=on_billing, action="route")
    assert "Billing board" in route.comment


def test_no_board_in_the_region_is_a_409_naming_category_and_region(s):
    s.board.regions.set([s.emea])
    exception = ExceptionRequestFactory(customer=s.zenith, process=s.fulfilment, estimated_monthly_cost=9000)
    with pytest.raises(errors.Conflict) as refused:
        lifecycle.submit_request(exception=exception, actor=s.bob)
    assert "fulfilment processes in AMER" in refused.value.message
    exception.refresh_from_db()
    assert exception.status == "draft"
    assert not Review.objects.exists()


@pytest.mark.parametrize(
    "outcome, status",
    [
        ("approve", "approved"),
        ("approve_with_conditions", "approved"),
        ("reject", "rejected"),
        ("return_for_changes", "changes_requested"),
    ],
)
def test_the_chairs_decision_settles_the_request(s, outcome, status):
    exception = _submitted_big(s)
    review = Review.objects.get(exception=exception)
    _votes(s, review, "approve" if outcome.startswith("approve") else "reject")
    services.decide_review(
        review=review, actor=s.carol, outcome=outcome, rationale="Votes 2-1", conditions="Review in 6 months"
    )
    review.refresh_from_db(), exception.refresh_from_db()
    assert (review.status, review.outcome, review.decided_by) == ("decided", outcome, s.carol)
    assert exception.status == status
    row = exception.transitions.last()
    assert (row.authority, row.actor, row.to_status) == ("board", s.carol, status)
    assert row.comment.startswith("Votes 2-1")


def test_defer_leaves_the_review_open(s):
    exception = _submitted_big(s)
    review = Review.objects.get(exception=exception)
    services.decide_review(
        review=review, actor=s.carol, outcome="defer", rationale="Need the impact assessment"
    )
    review.refresh_from_db(), exception.refresh_from_db()
    assert (review.status, exception.status) == ("open", "under_review")


def test_only_the_chair_records_a_decision_and_only_once(s):
    exception = _submitted_big(s)
    review = Review.objects.get(exception=exception)
    _votes(s, review, "approve")
    with pytest.raises(errors.PermissionDenied):
        services.decide_review(review=review, actor=s.dan, outcome="approve", rationale="x")
    services.decide_review(review=review, actor=s.carol, outcome="approve", rationale="x")
    with pytest.raises(errors.TransitionNotAllowed):
        services.decide_review(review=review, actor=s.carol, outcome="reject", rationale="x")
    exception.refresh_from_db()
    assert exception.status == "approved"


def test_a_request_has_at_most_one_open_review(s):
    exception = _submitted_big(s)
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(
            exception=exception, board=s.board, due_on=timezone.localdate(), opened_at=timezone.now()
        )


def test_a_returned_request_resubmitted_gets_a_fresh_review(s):
    exception = _submitted_big(s)
    _votes(s, Review.objects.get(exception=exception), "reject")
    services.decide_review(
        review=Review.objects.get(exception=exception),
        actor=s.carol,
        outcome="return_for_changes",
        rationale="Scope?",
    )
    lifecycle.submit_request(exception=exception, actor=s.alice)
    assert list(
        Review.objects.filter(exception=exception).values_list("status", flat=True).order_by("id")
    ) == ["decided", "open"]


def test_boards_and_reviews_api(s, signed_in_api):
    exception = _submitted_big(s)
    boards = signed_in_api(s.alice).get("/api/v1/boards/").json()["results"]
    assert boards == [
        {
            "id": s.board.pk,
            "name": "Change board",
            "chair": "ccb.carol",
            "members": ["ccb.carol", "ccb.dan", "ccb.erin"],
            "categories": [],
            "regions": ["AMER", "EMEA"],
            "quorum": 2,
            "rule": "simple_majority",
            "review_days": 10,
        }
    ]
    review = signed_in_api(s.dan).get("/api/v1/reviews/").json()["results"]
    assert [(r["exception"], r["board"], r["status"], r["outcome"]) for r in review] == [
        (exception.pk, s.board.pk, "open", "")
    ]
    assert signed_in_api(s.alice).get("/api/v1/reviews/").json()["count"] == 1  # her own request's review
    assert signed_in_api(s.bob).get("/api/v1/reviews/").json()["count"] == 0
    assert signed_in_api(s.bob).get(f"/api/v1/reviews/{review[0]['id']}/").status_code == 404
