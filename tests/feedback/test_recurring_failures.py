"""Recurring failures (issue 16, item 3): N negative items on one process within the window open one RCA,
assigned to the process owner, its triggering items linked, the owner told once, however often (and however
concurrently) the check runs."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from feedback.models import FeedbackItem, RecurringFailureRule, RootCauseAnalysis, Sentiment, Source
from intimacy_ops.notifications.models import Notification
from tests.concurrency import twice_at_once
from tests.exceptions.factories import ProcessFactory
from tests.feedback.rca_world import detractors, rca_world

pytestmark = pytest.mark.django_db


def run_check():
    call_command("run_checks", "feedback.recurring_failures")


def test_five_detractors_open_one_rca_for_the_owner_however_often_the_check_runs():
    world = rca_world()
    items = detractors(world, 4, days_ago=3) + detractors(world, 1, days_ago=29)
    detractors(world, 3, days_ago=31)  # outside the window: not linked
    for _ in range(3):
        run_check()

    rca = RootCauseAnalysis.objects.get()
    assert (rca.process, rca.owner, rca.status, rca.trigger) == (
        world.process,
        world.olivia,
        "open",
        "recurring",
    )
    assert set(rca.triggering_items.values_list("pk", flat=True)) == {item.pk for item in items}
    assert list(rca.regions.all()) == [world.region]
    told = Notification.objects.filter(recipient=world.olivia)
    assert told.count() == 1
    assert "1 root-cause analysis opened" in told.get().subject


def test_below_the_line_nothing_opens_and_a_process_line_of_its_own_counts():
    world = rca_world()
    detractors(world, 4)
    passives = FeedbackItem.objects.filter(pk__in=[i.pk for i in detractors(world, 3, score=7)])
    assert passives.count() == 3  # an NPS of 7 is no detractor
    run_check()
    assert not RootCauseAnalysis.objects.exists()

    RecurringFailureRule.objects.create(process=world.process, negatives=3, window_days=10)
    run_check()
    assert RootCauseAnalysis.objects.get().triggering_items.count() == 4


def test_negative_texts_count_only_when_confident_or_confirmed():
    world = rca_world()
    detractors(world, 3)

    def text(**sentiment):
        return FeedbackItem.objects.create(
            customer=world.customer, source=Source.SUPPORT_TRANSCRIPT, text="Terrible, late again.",
            received_on=timezone.localdate(), process=world.process,
            sentiment=Sentiment.NEGATIVE, sentiment_score=-0.8, sentiment_machine_suggested=True, **sentiment,
        )  # fmt: skip

    text(sentiment_confidence=0.3, sentiment_needs_confirmation=True)  # unsure, unconfirmed: not counted
    run_check()
    assert not RootCauseAnalysis.objects.exists()

    text(sentiment_confidence=0.9)  # confident
    text(sentiment_confidence=0.3, sentiment_needs_confirmation=True, sentiment_confirmed=True)  # confirmed
    run_check()
    assert RootCauseAnalysis.objects.get().triggering_items.count() == 5


def test_one_notice_per_owner_naming_each_of_their_processes():
    world = rca_world()
    second = ProcessFactory(name="Returns", owner=world.olivia)
    detractors(world, 5)
    detractors(world, 5, process=second)
    run_check()

    assert RootCauseAnalysis.objects.count() == 2
    notice = Notification.objects.get(recipient=world.olivia)
    assert "2 root-cause analyses opened" in notice.subject
    assert "Returns" in notice.body and "Saturday delivery" in notice.body


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="two runs at once need PostgreSQL's row locks")
def test_two_runs_at_once_open_one_rca():
    world = rca_world()
    detractors(world, 6)
    results = twice_at_once(run_check)

    assert results == [None, None], results
    assert RootCauseAnalysis.objects.count() == 1
    assert RootCauseAnalysis.objects.get().triggering_items.count() == 6
    assert Notification.objects.filter(recipient=world.olivia).count() == 1
