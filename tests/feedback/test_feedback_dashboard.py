"""Feedback's dashboard panels against a hand count, through the API as the region's operations lead: NPS and
CES by segment with only counted sentiment, active RCAs and overdue actions per process (drilling into the
board), the machine's correction rate per source; another region's feedback never counts."""

import pytest
from django.utils import timezone

from feedback.models import FeedbackItem, Sentiment, Source
from tests.factories import RegionFactory
from tests.feedback.factories import RootCauseAnalysisFactory, action
from tests.feedback.rca_world import rca_world
from tests.segments.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def _item(customer, source, score=None, **sentiment):
    return FeedbackItem.objects.create(
        customer=customer, source=source, score=score, received_on=timezone.localdate(), text="t", **sentiment
    )


def _panel(client, key):
    response = client.get(f"/api/v1/dashboard/{key}/")
    assert response.status_code == 200, response.content
    return response.json()


def test_the_feedback_panels_equal_a_hand_count(browse):
    world = rca_world()
    acme = world.customer
    amer = CustomerFactory(region=RegionFactory(code="AMER"))
    for score in (10, 9, 8, 3, 0):  # 2 promoters, 2 detractors of 5 → NPS 0
        _item(acme, Source.NPS_SURVEY, score)
    _item(amer, Source.NPS_SURVEY, 0)  # another region: never counts
    for score in (2, 4):
        _item(acme, Source.CES_SURVEY, score)
    suggested = {"sentiment_machine_suggested": True, "sentiment_score": -0.6}
    _item(
        acme, Source.SUPPORT_TRANSCRIPT, sentiment=Sentiment.NEGATIVE, sentiment_confidence=0.9, **suggested
    )
    _item(  # unsure and unconfirmed: counts nowhere but "waiting"
        acme, Source.SUPPORT_TRANSCRIPT, sentiment=Sentiment.NEGATIVE, sentiment_confidence=0.2,
        sentiment_needs_confirmation=True, **suggested,
    )  # fmt: skip
    _item(  # corrected by a person: positive counts
        acme, Source.SUPPORT_TRANSCRIPT, sentiment=Sentiment.POSITIVE, sentiment_confidence=0.2,
        sentiment_needs_confirmation=True, sentiment_confirmed=True, sentiment_corrected_from="negative", **suggested,
    )  # fmt: skip
    _item(  # confirmed as it was
        acme, Source.SUPPORT_TRANSCRIPT, sentiment=Sentiment.NEGATIVE, sentiment_confidence=0.3,
        sentiment_needs_confirmation=True, sentiment_confirmed=True, **suggested,
    )  # fmt: skip
    rca = RootCauseAnalysisFactory(process=world.process, status="actions_planned")
    rca.regions.add(world.region)
    action(rca, world.olivia, days=-1)
    action(rca, world.olivia, days=5)
    client = browse(world.lead)

    voice = _panel(client, "feedback-voice-by-segment")["rows"]
    assert len(voice) == 1
    row = voice[0]
    assert (row["nps_answers"], row["nps"], row["ces_answers"], row["ces"]) == (5, 0.0, 2, 3.0)
    assert (row["sentiments"], row["negative"], row["negative_share"]) == (3, 2, 66.7)

    rcas = _panel(client, "feedback-rcas")
    assert [(r["name"], r["open_rcas"], r["open_actions"], r["overdue_actions"]) for r in rcas["rows"]] == [
        ("Saturday delivery", 1, 2, 1)
    ]
    drill = rcas["rows"][0]["links"]["overdue_actions"] if "links" in rcas["rows"][0] else None
    board = client.get(drill or f"/feedback/rcas/?process={world.process.pk}&overdue=true")
    assert board.status_code == 200 and board.context["board"]["total"] == 1

    corrections = {r["source"]: r for r in _panel(client, "feedback-sentiment-corrections")["rows"]}
    transcript = corrections["support_transcript"]
    assert (
        transcript["suggested"],
        transcript["settled"],
        transcript["corrected"],
        transcript["waiting"],
    ) == (4, 2, 1, 1)
    assert transcript["rate"] == 50.0
