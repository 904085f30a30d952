"""Threshold policies ("standardize or sunset"): each line crosses exactly at its figure, a crossing opens
exactly one review on the board covering it however often the evaluation runs, and a decided proposal frees
its subject for a later one."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from exceptions.models import ExceptionRequest
from governance.models import Review, ThresholdPolicy
from governance.services.evaluation import evaluate_threshold_policies
from intimacy_ops import checks
from intimacy_ops.audit import AuditEvent
from intimacy_ops.notifications.models import Notification
from tests.exceptions.factories import scenario
from tests.governance.policy_helpers import active, customers, policy
from tests.segments.factories import SegmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def s():
    return scenario()


def test_three_runs_open_exactly_one_review_per_crossing(s):
    three = customers(s, 3)
    covered = [active(s, customer=customer, tag="saturday-delivery") for customer in three]
    standardize = policy("Standardize at 3", min_similar_customers=3)

    first = evaluate_threshold_policies()
    second = evaluate_threshold_policies()
    third = evaluate_threshold_policies()

    review = Review.objects.get()
    assert (len(first.opened), first.already_open) == (1, 0)
    assert (len(second.opened), second.already_open) == (0, 1)
    assert (len(third.opened), third.already_open) == (0, 1)
    assert review.kind == "standardization"
    assert review.policy == standardize
    assert review.subject_key == f"process:{s.fulfilment.pk}:tag:saturday-delivery"
    assert review.deviation_tag == "saturday-delivery"
    assert review.board == s.board
    assert review.status == "open"
    assert review.due_on == timezone.localdate() + datetime.timedelta(days=s.board.review_days)
    assert set(review.covered.all()) == set(covered)
    assert review.impact["customers"] == 3
    assert review.impact["similar_active_exceptions"] == 3
    assert review.impact["monthly_cost"] == "1500.00"
    assert "Standardize at 3" in review.summary and "3 customers" in review.summary
    assert AuditEvent.objects.filter(verb="review.opened", object_id=str(review.pk)).count() == 1


def test_the_database_refuses_a_second_open_review_of_one_policy_and_subject(s):
    """The guard is the partial unique constraint, not only the Python check."""
    line = policy("Budget", max_active_exceptions=0)
    active(s)
    evaluate_threshold_policies()
    review = Review.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(
            kind="sunset",
            process=s.fulfilment,
            policy=line,
            subject_key=review.subject_key,
            board=s.board,
            due_on=review.due_on,
            opened_at=timezone.now(),
        )


def test_board_members_and_the_process_owner_hear_of_the_proposal(s):
    active(s, started_days_ago=400)
    policy("Age", max_age_days=365)
    evaluate_threshold_policies()
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert {"ccb.carol", "ccb.dan", "ccb.erin", "owner.olivia"} <= told


@pytest.mark.parametrize("count, crossed", [(2, False), (3, False), (4, True)])
def test_max_active_exceptions_crosses_above_its_line(s, count, crossed):
    for _ in range(count):
        active(s)
    policy("At most 3", scope="process", process=s.fulfilment, max_active_exceptions=3)
    evaluate_threshold_policies()
    reviews = list(Review.objects.all())
    assert bool(reviews) is crossed
    if crossed:
        assert reviews[0].kind == "sunset"
        assert reviews[0].subject_key == f"process:{s.fulfilment.pk}"
        assert reviews[0].covered.count() == 4
        assert "4 active exceptions, more than the maximum of 3" in reviews[0].summary


@pytest.mark.parametrize("monthly, crossed", [("999.99", False), ("1000.00", False), ("1000.01", True)])
def test_max_monthly_cost_crosses_above_its_line(s, monthly, crossed):
    active(s, monthly="500")
    active(s, monthly=str(float(monthly) - 500))
    policy("Cost", max_monthly_cost="1000")
    evaluate_threshold_policies()
    assert Review.objects.exists() is crossed


@pytest.mark.parametrize("age, crossed", [(89, False), (90, False), (91, True)])
def test_max_age_crosses_when_one_is_older_and_covers_only_the_old_ones(s, age, crossed):
    old = active(s, started_days_ago=age)
    active(s, started_days_ago=5)
    policy("Age 90", max_age_days=90)
    evaluate_threshold_policies()
    reviews = list(Review.objects.all())
    assert bool(reviews) is crossed
    if crossed:
        assert list(reviews[0].covered.all()) == [old]


@pytest.mark.parametrize("holders, crossed", [(2, False), (3, True), (4, True)])
def test_min_similar_customers_crosses_at_its_line_counting_distinct_customers(s, holders, crossed):
    holding = customers(s, holders)
    for customer in holding:
        active(s, customer=customer, tag="pallet-labels")
    # A second one of the same customer, an untagged one and another tag never make more customers.
    active(s, customer=holding[0], tag="pallet-labels")
    active(s, customer=s.acme, tag="")
    active(s, customer=s.borealis, tag="other-tag")
    policy("Similar 3", min_similar_customers=3)
    evaluate_threshold_policies()
    reviews = list(Review.objects.all())
    assert bool(reviews) is crossed
    if crossed:
        assert reviews[0].deviation_tag == "pallet-labels"
        assert reviews[0].covered.count() == holders + 1


@pytest.mark.parametrize("days_left, crossed", [(29, True), (30, True), (31, False)])
def test_sunset_lead_days_opens_a_review_of_the_one_exception(s, days_left, crossed):
    today = timezone.localdate()
    expiring = active(s, started_days_ago=100, runs_days=100 + days_left)
    assert expiring.expires_on == today + datetime.timedelta(days=days_left)
    active(s, kind="permanent", expires_on=None, permanent_reason="x")
    policy("Lead 30", sunset_lead_days=30)
    evaluate_threshold_policies()
    reviews = list(Review.objects.all())
    assert bool(reviews) is crossed
    if crossed:
        review = reviews[0]
        assert (review.kind, review.exception, review.process) == ("sunset", expiring, s.fulfilment)
        assert review.subject_key == f"exception:{expiring.pk}"
        assert list(review.covered.all()) == [expiring]


def test_a_segment_policy_counts_only_that_tiers_customers(s):
    strategic = SegmentFactory(name="Strategic", rank=1)
    s.acme.segment = strategic
    s.acme.save()
    active(s, customer=s.acme)
    active(s, customer=s.acme)
    active(s, customer=s.borealis)  # not in the tier
    active(s, customer=s.borealis)
    line = policy("Strategic budget", scope="segment", segment=strategic, max_active_exceptions=1)
    evaluate_threshold_policies()
    review = Review.objects.get()
    assert review.policy == line
    assert review.subject_key == f"segment:{strategic.pk}:process:{s.fulfilment.pk}"
    assert {exception.customer for exception in review.covered.all()} == {s.acme}
    assert "(Strategic)" in review.title


def test_a_global_budget_counts_per_process(s):
    active(s, process=s.fulfilment)
    active(s, process=s.fulfilment)
    active(s, process=s.billing)
    policy("Two per process", max_active_exceptions=1)
    evaluate_threshold_policies()
    assert list(Review.objects.values_list("subject_key", flat=True)) == [f"process:{s.fulfilment.pk}"]


def test_only_active_exceptions_count_and_inactive_policies_open_nothing(s):
    for _ in range(3):
        active(s, status="approved")
    policy("Budget", max_active_exceptions=1)
    policy("Off", max_active_exceptions=0, is_active=False)
    active(s, process=s.billing)
    summary = evaluate_threshold_policies()
    assert summary.policies == 1
    assert not Review.objects.exists()


def _decide(review, outcome="reject"):
    review.status, review.outcome, review.closed_at = "decided", outcome, timezone.now()
    review.save()


def test_a_decided_proposal_lets_a_new_one_open_later_on_new_facts_not_every_hour(s):
    active(s, started_days_ago=100)
    policy("Age", max_age_days=90)
    evaluate_threshold_policies()
    _decide(Review.objects.get())
    # The same exceptions over the same line: the board has spoken; nothing reopens.
    quiet = evaluate_threshold_policies()
    assert (len(quiet.opened), quiet.unchanged) == (0, 1)
    assert "1 unchanged since the board decided" in str(quiet)
    # Another one crosses the line later: a new proposal opens (the constraint holds only on open reviews).
    active(s, customer=s.borealis, started_days_ago=95)
    later = evaluate_threshold_policies()
    assert len(later.opened) == 1
    assert Review.objects.filter(status="open").count() == 1
    assert Review.objects.count() == 2
    assert Review.objects.get(status="open").covered.count() == 2


def test_a_sunset_review_of_one_exception_reopens_only_for_a_new_expiry_date(s):
    expiring = active(s, started_days_ago=100, runs_days=110)
    policy("Lead 30", sunset_lead_days=30)
    evaluate_threshold_policies()
    _decide(Review.objects.get(), outcome="reject")
    assert len(evaluate_threshold_policies().opened) == 0
    expiring.expires_on += datetime.timedelta(days=5)  # extended, still within the lead time
    expiring.save()
    assert len(evaluate_threshold_policies().opened) == 1


def test_no_board_covering_the_region_is_skipped_and_reported_not_a_crash(s):
    s.board.regions.set([s.emea])
    active(s, customer=s.zenith, started_days_ago=400)  # AMER
    active(s, customer=s.acme, started_days_ago=5)
    policy("Age", max_age_days=365)
    summary = evaluate_threshold_policies()
    assert not Review.objects.exists()
    assert summary.skipped and "no board covers fulfilment in AMER" in summary.skipped[0]
    assert "1 skipped" in str(summary)


def test_customers_across_regions_go_to_the_board_of_the_first_region_and_say_so(s):
    from governance.models import Board

    amer_board = Board.objects.create(name="AMER board", chair=s.carol, categories=["fulfilment"])
    amer_board.regions.set([s.amer])
    s.board.regions.set([s.emea])
    active(s, customer=s.zenith)
    active(s, customer=s.zenith)
    active(s, customer=s.acme)
    policy("Budget", max_active_exceptions=2)
    evaluate_threshold_policies()
    review = Review.objects.get()
    assert review.board == amer_board  # two of three covered customers' exceptions are in AMER
    assert "span AMER, EMEA" in review.summary


def test_the_periodic_check_says_what_it_did_in_one_line(s):
    active(s, started_days_ago=400, runs_days=800)
    active(s, process=s.billing, started_days_ago=400, runs_days=800)
    active(
        s, process=s.billing, started_days_ago=400, runs_days=300
    )  # past its expiry: the expiry check ends it
    policy("Age", max_age_days=365)
    policy("Lead", sunset_lead_days=1)
    policy("Similar", min_similar_customers=5)
    assert checks.run("governance.threshold_policies") == "3 policies: 2 reviews opened, 0 already open"
    assert checks.run("governance.threshold_policies") == "3 policies: 0 reviews opened, 2 already open"


def test_the_demo_policies_are_seeded_once_and_open_the_budget_proposal():
    from io import StringIO

    from django.core.management import call_command

    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    assert set(ThresholdPolicy.objects.values_list("name", flat=True)) == {
        "Standardize when 3 customers share a deviation",
        "Sunset review 30 days before expiry",
        "Exception budget: Warehouse picking and shipping",
    }
    proposal = Review.objects.get(policy__name="Exception budget: Warehouse picking and shipping")
    # The demo's drifting process (the dashboard's story): every active exception against it is covered.
    running = ExceptionRequest.objects.filter(
        process__name="Warehouse picking and shipping", status=ExceptionRequest.Status.ACTIVE
    )
    assert running.count() >= 2
    assert (proposal.kind, proposal.status) == ("sunset", "open")
    assert set(proposal.covered.values_list("pk", flat=True)) == set(running.values_list("pk", flat=True))
