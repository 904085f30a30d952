"""The demo data of CONTRACT.md for exceptions and governance, built through the services (real timelines)."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from exceptions.models import CostEntry, ExceptionRequest, Process, RoutingThreshold
from governance.models import Board, Review

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    call_command("seed_demo", stdout=StringIO())


def test_six_processes_thresholds_and_one_board_covering_everything(seeded):
    assert Process.objects.count() == 6
    assert {p.owner.username for p in Process.objects.select_related("owner")} == {"owner.olivia"}
    for threshold in RoutingThreshold.objects.select_related("region"):
        assert (threshold.monthly_cost_below, threshold.one_off_cost_below, threshold.risk_below) == (
            Decimal("5000"),
            Decimal("20000"),
            "high",
        )
    assert sorted(RoutingThreshold.objects.values_list("region__code", flat=True)) == ["AMER", "EMEA"]
    board = Board.objects.get()
    assert board.chair.username == "ccb.carol"
    assert sorted(board.members.values_list("username", flat=True)) == ["ccb.carol", "ccb.dan", "ccb.erin"]
    assert (board.quorum, board.rule) == (2, "simple_majority")
    assert sorted(board.regions.values_list("code", flat=True)) == ["AMER", "EMEA"]
    assert all(board.covers_category(p.category) for p in Process.objects.all())


@pytest.mark.parametrize("username", ["am.alice", "am.bob"])
def test_every_status_for_both_account_managers_with_a_real_timeline(seeded, username):
    requests = ExceptionRequest.objects.filter(requested_by__username=username).prefetch_related(
        "transitions"
    )
    assert {r.status for r in requests} == set(ExceptionRequest.Status.values)
    for request in requests:
        steps = list(request.transitions.all())
        if request.status == "draft":
            assert steps == []
            continue
        assert steps[0].from_status == "draft"
        assert steps[-1].to_status == request.status
        for before, after in zip(steps, steps[1:], strict=False):
            assert before.to_status == after.from_status


def test_board_routed_requests_have_reviews_and_active_ones_have_costs(seeded):
    bobs = ExceptionRequest.objects.filter(requested_by__username="am.bob")
    assert set(bobs.exclude(route="").values_list("route", flat=True)) == {"board"}
    assert Review.objects.filter(exception__in=bobs, status="open").count() == 2  # the two under review
    assert Review.objects.filter(status="decided").exists()
    # Each active request has two costs booked (the plan's, and the dashboard stories' drifting and costly ones).
    active = ExceptionRequest.objects.filter(status="active").count()
    assert active >= 2 + 9
    assert CostEntry.objects.filter(exception__status="active").count() == 2 * active
