"""The post-mortem (issue 19, item 6): marking an incident reviewed is refused (409 naming what is missing)
without the trust impact assessment and lessons, on the API and the page; the assessment's facts against a
fixture (customers by tier, escalations since the start, goodwill spent, negative feedback 30 days before and
after, customers who reduced or ended their business), frozen when written; the root cause is a feedback RCA
opened from the incident; who may write it."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from feedback.models import FeedbackItem, RootCauseAnalysis
from incidents.models import AffectedCustomer, Goodwill, Incident, PostMortem
from intimacy_ops.accounts.roles import Role
from intimacy_ops.audit.models import AuditEvent
from intimacy_ops.escalations.models import Escalation
from segments.models import ServiceCase
from tests.exceptions.factories import scenario
from tests.factories import user_with
from tests.incidents.factories import incident
from tests.segments.factories import CustomerFactory, tiers

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)
WRITTEN = {
    "trust_assessment": "The top tier barely noticed; Premier heard late.",
    "lessons": "Tell them first.",
}


def _escalation(case, raised):
    return Escalation.objects.create(
        content_type=ContentType.objects.get_for_model(ServiceCase), object_id=case.pk, subject_label="Case",
        reason="sla_resolution_breached", region=case.customer.region, target_role="operations lead",
        raised_at=raised, level_raised_at=raised,
    )  # fmt: skip


def _case(customer, at):
    number = ServiceCase.objects.count() + 1
    return ServiceCase.objects.create(
        customer=customer, external_id=f"T-{number}", priority="P3", opened_at=at
    )


def _feedback(customer, day, score=None, source="nps_survey", **more):
    return FeedbackItem.objects.create(
        customer=customer, source=source, score=score, received_on=day, text="t", **more
    )


@pytest.fixture
def s():
    """A resolved EMEA incident started 40 days ago: Acme (Strategic) and Borealis (Premier) affected, Zenith
    (AMER) not. Acme's revenue fell since; Borealis dropped to Standard."""
    w = scenario()
    w.lead_amer = user_with(Role.OPERATIONS_LEAD, regions=["AMER"], username="ops.amer")
    w.strategic, w.premier, w.standard = tiers()
    w.acme.segment, w.borealis.segment, w.zenith.segment = w.strategic, w.premier, w.premier
    for customer in (w.acme, w.borealis, w.zenith):
        customer.save()
    started = timezone.now() - 40 * DAY
    w.incident = incident(w.oscar, [w.emea], status="resolved", started_at=started, detected_at=started)
    w.incident.processes.set([w.fulfilment])
    w.start = started
    w.acme.annual_revenue = Decimal("6000000")
    w.acme.save()
    for customer, revenue, segment in (
        (w.acme, "6000000", w.strategic),
        (w.borealis, w.borealis.annual_revenue, w.premier),
    ):
        AffectedCustomer.objects.create(
            incident=w.incident, customer=customer, via="rule", added_at=started,
            revenue_at_start=Decimal(revenue), segment_at_start=segment,
        )  # fmt: skip
    w.acme.annual_revenue = Decimal("4000000")
    w.acme.save()
    w.borealis.segment = w.standard
    w.borealis.save()
    # Escalations: about Acme's case after the start (counted), before it (not), about Zenith (not affected).
    _escalation(_case(w.acme, started + DAY), started + 2 * DAY)
    _escalation(_case(w.acme, started - 5 * DAY), started - 4 * DAY)
    _escalation(_case(w.zenith, started + DAY), started + 2 * DAY)
    # Goodwill: 300 recorded to Acme, 900 requested for Borealis.
    for customer, amount, status in ((w.acme, "300", "recorded"), (w.borealis, "900", "requested")):
        Goodwill.objects.create(
            incident=w.incident, customer=customer, kind="credit", amount=Decimal(amount), reason="Late.",
            status=status, limit=Decimal("500"), given_by=w.oscar, given_at=started + DAY,
        )  # fmt: skip
    day = timezone.localdate(started)
    # Negative before: Acme's NPS 3 (10 days before); not negative: NPS 9. After: Borealis NPS 2, Acme CES 2.
    _feedback(w.acme, day - 10 * DAY, 3)
    _feedback(w.acme, day - 9 * DAY, 9)
    _feedback(w.acme, day - 31 * DAY, 1)  # outside the window
    _feedback(w.borealis, day + 3 * DAY, 2)
    _feedback(w.acme, day + 20 * DAY, 2, source="ces_survey")
    _feedback(w.zenith, day + 3 * DAY, 0)  # not affected
    return w


