"""The "customers to contact" queue (issue 19, item 8) and the templates pages: an account manager's own affected
customers not yet messaged, top tier first then by name, each with the message ready; recording one as sent
from its row; goodwill from the row (within the limit recorded, above it an exception request named with its
route, a bad amount a form error); the empty state; a constant number of queries; the templates pages."""

from decimal import Decimal

import pytest
from django.utils import timezone

from exceptions.models import ExceptionRequest
from incidents.models import AffectedCustomer, Goodwill, GoodwillLimit, IncidentMessage, MessageTemplate
from tests.exceptions.factories import scenario
from tests.incidents.factories import incident
from tests.segments.factories import CustomerFactory, tiers

pytestmark = pytest.mark.django_db


@pytest.fixture
def s():
    world = scenario()
    world.strategic, world.premier, world.standard = tiers()
    world.alice.first_name, world.alice.last_name = "Alice", "Martin"
    world.alice.save()
    world.acme.segment = world.standard
    world.acme.save()
    world.borealis.segment = world.strategic  # amy's
    world.borealis.save()
    world.zeta = CustomerFactory(
        name="Zeta", region=world.emea, account_manager=world.alice, segment=world.strategic
    )
    world.beta = CustomerFactory(
        name="Beta", region=world.emea, account_manager=world.alice, segment=world.premier
    )
    world.alpha = CustomerFactory(
        name="Alpha", region=world.emea, account_manager=world.alice, segment=world.strategic
    )
    GoodwillLimit.objects.create(role="account manager", segment=world.strategic, amount=Decimal("500"))
    world.incident = incident(world.oscar, [world.emea])
    world.incident.processes.set([world.fulfilment])
    for customer in (world.acme, world.borealis, world.zeta, world.beta, world.alpha):
        AffectedCustomer.objects.create(
            incident=world.incident, customer=customer, via="rule", added_at=timezone.now()
        )
    return world


def _names(html: str) -> list[str]:
    import re

    return re.findall(
        r'data-testid="contact-row" data-customer="\d+">.*?<h2><a [^>]*>([^<]+)</a>', html, re.S
    )


def test_the_queue_is_the_account_managers_own_top_tier_first_then_by_name(s, browse):
    MessageTemplate.objects.create(
        segment=s.strategic, kind="outage", version=1, level="personal", subject="About {incident_title}",
        body="Dear {customer_name}, we call you today. {account_manager}", created_at=timezone.now(),
    )  # fmt: skip
    page = browse(s.alice).get(f"/incidents/{s.incident.pk}/contact/")

    assert page.status_code == 200
    html = page.content.decode()
    assert _names(html) == ["Alpha", "Zeta", "Beta", "Acme"]  # Borealis is amy's
    assert "Dear Alpha, we call you today. Alice Martin" in html
    assert html.count('data-testid="personal"') == 2  # the strategic ones: the personal version
    assert 'value="phone" selected' in html  # a personal message suggests a call


def test_recording_from_the_row_takes_the_customer_off_the_queue(s, browse):
    client = browse(s.alice)
    response = client.post(
        f"/incidents/{s.incident.pk}/contact/send/",
        {"customer": s.alpha.pk, f"c{s.alpha.pk}-subject": "Sorry", f"c{s.alpha.pk}-body": "Called you.",
         f"c{s.alpha.pk}-channel": "phone"},
    )  # fmt: skip

    assert response.status_code == 302
    sent = IncidentMessage.objects.get()
    assert (sent.customer, sent.channel, sent.body, sent.edited) == (s.alpha, "phone", "Called you.", True)
    html = client.get(response["Location"]).content.decode()
    assert _names(html) == ["Zeta", "Beta", "Acme"] and "Recorded: phone call to Alpha, “Sorry”." in html


def test_a_bad_channel_comes_back_on_its_row_nothing_written(s, browse):
    response = browse(s.alice).post(
        f"/incidents/{s.incident.pk}/contact/send/",
        {"customer": s.zeta.pk, f"c{s.zeta.pk}-channel": "pigeon"},
    )
    assert response.status_code == 400 and 'data-testid="send-error"' in response.content.decode()
    assert not IncidentMessage.objects.exists()


def test_when_everyone_is_contacted_the_queue_says_so(s, browse):
    for customer in (s.acme, s.zeta, s.beta, s.alpha):
        IncidentMessage.objects.create(
            incident=s.incident, customer=customer, subject="x", body="y", channel="email",
            sent_at=timezone.now(), recorded_at=timezone.now(), sent_by=s.alice,
        )  # fmt: skip
    html = browse(s.alice).get(f"/incidents/{s.incident.pk}/contact/").content.decode()
    assert "Everyone is contacted." in html and 'data-testid="contact-row"' not in html


