"""The feedback pages (issue 16): the inbox with filters, sort, pagination and a masked CSV; the confirmation
queue; the customer page's insight form and negative feedback; the account manager's home card."""

import pytest

from feedback.models import FeedbackItem
from intimacy_ops.audit import AuditEvent
from tests.exceptions.factories import scenario
from tests.feedback.factories import FeedbackItemFactory

pytestmark = pytest.mark.django_db

SAID = "Jane Roe says the pallets arrived damaged."


@pytest.fixture
def s():
    world = scenario()
    world.acme.consent_sentiment = True
    world.acme.save()
    return world


def unsure(s, **fields):
    return FeedbackItemFactory(
        customer=s.acme, text="The delivery came on Tuesday.", sentiment="neutral", sentiment_confidence=0.0,
        sentiment_machine_suggested=True, sentiment_needs_confirmation=True, **fields,
    )  # fmt: skip


def test_the_inbox_filters_sorts_and_masks_for_a_lead(s, browse):
    FeedbackItemFactory(customer=s.acme, text=SAID, source="nps_survey", score=2, process=s.fulfilment)
    FeedbackItemFactory(customer=s.borealis, text="Fine.", source="nps_survey", score=9)
    FeedbackItemFactory(customer=s.zenith, text="AMER")

    page = browse(s.oscar).get("/feedback/", {"ordering": "-score"})
    html = page.content.decode()
    assert page.status_code == 200 and html.count('data-testid="feedback-row"') == 2
    assert html.index("Borealis") < html.index("Acme")
    assert SAID not in html and "***" in html
    assert "Zenith" not in html

    filtered = browse(s.oscar).get("/feedback/", {"process": s.fulfilment.pk}).content.decode()
    assert filtered.count('data-testid="feedback-row"') == 1
    assert browse(s.oscar).get("/feedback/", {"received_after": "nonsense"}).status_code == 400


def test_the_inbox_shows_the_text_to_the_account_manager(s, browse):
    FeedbackItemFactory(customer=s.acme, text=SAID)

    assert SAID in browse(s.alice).get("/feedback/").content.decode()


def test_the_csv_is_streamed_masked_and_audited(s, browse):
    FeedbackItemFactory(customer=s.acme, text=SAID, source="ces_survey", score=2)

    response = browse(s.oscar).get("/feedback/export.csv")

    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert response.status_code == 200
    assert SAID not in body and "***" in body and "ces_survey" in body
    assert AuditEvent.objects.filter(verb="feedback.exported", actor=s.oscar).count() == 1
    alice_body = b"".join(browse(s.alice).get("/feedback/export.csv").streaming_content).decode("utf-8-sig")
    assert SAID in alice_body


def test_the_queue_confirms_and_corrects_in_place(s, browse):
    first, second = unsure(s), unsure(s)
    client = browse(s.alice)

    queue = client.get("/feedback/confirm/").content.decode()
    assert queue.count('data-testid="queue-row"') == 2

    settled = client.post(f"/feedback/{first.pk}/confirm/", {}, HTTP_HX_REQUEST="true")
    assert settled.status_code == 200 and "Confirmed neutral" in settled.content.decode()
    corrected = client.post(
        f"/feedback/{second.pk}/confirm/", {"sentiment": "negative"}, HTTP_HX_REQUEST="true"
    )
    assert "Corrected to negative" in corrected.content.decode()

    assert FeedbackItem.objects.to_confirm().count() == 0
    assert FeedbackItem.objects.get(pk=second.pk).sentiment_corrected_from == "neutral"
    assert client.get("/feedback/confirm/").content.decode().count('data-testid="queue-row"') == 0


def test_the_queue_is_the_account_managers_own_customers(s, browse):
    unsure(s)
    borealis = FeedbackItemFactory(
        customer=s.borealis,
        sentiment="neutral",
        sentiment_confidence=0.1,
        sentiment_machine_suggested=True,
        sentiment_needs_confirmation=True,
    )
    assert browse(s.alice).get("/feedback/confirm/").content.decode().count('data-testid="queue-row"') == 1
    assert browse(s.alice).post(f"/feedback/{borealis.pk}/confirm/", {}).status_code == 404


def test_logging_an_insight_from_the_customer_page(s, browse):
    client = browse(s.alice)
    page = client.get(f"/segments/customers/{s.acme.pk}/").content.decode()
    assert 'data-testid="insight-form"' in page

    response = client.post(
        f"/feedback/customers/{s.acme.pk}/insight/",
        {"text": "Their buyer is furious about the terrible damaged pallets.", "process": s.fulfilment.pk},
        HTTP_HX_REQUEST="true",
    )

    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="insight-logged"' in html
    item = FeedbackItem.objects.get()
    assert (item.source, item.created_by, item.process, item.sentiment) == (
        "account_manager_insight", s.alice, s.fulfilment, "negative",
    )  # fmt: skip
    assert 'data-testid="negative-item"' in html


def test_an_empty_insight_is_refused_on_the_form(s, browse):
    response = browse(s.alice).post(
        f"/feedback/customers/{s.acme.pk}/insight/", {"text": ""}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 400 and "field-error" in response.content.decode()
    assert not FeedbackItem.objects.exists()


def test_another_regions_customer_is_404_for_the_insight_form(s, browse):
    assert (
        browse(s.alice).post(f"/feedback/customers/{s.zenith.pk}/insight/", {"text": "x"}).status_code == 404
    )


def test_negative_feedback_shows_on_the_customer_page(s, browse):
    FeedbackItemFactory(customer=s.acme, source="nps_survey", score=1, text=SAID)
    FeedbackItemFactory(customer=s.acme, source="nps_survey", score=10, text="Love it")

    html = browse(s.oscar).get(f"/segments/customers/{s.acme.pk}/").content.decode()

    assert html.count('data-testid="negative-item"') == 1 and "score 1" in html


def test_the_account_managers_home_card_counts_what_waits(s, browse):
    unsure(s)
    unsure(s)

    html = browse(s.alice).get("/home/account-manager/").content.decode()

    assert 'data-testid="to-confirm-card"' in html and "2</span>" in html


@pytest.mark.parametrize("rows", [3, 50])
def test_the_pages_cost_the_same_queries_for_3_or_50_rows(s, browse, django_assert_max_num_queries, rows):
    for _ in range(rows):
        unsure(s, process=s.fulfilment, created_by=s.alice)
    client = browse(s.alice)
    with django_assert_max_num_queries(30):
        assert client.get("/feedback/", {"page_size": 50}).status_code == 200
    with django_assert_max_num_queries(30):
        assert client.get("/feedback/confirm/").status_code == 200
    with django_assert_max_num_queries(45):
        assert client.get(f"/segments/customers/{s.acme.pk}/").status_code == 200
