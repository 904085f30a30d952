"""Survey invitations (issue 19, item 5): an account manager schedules an NPS or CES survey to their customer
(API and the customer's feedback card); the check `feedback.surveys_due` e-mails the customer's contact once it
is due — once, however often it runs, even twice at once — and a scheduled or held one can be cancelled.
(Held while the customer is in recovery: tests/incidents/test_recovery_first.py.)"""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from feedback.models import SurveyInvitation
from intimacy_ops import checks
from intimacy_ops.audit import AuditEvent
from tests.concurrency import twice_at_once
from tests.exceptions.factories import scenario
from tests.segments.factories import CustomerFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/survey-invitations/"


@pytest.fixture
def s():
    world = scenario()
    for customer in (world.acme, world.borealis, world.zenith):
        customer.contact_email = f"buyer@{customer.name.lower()}.example"
        customer.save()
    return world


def _today(days: int = 0) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def _schedule(client, customer, survey="nps_survey", due_on=None):
    return client.post(
        URL, {"customer": customer.pk, "survey": survey, "due_on": due_on or _today()}, format="json"
    )


def test_an_account_manager_schedules_a_survey_and_the_check_emails_the_contact_once(s, signed_in_api):
    client = signed_in_api(s.alice)
    response = _schedule(client, s.acme)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["survey"], body["scheduled_by"], body["held_reason"]) == (
        "scheduled",
        "nps_survey",
        "am.alice",
        "",
    )
    assert "contact_email" not in body and "buyer@" not in response.content.decode()

    first = checks.run("feedback.surveys_due")
    again = checks.run("feedback.surveys_due")

    assert (first.counts["sent"], first.counts["delivered"]) == (1, 1)
    assert (again.counts["sent"], again.counts["delivered"]) == (0, 0)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["buyer@acme.example"]
    assert message.subject == "How likely are you to recommend us?"
    assert "0 (not at all likely) to 10" in message.body and s.alice.display_name in message.body
    shown = client.get(f"{URL}{body['id']}/").json()
    assert (shown["status"], shown["email_state"]) == ("sent", "sent")
    assert AuditEvent.objects.filter(verb="survey_invitation.send", object_id=str(body["id"])).count() == 1


def test_a_survey_due_later_waits(s, signed_in_api):
    _schedule(signed_in_api(s.alice), s.acme, survey="ces_survey", due_on=_today(3))
    assert checks.run("feedback.surveys_due").counts["sent"] == 0
    assert mail.outbox == []