def _review(client, made):
    return client.post(f"/api/v1/incidents/{made.pk}/review/", {}, format="json")


def test_reviewed_is_refused_without_the_trust_impact_assessment_naming_it(s, signed_in_api):
    client = signed_in_api(s.oscar)

    refused = _review(client, s.incident)

    assert refused.status_code == 409
    assert "the trust impact assessment and lessons" in refused.json()["detail"]
    s.incident.refresh_from_db()
    assert s.incident.status == "resolved"

    client.put(
        f"/api/v1/incidents/{s.incident.pk}/post-mortem/", {"lessons": "Tell them first."}, format="json"
    )
    still = _review(client, s.incident)
    assert still.status_code == 409 and "trust impact assessment" in still.json()["detail"]
    assert "lessons" not in still.json()["detail"].split("without")[1]


def test_with_the_assessment_and_lessons_it_is_reviewed(s, signed_in_api):
    client = signed_in_api(s.oscar)

    written = client.put(f"/api/v1/incidents/{s.incident.pk}/post-mortem/", WRITTEN, format="json")
    reviewed = _review(client, s.incident)

    assert written.status_code == 200, written.content
    assert written.json()["missing_to_review"] == []
    assert reviewed.status_code == 200 and reviewed.json()["status"] == "reviewed"
    after = client.put(f"/api/v1/incidents/{s.incident.pk}/post-mortem/", {"lessons": "More."}, format="json")
    assert after.status_code == 409  # a reviewed incident's post-mortem is the record
    assert PostMortem.objects.get(incident=s.incident).lessons == "Tell them first."


def test_the_page_refuses_reviewed_without_the_assessment(s, browse):
    client = browse(s.oscar)

    refused = client.post(f"/incidents/{s.incident.pk}/step/", {"action": "review"})

    assert refused.status_code == 409
    assert "the trust impact assessment" in refused.content.decode()
    client.post(f"/incidents/{s.incident.pk}/post-mortem/", WRITTEN)
    done = client.post(f"/incidents/{s.incident.pk}/step/", {"action": "review"})
    assert done.status_code == 302
    assert Incident.objects.get(pk=s.incident.pk).status == "reviewed"


def test_the_assessments_facts_against_the_fixture_frozen_when_written(s, signed_in_api):
    client = signed_in_api(s.oscar)

    body = client.put(f"/api/v1/incidents/{s.incident.pk}/post-mortem/", WRITTEN, format="json").json()

    facts = body["facts"]
    assert facts["affected"] == 2
    assert [(row["tier"], row["count"]) for row in facts["by_tier"]] == [("Strategic", 1), ("Standard", 1)]
    assert (facts["escalations_raised"], facts["escalations_open"]) == (1, 1)
    assert (facts["goodwill_recorded"], facts["goodwill_requested"], facts["goodwill_customers"]) == (
        "300.00",
        "900.00",
        2,
    )
    assert (facts["negative_before"], facts["negative_after"], facts["after_complete"]) == (1, 2, True)
    assert (facts["reduced"], facts["ended"], facts["dropped_tier"], facts["reduced_or_ended"]) == (
        1,
        0,
        1,
        2,
    )
    assert body["assessed_by"] == "ops.oscar" and body["assessed_at"]

    # Later facts change the live figures, not the frozen ones; rewriting the lessons keeps them frozen.
    _feedback(s.acme, timezone.localdate(s.start) + 5 * DAY, 1)
    again = client.put(
        f"/api/v1/incidents/{s.incident.pk}/post-mortem/", {"lessons": "Tell all."}, format="json"
    )
    assert again.json()["facts"]["negative_after"] == 2
    assert again.json()["live_facts"]["negative_after"] == 3
    event = AuditEvent.objects.filter(verb="incident.post_mortem_written").order_by("pk").first()
    assert event.after["facts"]["negative_after"] == 2


