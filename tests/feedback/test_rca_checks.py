"""The RCA's background checks with a fixed clock: the effectiveness check records once, its figures equal a
hand count; overdue corrective actions climb the ladder (the owner, the region's operations lead, the
administrators), one escalation per action, each level told once."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from feedback.models import FeedbackItem, RootCauseAnalysis, Sentiment, Source
from intimacy_ops.escalations.models import Escalation
from intimacy_ops.notifications.models import Notification
from tests.feedback.factories import RootCauseAnalysisFactory, action
from tests.feedback.rca_world import rca_world

pytestmark = pytest.mark.django_db
CLOSED = datetime.datetime(2026, 3, 1, 15, 0, tzinfo=datetime.UTC)


def _item(world, day: datetime.date, *, score=None, sentiment=None, process=None):
    source = Source.NPS_SURVEY if score is not None else Source.SUPPORT_TRANSCRIPT
    return FeedbackItem.objects.create(
        customer=world.customer, source=source, score=score, received_on=day, process=process or world.process,
        text="words", sentiment=sentiment, sentiment_score=-0.5 if sentiment else None,
        sentiment_confidence=0.9 if sentiment else None,
    )  # fmt: skip


def test_effectiveness_is_recorded_once_and_equals_a_hand_count():
    world = rca_world()
    rca = RootCauseAnalysisFactory(process=world.process, status="closed", closed_at=CLOSED)
    closed_on = datetime.date(2026, 3, 1)
    day = datetime.timedelta(days=1)
    # Before (30 Jan … 28 Feb): 4 detractors, 1 confident negative text, 5 promoters → 5 of 10.
    for n in range(4):
        _item(world, closed_on - (n + 1) * day, score=2)
    _item(world, closed_on - 30 * day, sentiment=Sentiment.NEGATIVE)
    for n in range(5):
        _item(world, closed_on - (n + 2) * day, score=9)
    _item(world, closed_on - 31 * day, score=0)  # a day too early: in no window
    # After (1 Mar … 30 Mar): 1 detractor, 3 promoters → 1 of 4.
    _item(world, closed_on, score=5)
    for n in range(3):
        _item(world, closed_on + (n + 10) * day, score=10)
    _item(world, closed_on + 30 * day, score=1)  # 31 March: after the window

    with time_machine.travel(datetime.datetime(2026, 3, 30, 12, tzinfo=datetime.UTC), tick=False):
        call_command("run_checks", "feedback.rca_effectiveness")  # 29 days after: not yet
    assert RootCauseAnalysis.objects.get(pk=rca.pk).effectiveness_recorded_at is None

    with time_machine.travel(datetime.datetime(2026, 3, 31, 12, tzinfo=datetime.UTC), tick=False):
        call_command("run_checks", "feedback.rca_effectiveness")
        first = RootCauseAnalysis.objects.get(pk=rca.pk)
        call_command("run_checks", "feedback.rca_effectiveness")
    again = RootCauseAnalysis.objects.get(pk=rca.pk)

    assert (first.before_negative, first.before_total, first.before_rate) == (5, 10, 0.5)
    assert (first.after_negative, first.after_total, first.after_rate) == (1, 4, 0.25)
    assert first.effectiveness_fell is True
    assert again.effectiveness_recorded_at == first.effectiveness_recorded_at


def test_a_rate_that_did_not_fall_is_flagged_and_the_owner_told():
    world = rca_world()
    rca = RootCauseAnalysisFactory(process=world.process, status="closed", closed_at=CLOSED)
    _item(world, datetime.date(2026, 2, 20), score=2)
    _item(world, datetime.date(2026, 2, 21), score=9)
    _item(world, datetime.date(2026, 3, 5), score=2)
    with time_machine.travel(datetime.datetime(2026, 4, 15, 12, tzinfo=datetime.UTC), tick=False):
        call_command("run_checks", "feedback.rca_effectiveness")
    rca.refresh_from_db()
    assert (rca.before_rate, rca.after_rate, rca.effectiveness_fell) == (0.5, 1.0, False)
    notice = Notification.objects.get(recipient=world.olivia)
    assert "did not fall" in notice.subject


def test_an_overdue_action_climbs_owner_then_lead_then_administrators_once_per_level():
    world = rca_world()
    rca = RootCauseAnalysisFactory(process=world.process, status="actions_planned")
    rca.regions.add(world.region)
    doer = world.alice
    late = action(rca, doer, days=-2)
    action(rca, doer, days=3)  # not due yet
    action(rca, doer, status="done", days=-5)  # done: never escalated
    dropped = RootCauseAnalysisFactory(
        process=world.process, status="cancelled", cancel_reason="A duplicate."
    )
    action(dropped, doer, days=-9)  # the analysis was cancelled: nobody chases its action

    call_command("run_checks", "feedback.corrective_actions_overdue")
    call_command("run_checks", "feedback.corrective_actions_overdue")
    escalation = Escalation.objects.get()
    assert (escalation.object_id, escalation.level, escalation.target_user) == (late.pk, 1, doer)
    assert Notification.objects.filter(recipient=doer).count() == 1

    for hours, level, told in [(25, 2, world.lead), (49, 3, world.admin)]:
        with time_machine.travel(timezone.now() + datetime.timedelta(hours=hours)):
            call_command("run_checks", "escalations.climb")
            call_command("run_checks", "escalations.climb")
            call_command("run_checks", "feedback.corrective_actions_overdue")
        escalation.refresh_from_db()
        assert escalation.level == level
        assert Notification.objects.filter(recipient=told, subject__contains=f"level {level}").count() == 1
    assert Escalation.objects.count() == 1
