"""The feedback data layer's promises, kept by the database itself: a score fits its source, an import
writes an item once, sentiment fields stay empty when there is no sentiment, an RCA opens once per process
and window, and the whys of an RCA hold one position each."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from feedback.models import FeedbackItem, RootCauseAnalysis, Source
from tests.exceptions.factories import scenario
from tests.feedback.factories import FeedbackItemFactory, RootCauseAnalysisFactory, why

pytestmark = pytest.mark.django_db


@pytest.fixture
def s():
    return scenario()


def _refused(**fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        FeedbackItemFactory(**fields)


@pytest.mark.parametrize(
    "source, score",
    [
        (Source.NPS_SURVEY, 11),
        (Source.NPS_SURVEY, -1),
        (Source.NPS_SURVEY, None),
        (Source.CES_SURVEY, 0),
        (Source.CES_SURVEY, 8),
        (Source.SUPPORT_TRANSCRIPT, 5),
        (Source.PRIVACY_COMPLAINT, 1),
    ],
)
def test_a_score_that_does_not_fit_its_source_is_refused_by_the_database(s, source, score):
    _refused(customer=s.acme, source=source, score=score)


@pytest.mark.parametrize(
    "source, score",
    [(Source.NPS_SURVEY, 0), (Source.NPS_SURVEY, 10), (Source.CES_SURVEY, 1), (Source.CES_SURVEY, 7)],
)
def test_the_ends_of_each_range_are_kept(s, source, score):
    assert FeedbackItemFactory(customer=s.acme, source=source, score=score).score == score


def test_an_imported_item_is_written_once_per_source_and_external_id(s):
    FeedbackItemFactory(customer=s.acme, import_source="survey-tool", external_id="R-1")
    _refused(customer=s.acme, import_source="survey-tool", external_id="R-1")
    FeedbackItemFactory(customer=s.acme, import_source="other-tool", external_id="R-1")
    # Items logged by hand carry no external id: any number of them.
    FeedbackItemFactory(customer=s.acme)
    FeedbackItemFactory(customer=s.acme)
    assert FeedbackItem.objects.count() == 4


def test_no_sentiment_means_no_sentiment_figures(s):
    _refused(customer=s.acme, sentiment=None, sentiment_confidence=0.9)
    _refused(customer=s.acme, sentiment=None, sentiment_confirmed=True)
    item = FeedbackItemFactory(
        customer=s.acme,
        sentiment="negative",
        sentiment_score=-0.2,
        sentiment_confidence=0.3,
        sentiment_machine_suggested=True,
        sentiment_needs_confirmation=True,
    )
    assert list(FeedbackItem.objects.to_confirm()) == [item]
    assert not FeedbackItem.objects.counted().exists()


def test_an_rca_opens_once_per_process_and_window(s):
    start, end = datetime.date(2026, 11, 1), datetime.date(2026, 11, 30)
    RootCauseAnalysisFactory(process=s.fulfilment, window_start=start, window_end=end)
    with pytest.raises(IntegrityError), transaction.atomic():
        RootCauseAnalysisFactory(process=s.fulfilment, window_start=start, window_end=end)
    RootCauseAnalysisFactory(process=s.billing, window_start=start, window_end=end)
    # Opened by hand (no window): as many as people open.
    RootCauseAnalysisFactory(process=s.fulfilment)
    RootCauseAnalysisFactory(process=s.fulfilment)
    assert RootCauseAnalysis.objects.filter(process=s.fulfilment).count() == 3


def test_a_cancelled_rca_carries_its_reason(s):
    with pytest.raises(IntegrityError), transaction.atomic():
        RootCauseAnalysisFactory(process=s.fulfilment, status="cancelled", cancel_reason="")
    assert RootCauseAnalysisFactory(process=s.fulfilment, status="cancelled", cancel_reason="Duplicate.").pk


def test_each_why_holds_its_own_position(s):
    rca = RootCauseAnalysisFactory(process=s.fulfilment)
    why(rca, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        why(rca, 1)
    why(rca, 2)
    assert [w.position for w in rca.whys.all()] == [1, 2]