def test_the_root_cause_is_a_feedback_rca_opened_from_the_incident(s, signed_in_api):
    client = signed_in_api(s.oscar)
    url = f"/api/v1/incidents/{s.incident.pk}/post-mortem/"

    wrong = client.put(url, {"root_cause_process": s.billing.pk}, format="json")
    opened = client.put(
        url, {"root_cause_process": s.fulfilment.pk, "root_cause_problem": "Late."}, format="json"
    )
    twice = client.put(url, {"root_cause_process": s.fulfilment.pk}, format="json")

    assert wrong.status_code == 400 and "root_cause_process" in wrong.json()
    assert opened.status_code == 200, opened.content
    rca = RootCauseAnalysis.objects.get()
    assert (rca.trigger, rca.process, rca.problem, rca.owner) == ("incident", s.fulfilment, "Late.", s.olivia)
    assert [r.code for r in rca.regions.all()] == ["EMEA"]
    assert opened.json()["rca"]["id"] == rca.pk and opened.json()["rca"]["trigger"] == "incident"
    assert twice.status_code == 409
    # The lead sees the RCA through feedback's own scope (its regions), and the RCA page writes its whys.
    assert client.get(f"/api/v1/rcas/{rca.pk}/").status_code == 200


def test_who_writes_it_and_who_reads_it(s, signed_in_api, browse):
    url = f"/api/v1/incidents/{s.incident.pk}/post-mortem/"

    assert signed_in_api(s.alice).put(url, WRITTEN, format="json").status_code == 403
    assert signed_in_api(s.alice).get(url).status_code == 200
    assert signed_in_api(s.lead_amer).get(url).status_code == 404
    assert not PostMortem.objects.filter(trust_assessment__gt="").exists()
    page = browse(s.alice).get(f"/incidents/{s.incident.pk}/post-mortem/")
    assert page.status_code == 200
    assert 'data-testid="post-mortem-form"' not in page.content.decode()


def test_the_page_shows_the_computed_facts_and_writes_the_assessment(s, browse):
    client = browse(s.oscar)
    url = f"/incidents/{s.incident.pk}/post-mortem/"

    shown = client.get(url).content.decode()
    bad = client.post(url, {**WRITTEN, "lessons": "x" * 20_001})
    assert bad.status_code == 400 and not PostMortem.objects.filter(lessons__gt="").exists()
    saved = client.post(url, WRITTEN)

    assert 'data-testid="live-facts"' in shown and "Strategic: <strong>1</strong>" in shown
    assert "300.00 EUR recorded" in shown
    assert saved.status_code == 302
    frozen = client.get(url).content.decode()
    assert 'data-testid="frozen-facts"' in frozen and "Premier heard late." in frozen


def test_the_post_mortem_costs_the_same_queries_for_few_or_many_customers(
    s, signed_in_api, django_assert_max_num_queries
):
    client = signed_in_api(s.oscar)
    url = f"/api/v1/incidents/{s.incident.pk}/post-mortem/"
    with django_assert_max_num_queries(30):
        assert client.get(url).status_code == 200
    for n in range(40):
        customer = CustomerFactory(name=f"Extra {n}", region=s.emea, account_manager=s.alice)
        AffectedCustomer.objects.create(incident=s.incident, customer=customer, via="rule", added_at=s.start)
    with django_assert_max_num_queries(30):
        assert client.get(url).json()["live_facts"]["affected"] == 42
