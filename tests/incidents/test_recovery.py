"""Recovery measured (issue 19, item 7): for the affected customers, 30 days before against 30 days after the
start — cases opened, feedback given, mean NPS, the share of negative sentiment that counts, revenue now against
when affected — on the incident page's Recovery card and `…/{id}/recovery/`; n/a until 30 days have passed; an
account manager's figures are their own customers'; constant queries whatever the number of customers."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from feedback.models import FeedbackItem
from incidents.models import AffectedCustomer
from segments.models import ServiceCase
from tests.exceptions.factories import scenario
from tests.incidents.factories import incident
from tests.segments.factories import CustomerFactory

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def _case(customer, at):
    number = ServiceCase.objects.count() + 1
    return ServiceCase.objects.create(
        customer=customer, external_id=f"R-{number}", priority="P3", opened_at=at
    )


def _feedback(customer, day, score=None, source="nps_survey", **more):
    return FeedbackItem.objects.create(
        customer=customer, source=source, score=score, received_on=day, text="t", **more
    )


def _affect(made, customer, revenue=None):
    return AffectedCustomer.objects.create(
        incident=made, customer=customer, via="rule", added_at=made.started_at, revenue_at_start=revenue
    )


@pytest.fixture
def s():
    """Started 40 days ago: Acme (alice's) and Borealis (amy's) affected, Zenith (AMER) not."""
    w = scenario()
    started = timezone.now() - 40 * DAY
    w.incident = incident(w.oscar, [w.emea], status="resolved", started_at=started, detected_at=started)
    w.acme.annual_revenue, w.borealis.annual_revenue = Decimal("800000"), Decimal("500000")
    w.acme.save()
    w.borealis.save()
    _affect(w.incident, w.acme, Decimal("1000000"))  # lowered by 200,000
    _affect(w.incident, w.borealis, Decimal("500000"))
    # Cases: before 2 (Acme, Borealis), 1 more 31 days before (outside); after 3 (Acme twice, Borealis); Zenith's.
    for customer, days in (
        (w.acme, -3),
        (w.borealis, -29),
        (w.acme, -31),
        (w.acme, 1),
        (w.acme, 29),
        (w.borealis, 2),
    ):
        _case(customer, started + days * DAY)
    _case(w.zenith, started + DAY)
    day = timezone.localdate(started)
    # Feedback before: NPS 9 and 5 (mean 7), a counted negative sentiment of 2 counted; after: NPS 2, 4 (mean 3),
    # a counted negative and an unsure one (not counted).
    _feedback(w.acme, day - 5 * DAY, 9)
    _feedback(w.borealis, day - 6 * DAY, 5)
    _feedback(w.acme, day - 7 * DAY, source="account_manager_insight", sentiment="negative")
    _feedback(w.acme, day - 8 * DAY, source="account_manager_insight", sentiment="positive")
    _feedback(w.acme, day + 5 * DAY, 2)
    _feedback(w.borealis, day + 6 * DAY, 4)
    _feedback(w.acme, day + 7 * DAY, source="account_manager_insight", sentiment="negative")
    _feedback(
        w.borealis,
        day + 8 * DAY,
        source="account_manager_insight",
        sentiment="positive",
        sentiment_needs_confirmation=True,
    )
    _feedback(w.zenith, day + 5 * DAY, 0)
    return w


def _recovery(client, made):
    response = client.get(f"/api/v1/incidents/{made.pk}/recovery/")
    assert response.status_code == 200, response.content
    return response.json()


def test_recovery_against_the_fixture(s, signed_in_api):
    body = _recovery(signed_in_api(s.oscar), s.incident)

    assert body["complete"] is True and body["affected"] == 2
    assert (body["cases_before"], body["cases_after"]) == (2, 3)
    assert (body["feedback_before"], body["feedback_after"]) == (4, 4)
    assert (body["nps_answers_before"], body["nps_mean_before"]) == (2, 7.0)
    assert (body["nps_answers_after"], body["nps_mean_after"]) == (2, 3.0)
    assert body["negative_share_before"] == pytest.approx(0.5)  # 1 negative of 2 counted
    assert body["negative_share_after"] == pytest.approx(1.0)  # the unsure one does not count
    assert (body["negative_before"], body["negative_after"]) == (2, 3)  # NPS ≤ 6 or a counted negative
    assert (body["revenue_then"], body["revenue_now"], body["revenue_change"]) == (
        "1500000.00",
        "1300000.00",
        "-200000.00",
    )
    assert (body["reduced"], body["ended"], body["reduced_or_ended"]) == (1, 0, 1)


def test_an_account_manager_measures_their_own_customers(s, signed_in_api):
    body = _recovery(signed_in_api(s.alice), s.incident)

    assert body["affected"] == 1
    assert (body["cases_before"], body["cases_after"]) == (1, 2)


def test_the_after_side_is_na_until_30_days_have_passed(s, signed_in_api, browse):
    recent = incident(
        s.oscar, [s.emea], started_at=timezone.now() - 3 * DAY, detected_at=timezone.now() - 3 * DAY
    )
    _affect(recent, s.acme)

    body = _recovery(signed_in_api(s.oscar), recent)
    page = browse(s.oscar).get(f"/incidents/{recent.pk}/").content.decode()

    assert body["complete"] is False and body["cases_after"] is None and body["nps_mean_after"] is None
    assert body["cases_before"] == 1
    assert "n/a until 30 days have passed" in page


def test_the_incident_page_shows_the_recovery_card(s, browse):
    page = browse(s.oscar).get(f"/incidents/{s.incident.pk}/").content.decode()

    assert 'data-testid="recovery"' in page
    assert 'Cases opened</th><td class="num">2</td><td class="num">3</td>' in page
    assert "n/a until" not in page
    assert "1 reduced or ended their business" in page


@pytest.mark.parametrize("extra", [0, 60])
def test_recovery_costs_the_same_queries_for_few_or_many_customers(
    s, signed_in_api, django_assert_max_num_queries, extra
):
    for n in range(extra):
        customer = CustomerFactory(name=f"More {n}", region=s.emea, account_manager=s.alice)
        _affect(s.incident, customer, Decimal("100"))
        _case(customer, s.incident.started_at + DAY)
    client = signed_in_api(s.oscar)
    with django_assert_max_num_queries(12):
        assert _recovery(client, s.incident)["affected"] == 2 + extra


def test_an_incident_without_affected_customers_measures_nothing(s, signed_in_api):
    empty = incident(s.oscar, [s.emea])

    body = _recovery(signed_in_api(s.oscar), empty)

    assert (body["affected"], body["cases_before"], body["revenue_change"], body["nps_mean_before"]) == (
        0,
        0,
        None,
        None,
    )
