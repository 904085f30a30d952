"""Messages to affected customers (issue 19, item 3): templates per tier and kind, versioned, their placeholders
checked at save (unknown → 400, a customer's sensitive field → 400 "never usable", attribute access refused);
a fixture customer's message rendered exactly; recorded once per customer by whom may send it; an account
manager sees only their own affected customers (another's → 404)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from incidents.models import AffectedCustomer, Goodwill, GoodwillLimit, IncidentMessage, MessageTemplate
from intimacy_ops.audit.models import AuditEvent
from tests.exceptions.factories import scenario
from tests.incidents.factories import incident
from tests.segments.factories import SlaPolicyFactory, tiers

pytestmark = pytest.mark.django_db

STARTED = datetime.datetime(2026, 3, 2, 8, 30, tzinfo=datetime.UTC)
TEMPLATES = "/api/v1/incident-templates/"


@pytest.fixture
def s():
    world = scenario()
    world.strategic, world.premier, world.standard = tiers()
    world.alice.first_name, world.alice.last_name = "Alice", "Martin"
    world.alice.save()
    for customer, segment in ((world.acme, world.strategic), (world.borealis, world.premier)):
        customer.segment = segment
        customer.contact_email = "ceo@acme.example"
        customer.save()
    GoodwillLimit.objects.create(role="account manager", segment=world.strategic, amount=Decimal("500"))
    SlaPolicyFactory(
        segment=world.strategic,
        priority="P1",
        first_response_minutes=30,
        resolution_minutes=240,
        clock="24x7",
    )
    world.incident = incident(
        world.oscar,
        [world.emea],
        title="Warehouse system down",
        started_at=STARTED,
        detected_at=STARTED + datetime.timedelta(minutes=10),
    )
    for customer in (world.acme, world.borealis):
        AffectedCustomer.objects.create(
            incident=world.incident, customer=customer, via="rule", added_at=timezone.now()
        )
    return world


def _template(client, s, **body):
    payload = {
        "segment": s.strategic.pk,
        "kind": "outage",
        "subject": "{incident_title}: we are on it",
        "body": "Dear {customer_name}, since {incident_started_at} ({incident_status}). "
        "First response within {sla_first_response}, resolution within {sla_resolution}. "
        "Goodwill: {goodwill_offered}. {account_manager}",
    }
    return client.post(TEMPLATES, {**payload, **body}, format="json")


def test_an_unknown_placeholder_is_a_400_naming_the_field_and_the_placeholder(s, signed_in_api):
    response = _template(signed_in_api(s.oscar), s, body="Dear {customer_nmae}, sorry.")

    assert response.status_code == 400
    assert "{customer_nmae} is not a placeholder we know" in response.json()["body"][0]
    assert not MessageTemplate.objects.exists()


@pytest.mark.parametrize("name", ["contact_email", "personal_notes", "customer.contact_email"])
def test_a_sensitive_field_is_never_usable_as_a_placeholder(s, signed_in_api, name):
    response = _template(signed_in_api(s.oscar), s, subject="For {" + name + "}")

    assert response.status_code == 400
    assert "never usable" in response.json()["subject"][0] and name in response.json()["subject"][0]
    assert not MessageTemplate.objects.exists()


@pytest.mark.parametrize(
    "text", ["{customer.__class__}", "{customer_name.__class__}", "{customer_name[0]}", "{customer_name!r}",
             "{customer_name:>99999999}", "{}", "{0}", "an open { brace"],
)  # fmt: skip
def test_attribute_access_conversions_and_bad_braces_are_refused_at_save(s, signed_in_api, text):
    response = _template(signed_in_api(s.oscar), s, body=text)
    assert response.status_code == 400 and "body" in response.json(), response.content


def test_saving_makes_a_new_version_and_keeps_the_old_one(s, signed_in_api):
    client = signed_in_api(s.oscar)
    first = _template(client, s)
    again = _template(client, s)  # the same words: no new version
    second = _template(client, s, subject="Sorry about {incident_title}", level="standard")

    assert (first.status_code, second.status_code) == (201, 201)
    assert (first.json()["version"], again.json()["version"], second.json()["version"]) == (1, 1, 2)
    assert first.json()["level"] == "personal"  # rank 1: personal unless said otherwise
    latest = client.get(TEMPLATES).json()
    every = client.get(TEMPLATES + "?history=true").json()
    assert [row["version"] for row in latest["results"]] == [2]
    assert [row["version"] for row in every["results"]] == [2, 1]
    assert AuditEvent.objects.filter(verb="incident.template_saved").count() == 2


def test_only_leads_and_administrators_write_templates(s, signed_in_api):
    assert _template(signed_in_api(s.alice), s).status_code == 403
    assert signed_in_api(s.alice).get(TEMPLATES).status_code == 200


def test_the_rendered_message_for_a_fixture_customer_is_exactly_this(s, signed_in_api):
    _template(signed_in_api(s.oscar), s)
    alice = signed_in_api(s.alice)
    alice.post(
        f"/api/v1/incidents/{s.incident.pk}/goodwill/",
        {"customer": s.acme.pk, "kind": "credit", "amount": "300.00", "reason": "Late twice."},
        format="json",
    )

    preview = alice.get(f"/api/v1/incidents/{s.incident.pk}/messages/preview/?customer={s.acme.pk}").json()

    assert preview["subject"] == "Warehouse system down: we are on it"
    assert preview["body"] == (
        "Dear Acme, since 2 March 2026, 08:30 UTC (open). First response within 30 minutes, resolution within "
        "4 hours. Goodwill: a credit of 300.00 EUR. Alice Martin"
    )
    assert preview["personal"] is True and preview["template_version"] == 1 and preview["sent"] is False
    assert "ceo@acme.example" not in str(preview)


def test_without_a_template_the_house_words_are_ready(s, signed_in_api):
    preview = signed_in_api(s.oscar).get(
        f"/api/v1/incidents/{s.incident.pk}/messages/preview/?customer={s.borealis.pk}"
    )
    assert preview.status_code == 200 and preview.json()["template"] is None
    assert preview.json()["body"].startswith("Dear Borealis,") and "none so far" in preview.json()["body"]


def test_an_account_manager_sees_only_their_own_affected_customers(s, signed_in_api):
    alice = signed_in_api(s.alice)
    base = f"/api/v1/incidents/{s.incident.pk}/messages/preview/?customer="

    assert alice.get(base + str(s.acme.pk)).status_code == 200
    assert alice.get(base + str(s.borealis.pk)).status_code == 404  # amy's
    assert alice.get(base + str(s.zenith.pk)).status_code == 404  # not affected, AMER
    assert alice.get(base + "999999").status_code == 404
    assert alice.get(base + "abc").status_code == 400
    signed_in_api(s.amy).post(
        f"/api/v1/incidents/{s.incident.pk}/messages/",
        {"customer": s.borealis.pk, "channel": "email"},
        format="json",
    )
    assert alice.get(f"/api/v1/incidents/{s.incident.pk}/messages/").json()["count"] == 0


def test_recording_a_message_keeps_the_words_and_says_so_in_the_trail(s, signed_in_api):
    _template(signed_in_api(s.oscar), s)
    alice = signed_in_api(s.alice)
    url = f"/api/v1/incidents/{s.incident.pk}/messages/"

    made = alice.post(url, {"customer": s.acme.pk, "channel": "phone"}, format="json")
    again = alice.post(url, {"customer": s.acme.pk, "channel": "email", "body": "Again."}, format="json")

    assert made.status_code == 201, made.content
    body = made.json()
    assert (body["channel"], body["sent_by"], body["edited"], body["template_version"]) == (
        "phone",
        "am.alice",
        False,
        1,
    )
    assert body["body"].startswith("Dear Acme, since 2 March 2026")
    assert again.status_code == 409 and "Already recorded as sent" in again.json()["detail"]
    assert IncidentMessage.objects.count() == 1
    event = AuditEvent.objects.get(verb="incident.message_sent")
    assert event.after["customer"] == s.acme.pk and event.after["channel"] == "phone"


def test_edited_words_are_kept_as_sent(s, signed_in_api):
    made = signed_in_api(s.alice).post(
        f"/api/v1/incidents/{s.incident.pk}/messages/",
        {
            "customer": s.acme.pk,
            "channel": "meeting",
            "subject": "Our apologies",
            "body": "As discussed today.",
        },
        format="json",
    )
    assert made.status_code == 201 and made.json()["edited"] is True
    assert (made.json()["subject"], made.json()["body"]) == ("Our apologies", "As discussed today.")


def test_who_may_record_and_bad_input(s, signed_in_api):
    url = f"/api/v1/incidents/{s.incident.pk}/messages/"
    future = (timezone.now() + datetime.timedelta(hours=2)).isoformat()

    not_hers = signed_in_api(s.alice).post(
        url, {"customer": s.borealis.pk, "channel": "email"}, format="json"
    )
    owner = signed_in_api(s.olivia).post(url, {"customer": s.acme.pk, "channel": "email"}, format="json")
    bad_channel = signed_in_api(s.alice).post(
        url, {"customer": s.acme.pk, "channel": "pigeon"}, format="json"
    )
    in_future = signed_in_api(s.alice).post(
        url, {"customer": s.acme.pk, "channel": "email", "sent_at": future}, format="json"
    )
    lead = signed_in_api(s.oscar).post(url, {"customer": s.borealis.pk, "channel": "email"}, format="json")

    assert not_hers.status_code == 400 and "customer" in not_hers.json()
    assert owner.status_code == 403
    assert bad_channel.status_code == 400 and "channel" in bad_channel.json()
    assert in_future.status_code == 400 and "sent_at" in in_future.json()
    assert lead.status_code == 201  # a lead of the customer's region
    assert IncidentMessage.objects.count() == 1


def test_the_goodwill_offered_says_what_waits_for_approval(s, signed_in_api):
    Goodwill.objects.create(
        incident=s.incident, customer=s.acme, kind="expedite", amount=Decimal("900"), reason="Rush",
        status="requested", limit=Decimal("500"), given_by=s.alice, given_at=timezone.now(),
    )  # fmt: skip
    preview = signed_in_api(s.alice).get(
        f"/api/v1/incidents/{s.incident.pk}/messages/preview/?customer={s.acme.pk}"
    )
    assert "an expedited service worth 900.00 EUR (awaiting approval)" in preview.json()["body"]
