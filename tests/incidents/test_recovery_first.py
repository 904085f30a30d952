"""Recovery first (issue 19, item 5): while a customer is affected by an active incident (open or mitigated),
a survey invitation due to them is held — with the reason on the customer's page and in the API — and the
sentiment of what they say is not analysed (paused, saying why); once the incident is resolved the next run of
the checks sends the survey (one e-mail, however often it runs) and analyses the paused feedback, consent rules
unchanged. Customers not in the incident are untouched throughout."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from feedback import holds
from feedback.models import FeedbackItem, SurveyInvitation
from incidents.models import AffectedCustomer
from intimacy_ops import checks
from tests.exceptions.factories import scenario
from tests.feedback.test_import import HEADER, run, write_csv
from tests.incidents.factories import incident

pytestmark = pytest.mark.django_db

TITLE = "Warehouse management system down"
ANGRY = "Terrible week, the delivery never came and nobody called us."


@pytest.fixture
def s():
    world = scenario()
    for customer in (world.acme, world.borealis):
        customer.contact_email = f"buyer@{customer.name.lower()}.example"
        customer.consent_sentiment = True
        customer.save()
    world.incident = incident(world.oscar, [world.emea], title=TITLE)
    AffectedCustomer.objects.create(
        incident=world.incident, customer=world.acme, via="rule", added_at=world.incident.started_at
    )
    world.reason = f"customer in recovery from incident #{world.incident.pk} '{TITLE}'"
    return world


def _schedule(client, customer):
    body = {"customer": customer.pk, "survey": "nps_survey", "due_on": timezone.localdate().isoformat()}
    response = client.post("/api/v1/survey-invitations/", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()["id"]


def _resolve(s, signed_in_api):
    client = signed_in_api(s.oscar)
    response = client.post(
        f"/api/v1/incidents/{s.incident.pk}/resolve/", {"comment": "Back up."}, format="json"
    )
    assert response.status_code == 200, response.content


def test_the_incidents_app_answers_the_hold_without_feedback_importing_it():
    assert any(hold.__module__ == "incidents.holds" for hold in holds.registered())


def test_a_survey_due_during_the_incident_is_held_with_the_reason_then_sent_after(s, signed_in_api, browse):
    alice = signed_in_api(s.alice)
    held_pk, free_pk = _schedule(alice, s.acme), _schedule(signed_in_api(s.amy), s.borealis)

    during = checks.run("feedback.surveys_due")

    assert (during.counts["sent"], during.counts["suppressed"]) == (1, 1)
    assert [m.to for m in mail.outbox] == [["buyer@borealis.example"]]  # the customer not affected: as ever
    shown = alice.get(f"/api/v1/survey-invitations/{held_pk}/").json()
    assert (shown["status"], shown["held_reason"]) == ("suppressed", s.reason)
    assert alice.get("/api/v1/survey-invitations/", {"status": "suppressed"}).json()["count"] == 1
    page = browse(s.alice).get(f"/segments/customers/{s.acme.pk}/").content.decode()
    assert f"Held: {s.reason}. It goes out once the recovery is over." in page.replace("&#x27;", "'")
    # Still held on the next run: nothing moves, nobody is e-mailed.
    assert checks.run("feedback.surveys_due").counts == {
        "sent": 0, "suppressed": 0, "resumed": 0, "delivered": 0, "failed": 0, "waiting": 0,
    }  # fmt: skip

    _resolve(s, signed_in_api)
    after = checks.run("feedback.surveys_due")
    again = checks.run("feedback.surveys_due")

    assert (after.counts["resumed"], after.counts["sent"], after.counts["delivered"]) == (1, 1, 1)
    assert (again.counts["resumed"], again.counts["sent"], again.counts["delivered"]) == (0, 0, 0)
    assert sorted(m.to[0] for m in mail.outbox) == ["buyer@acme.example", "buyer@borealis.example"]
    sent = SurveyInvitation.objects.get(pk=held_pk)
    assert (sent.status, sent.email_state, sent.held_reason) == ("sent", "sent", s.reason)
    assert sent.resumed_at is not None
    assert SurveyInvitation.objects.get(pk=free_pk).resumed_at is None


def test_a_mitigated_incident_still_holds_a_cancelled_one_does_not(s, signed_in_api):
    _schedule(signed_in_api(s.alice), s.acme)
    signed_in_api(s.oscar).post(f"/api/v1/incidents/{s.incident.pk}/mitigate/", {}, format="json")
    assert checks.run("feedback.surveys_due").counts["suppressed"] == 1
    signed_in_api(s.oscar).post(
        f"/api/v1/incidents/{s.incident.pk}/cancel/", {"comment": "Declared by mistake."}, format="json"
    )
    assert checks.run("feedback.surveys_due").counts["delivered"] == 1


def test_a_held_survey_can_still_be_cancelled(s, signed_in_api):
    alice = signed_in_api(s.alice)
    pk = _schedule(alice, s.acme)
    checks.run("feedback.surveys_due")
    assert (
        alice.post(f"/api/v1/survey-invitations/{pk}/cancel/", {}, format="json").json()["status"]
        == "cancelled"
    )
    _resolve(s, signed_in_api)
    assert checks.run("feedback.surveys_due").counts["resumed"] == 0
    assert mail.outbox == []


def test_feedback_from_a_held_customer_is_not_analysed_and_says_why_then_is_after(s, signed_in_api, browse):
    alice = signed_in_api(s.alice)
    body = {"source": "account_manager_insight", "text": ANGRY}
    held = alice.post("/api/v1/feedback/", {"customer": s.acme.pk, **body}, format="json").json()
    free = (
        signed_in_api(s.amy)
        .post("/api/v1/feedback/", {"customer": s.borealis.pk, **body}, format="json")
        .json()
    )

    assert (held["sentiment"], held["sentiment_paused_reason"]) == (None, s.reason)
    assert held["sentiment_note"] == f"paused: {s.reason}"
    assert (free["sentiment"], free["sentiment_paused_reason"]) == ("negative", "")
    confirm = alice.post(f"/api/v1/feedback/{held['id']}/confirm-sentiment/", {}, format="json")
    assert confirm.status_code == 409 and "paused" in confirm.json()["detail"]
    page = browse(s.alice).get("/feedback/").content.decode().replace("&#x27;", "'")
    assert (
        f'Sentiment paused</span> <span class="pause-why" data-testid="sentiment-paused">C{s.reason[1:]}'
        in page
    )
    assert checks.run("feedback.paused_sentiment").counts == {"analysed": 0, "paused": 1}

    _resolve(s, signed_in_api)
    result = checks.run("feedback.paused_sentiment")

    assert result.counts == {"analysed": 1, "paused": 0}
    shown = alice.get(f"/api/v1/feedback/{held['id']}/").json()
    assert (shown["sentiment"], shown["sentiment_paused_reason"], shown["sentiment_note"]) == (
        "negative",
        "",
        "",
    )
    assert shown["sentiment_machine_suggested"] is True
    assert checks.run("feedback.paused_sentiment").counts == {"analysed": 0, "paused": 0}
    # Confirmation works as for any suggestion once it is there.
    assert (
        alice.post(f"/api/v1/feedback/{held['id']}/confirm-sentiment/", {}, format="json").status_code == 200
    )


def test_consent_withdrawn_during_the_hold_means_nothing_is_analysed_after(s, signed_in_api):
    item = (
        signed_in_api(s.alice)
        .post(
            "/api/v1/feedback/",
            {"customer": s.acme.pk, "source": "delivery_team", "text": ANGRY},
            format="json",
        )
        .json()
    )
    s.acme.consent_sentiment = False
    s.acme.save()
    _resolve(s, signed_in_api)
    checks.run("feedback.paused_sentiment")
    shown = FeedbackItem.objects.get(pk=item["id"])
    assert (shown.sentiment, shown.sentiment_paused_reason) == (None, "")
    assert signed_in_api(s.alice).get(f"/api/v1/feedback/{item['id']}/").json()["sentiment_note"] == (
        "not analysed: no consent"
    )


def test_imported_feedback_of_a_held_customer_is_paused_too(s, signed_in_api, tmp_path):
    acme = {"customer_source": s.acme.source, "customer_external_id": s.acme.external_id}
    borealis = {"customer_source": s.borealis.source, "customer_external_id": s.borealis.external_id}
    day = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    rows = [
        {"source": "survey", "external_id": "R-1", **acme, "channel": "nps_survey", "received_on": day,
         "score": "2", "text": ANGRY, "process": ""},
        {"source": "survey", "external_id": "R-2", **borealis, "channel": "nps_survey", "received_on": day,
         "score": "2", "text": ANGRY, "process": ""},
    ]  # fmt: skip
    assert run(write_csv(tmp_path / "f.csv", rows, HEADER)) == "created 2, updated 0, unchanged 0, rejected 0"
    paused, analysed = (
        FeedbackItem.objects.get(external_id="R-1"),
        FeedbackItem.objects.get(external_id="R-2"),
    )
    assert (paused.sentiment, paused.sentiment_paused_reason) == (None, s.reason)
    assert analysed.sentiment == "negative"
    _resolve(s, signed_in_api)
    checks.run("feedback.paused_sentiment")
    paused.refresh_from_db()
    assert (paused.sentiment, paused.sentiment_paused_reason) == ("negative", "")


def test_the_hold_is_one_query_for_any_number_of_customers(s, django_assert_num_queries):
    with django_assert_num_queries(1):
        reasons = holds.reasons_for([s.acme.pk, s.borealis.pk, s.zenith.pk, 10**9])
    assert reasons == {s.acme.pk: s.reason}
    second = incident(s.oscar, [s.emea], title="Billing run duplicated invoices")
    AffectedCustomer.objects.create(incident=second, customer=s.acme, via="list", added_at=second.started_at)
    assert holds.reason_for(s.acme.pk) == f"{s.reason} and 1 more"
