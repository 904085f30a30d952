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


@pytest.mark.parametrize("username", ["ops.oscar", "ccb.carol"])
def test_the_demo_decisions_took_days_so_time_to_decision_reads_days(seeded, client, username):
    """The demo used to submit and decide within a second: the dashboard read "0.0 d" everywhere."""
    from intimacy_ops.accounts.models import User

    client.force_login(User.objects.get(username=username))
    rows = client.get("/api/v1/dashboard/time-to-decision/").json()["rows"]
    assert len({row["month"] for row in rows}) >= 3  # decisions spread over the months
    assert all(row["median_days"] >= 1 for row in rows), rows
    assert {row["route"] for row in rows} >= ({"lead"} if username == "ops.oscar" else {"board"})
    call_command("seed_demo", stdout=StringIO())  # again: nothing moves twice
    assert client.get("/api/v1/dashboard/time-to-decision/").json()["rows"] == rows