@pytest.mark.parametrize(
    "body, field",
    [
        ({"survey": "exit_interview"}, "survey"),
        ({"due_on": "2020-01-01"}, "due_on"),
        ({"due_on": "tomorrow"}, "due_on"),
        ({"customer": 999999}, "customer"),
    ],
)
def test_bad_input_is_400_naming_the_field_nothing_scheduled(s, signed_in_api, body, field):
    payload = {"customer": s.acme.pk, "survey": "nps_survey", "due_on": _today(), **body}
    response = signed_in_api(s.alice).post(URL, payload, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not SurveyInvitation.objects.exists()


def test_a_customer_without_a_contact_email_cannot_be_asked(s, signed_in_api):
    s.acme.contact_email = ""
    s.acme.save()
    response = _schedule(signed_in_api(s.alice), s.acme)
    assert response.status_code == 400
    assert "no contact e-mail" in response.json()["customer"][0]


def test_another_managers_customer_is_403_and_another_regions_reads_as_nonexistent(s, signed_in_api):
    client = signed_in_api(s.alice)
    assert _schedule(client, s.borealis).status_code == 403  # amy's, in alice's region
    assert "customer" in _schedule(client, s.zenith).json()  # AMER: "does not exist"
    assert not SurveyInvitation.objects.exists()


def test_the_same_survey_twice_is_409_while_one_is_open(s, signed_in_api):
    client = signed_in_api(s.alice)
    assert _schedule(client, s.acme).status_code == 201
    second = _schedule(client, s.acme, due_on=_today(5))
    assert second.status_code == 409
    assert "already scheduled" in second.json()["detail"]
    assert _schedule(client, s.acme, survey="ces_survey").status_code == 201


def test_a_cancelled_survey_is_never_sent_and_cancelling_again_is_409(s, signed_in_api):
    client = signed_in_api(s.alice)
    pk = _schedule(client, s.acme).json()["id"]
    cancelled = client.post(f"{URL}{pk}/cancel/", {"comment": "They asked us to wait."}, format="json")
    assert cancelled.status_code == 200, cancelled.content
    assert cancelled.json()["status"] == "cancelled"
    assert checks.run("feedback.surveys_due").counts["sent"] == 0
    assert mail.outbox == []
    assert client.post(f"{URL}{pk}/cancel/", {}, format="json").status_code == 409


def test_only_the_account_manager_a_lead_or_an_admin_cancels(s, signed_in_api):
    pk = _schedule(signed_in_api(s.alice), s.acme).json()["id"]
    assert signed_in_api(s.amy).post(f"{URL}{pk}/cancel/", {}, format="json").status_code == 404
    assert signed_in_api(s.bob).post(f"{URL}{pk}/cancel/", {}, format="json").status_code == 404
    assert signed_in_api(s.oscar).post(f"{URL}{pk}/cancel/", {}, format="json").status_code == 200


def test_a_refused_send_is_retried_on_the_next_run(s, signed_in_api, settings):
    _schedule(signed_in_api(s.alice), s.acme)
    settings.EMAIL_BACKEND = "tests.feedback.test_surveys.RefusingBackend"
    first = checks.run("feedback.surveys_due")
    assert (first.counts["delivered"], first.counts["waiting"]) == (0, 1)
    invitation = SurveyInvitation.objects.get()
    assert (invitation.status, invitation.email_state, invitation.email_attempts) == ("sent", "queued", 1)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert checks.run("feedback.surveys_due").counts["delivered"] == 1
    assert len(mail.outbox) == 1


class RefusingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise OSError("Connection refused")


def test_the_list_is_scoped_and_its_queries_do_not_grow_with_rows(
    s, signed_in_api, django_assert_max_num_queries
):
    client = signed_in_api(s.alice)
    mine = [
        CustomerFactory(region=s.emea, account_manager=s.alice, contact_email="a@b.example") for _ in range(3)
    ]
    for customer in mine:
        _schedule(client, customer)
    _schedule(signed_in_api(s.amy), s.borealis)
    with django_assert_max_num_queries(8):
        few = client.get(URL)
    assert few.json()["count"] == 3
    for _ in range(47):
        _schedule(
            client, CustomerFactory(region=s.emea, account_manager=s.alice, contact_email="c@d.example")
        )
    with django_assert_max_num_queries(8):
        many = client.get(URL, {"page_size": 100})
    assert many.json()["count"] == 50
    assert signed_in_api(s.oscar).get(URL).json()["count"] == 51  # the lead: the region's, amy's too
    assert signed_in_api(s.bob).get(URL).json()["count"] == 0


def test_scheduling_and_cancelling_from_the_customer_card(s, browse):
    client = browse(s.alice)
    page = client.get(f"/segments/customers/{s.acme.pk}/")
    assert b"No survey asked of Acme yet." in page.content
    response = client.post(
        f"/feedback/customers/{s.acme.pk}/surveys/",
        {"survey": "ces_survey", "due_on": _today(2)},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert b"CES survey (1\xe2\x80\x937) scheduled for" in response.content
    assert b'data-status="scheduled"' in response.content
    past = client.post(
        f"/feedback/customers/{s.acme.pk}/surveys/",
        {"survey": "nps_survey", "due_on": "2020-01-01"},
        HTTP_HX_REQUEST="true",
    )
    assert past.status_code == 400 and b"Cannot be in the past." in past.content
    invitation = SurveyInvitation.objects.get()
    cancelled = client.post(f"/feedback/surveys/{invitation.pk}/cancel/")
    assert cancelled.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == "cancelled"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks (SKIP LOCKED) need PostgreSQL")
def test_two_runs_at_once_send_each_survey_once(s, monkeypatch):
    from feedback.services import survey_mail, surveys

    monkeypatch.setattr(surveys, "BATCH_SIZE", 3)  # several batches, so the runs interleave
    monkeypatch.setattr(survey_mail, "CLAIM_BATCH", 3)
    customers = [
        CustomerFactory(region=s.emea, account_manager=s.alice, contact_email=f"c{n}@x.example")
        for n in range(12)
    ]
    for customer in customers:
        SurveyInvitation.objects.create(customer=customer, survey="nps_survey", due_on=timezone.localdate())

    results = twice_at_once(lambda: checks.run("feedback.surveys_due"))

    assert all(isinstance(result, checks.CheckResult) for result in results), results
    assert sum(result.counts["sent"] for result in results) == 12
    assert sum(result.counts["delivered"] for result in results) == 12
    assert sorted(m.to[0] for m in mail.outbox) == sorted(c.contact_email for c in customers)
    assert checks.run("feedback.surveys_due").counts["delivered"] == 0