def test_goodwill_from_the_row_within_the_limit_is_recorded(s, browse):
    client = browse(s.alice)
    response = client.post(
        f"/incidents/{s.incident.pk}/contact/goodwill/",
        {"customer": s.zeta.pk, f"g{s.zeta.pk}-kind": "credit", f"g{s.zeta.pk}-amount": "300",
         f"g{s.zeta.pk}-reason": "Launch order late."},
        follow=True,
    )  # fmt: skip
    assert response.status_code == 200
    assert (
        "Credit of 300.00 EUR recorded for Zeta, within your limit of 500.00 EUR."
        in response.content.decode()
    )
    assert Goodwill.objects.get().status == "recorded"


def test_goodwill_from_the_row_above_the_limit_becomes_an_exception_request(s, browse):
    response = browse(s.alice).post(
        f"/incidents/{s.incident.pk}/contact/goodwill/",
        {"customer": s.zeta.pk, f"g{s.zeta.pk}-kind": "credit", f"g{s.zeta.pk}-amount": "800",
         f"g{s.zeta.pk}-reason": "Three days late."},
        follow=True,
    )  # fmt: skip
    request = ExceptionRequest.objects.get()
    assert request.route == "lead"
    assert (
        f"it became exception request #{request.pk}, routed to the operations lead of the region."
        in response.content.decode()
    )


@pytest.mark.parametrize("amount", ["-5", "abc", "0"])
def test_a_bad_goodwill_amount_is_a_form_error_on_its_row(s, browse, amount):
    response = browse(s.alice).post(
        f"/incidents/{s.incident.pk}/contact/goodwill/",
        {"customer": s.zeta.pk, f"g{s.zeta.pk}-kind": "credit", f"g{s.zeta.pk}-amount": amount,
         f"g{s.zeta.pk}-reason": "Late."},
    )  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 400 and 'data-testid="goodwill-error"' in html
    assert '<details class="goodwill" open>' in html
    assert not Goodwill.objects.exists()


def test_another_managers_customer_is_not_in_reach_from_the_page(s, browse):
    response = browse(s.alice).post(
        f"/incidents/{s.incident.pk}/contact/send/",
        {"customer": s.borealis.pk, f"c{s.borealis.pk}-channel": "email"},
    )
    assert response.status_code == 400 and not IncidentMessage.objects.exists()


def test_who_opens_the_queue(s, browse):
    assert browse(s.oscar).get(f"/incidents/{s.incident.pk}/contact/").status_code == 200
    assert browse(s.olivia).get(f"/incidents/{s.incident.pk}/contact/").status_code == 403
    assert browse(s.bob).get(f"/incidents/{s.incident.pk}/contact/").status_code == 404


@pytest.mark.parametrize("rows", [3, 30])
def test_the_queue_costs_the_same_queries_for_few_or_many_rows(
    s, browse, django_assert_max_num_queries, rows
):
    for n in range(rows):
        customer = CustomerFactory(
            region=s.emea, account_manager=s.alice, segment=[s.strategic, s.premier][n % 2]
        )
        AffectedCustomer.objects.create(
            incident=s.incident, customer=customer, via="rule", added_at=timezone.now()
        )
        Goodwill.objects.create(
            incident=s.incident, customer=customer, kind="credit", amount=Decimal("10"), reason="x",
            status="recorded", limit=Decimal("500"), given_by=s.alice, given_at=timezone.now(),
        )  # fmt: skip
    client = browse(s.alice)
    with django_assert_max_num_queries(16):
        html = client.get(f"/incidents/{s.incident.pk}/contact/").content.decode()
    assert html.count('data-testid="contact-row"') == min(rows + 4, 10)


def test_the_incident_page_and_the_home_card_link_the_queue(s, browse):
    client = browse(s.alice)
    assert (
        f'href="/incidents/{s.incident.pk}/contact/"'
        in client.get(f"/incidents/{s.incident.pk}/").content.decode()
    )
    home = client.get("/", follow=True).content.decode()
    assert f'href="/incidents/{s.incident.pk}/contact/"' in home
    assert (
        'data-testid="contact-link"'
        not in browse(s.olivia).get(f"/incidents/{s.incident.pk}/").content.decode()
    )


def test_the_templates_pages(s, browse):
    lead = browse(s.oscar)
    assert "House words" in lead.get("/incidents/templates/").content.decode()
    url = f"/incidents/templates/edit/?segment={s.strategic.pk}&kind=outage"
    assert lead.get(url).status_code == 200
    bad = lead.post(url, {"segment": s.strategic.pk, "kind": "outage", "level": "personal", "subject": "Hi",
                          "body": "Write to {contact_email}"})  # fmt: skip
    assert bad.status_code == 400 and "never usable" in bad.content.decode()
    good = lead.post(url, {"segment": s.strategic.pk, "kind": "outage", "level": "personal", "subject": "Hi",
                           "body": "Dear {customer_name}"}, follow=True)  # fmt: skip
    assert "version 1" in good.content.decode() and 'data-testid="version"' in good.content.decode()
    assert browse(s.alice).get(url).status_code == 403
    assert browse(s.alice).get("/incidents/templates/").status_code == 200
