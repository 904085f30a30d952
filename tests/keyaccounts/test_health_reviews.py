"""Health reviews (issue 20, item 2): the check opens one review per customer and period of its tier's cadence
however often (and however concurrently) it runs, each account manager told once; the account manager completes
it with notes, actions and the next date (the facts frozen), a second completion is a 409, bad input a 400
naming the field; another account manager's review is a 404; the capacity view warns."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from intimacy_ops.audit import AuditEvent
from intimacy_ops.notifications.models import Notification
from keyaccounts.health.cadence import period_of
from keyaccounts.models import HealthReview, HealthReviewAction, HealthReviewCadence
from tests.concurrency import twice_at_once
from tests.segments.factories import CustomerFactory, five_customers

pytestmark = pytest.mark.django_db

REVIEWS = "/api/v1/health-reviews/"


def run_check():
    call_command("run_checks", "keyaccounts.health_reviews_due", stdout=io.StringIO())


@pytest.fixture
def world():
    return five_customers()


def later(days: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def test_the_check_opens_one_review_per_customer_and_period_and_tells_each_manager_once(world):
    for _ in range(3):
        run_check()

    today = timezone.localdate()
    quarter, half = period_of(today, 3), period_of(today, 6)
    reviews = {r.customer.name: r for r in HealthReview.objects.select_related("customer")}
    # Strategic every quarter, Premier every six months, Standard (the lowest tier) never, by default.
    assert sorted(reviews) == ["Acme Logistics", "Borealis Foods", "Delta Retail"]
    acme = reviews["Acme Logistics"]
    assert (acme.period, acme.status, acme.due_on, acme.account_manager) == (
        quarter.label,
        "open",
        quarter.ends_on,
        world.alice,
    )
    assert reviews["Borealis Foods"].period == half.label
    assert [n.subject for n in Notification.objects.filter(recipient=world.alice)] == [
        "2 health reviews are due"
    ]
    assert [n.subject for n in Notification.objects.filter(recipient=world.bob)] == ["1 health review is due"]
    assert AuditEvent.objects.filter(verb="health_review.opened").count() == 3


def test_a_cadence_set_by_a_lead_applies_from_the_next_run(world, client):
    client.force_login(world.oscar)
    response = client.post(
        "/keyaccounts/health-reviews/cadence/", {"segment": world.standard.pk, "every_months": "12"}
    )
    assert response.status_code == 302
    run_check()
    cobalt = HealthReview.objects.get(customer=world.customers["cobalt"])
    assert cobalt.period == str(timezone.localdate().year)
    client.force_login(world.alice)
    refused = client.post(
        "/keyaccounts/health-reviews/cadence/", {"segment": world.standard.pk, "every_months": "1"}
    )
    assert refused.status_code == 403
    assert HealthReviewCadence.objects.get(segment=world.standard).every_months == 12


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="two runs at once need PostgreSQL's locks")
def test_two_runs_at_once_open_each_review_once():
    world = five_customers()
    results = twice_at_once(run_check)

    assert results == [None, None], results
    assert HealthReview.objects.count() == 3
    assert Notification.objects.filter(recipient=world.alice).count() == 1
    assert AuditEvent.objects.filter(verb="health_review.opened").count() == 3


def _acme_review(world) -> HealthReview:
    run_check()
    return HealthReview.objects.get(customer=world.customers["acme"])


def test_the_account_manager_completes_a_review_with_one_action_and_a_second_completion_is_409(
    world, signed_in_api
):
    review = _acme_review(world)
    api = signed_in_api(world.alice)
    body = {
        "notes": "Response times recovered; they want a monthly report.",
        "next_date": later(60),
        "actions": [{"text": "Send the monthly SLA report", "owner": "am.alice", "due_on": later(14)}],
    }
    response = api.post(f"{REVIEWS}{review.pk}/complete/", body, format="json")

    assert response.status_code == 200, response.content
    data = response.json()
    assert data["status"] == "completed" and data["completed_by"] == "am.alice"
    assert data["facts_frozen"] is True and "sla" in data["facts"]
    assert [(a["text"], a["owner"]) for a in data["actions"]] == [("Send the monthly SLA report", "am.alice")]
    review.refresh_from_db()
    assert review.next_on.isoformat() == body["next_date"] and review.facts["since"]
    assert AuditEvent.objects.filter(verb="health_review.complete", object_id=str(review.pk)).exists()

    again = api.post(f"{REVIEWS}{review.pk}/complete/", body, format="json")
    assert again.status_code == 409
    assert HealthReviewAction.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"notes": "  "}, "notes"),
        ({"next_date": later(-1)}, "next_date"),
        ({"actions": [{"text": "Call them", "owner": "nobody.here", "due_on": later(5)}]}, "actions"),
        ({"actions": [{"text": "Call them", "owner": "am.alice", "due_on": later(-3)}]}, "actions"),
        ({"actions": [{"text": "Call them", "owner": "am.bob", "due_on": later(5)}]}, "actions"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_changes_nothing(world, signed_in_api, change, field):
    review = _acme_review(world)
    body = {"notes": "Fine.", "next_date": later(60), "actions": [], **change}
    response = signed_in_api(world.alice).post(f"{REVIEWS}{review.pk}/complete/", body, format="json")

    assert response.status_code == 400, response.content
    assert field in response.json()
    review.refresh_from_db()
    assert review.status == "open" and HealthReviewAction.objects.count() == 0


def test_another_account_manager_gets_404_and_a_lead_sees_but_may_not_complete(world, signed_in_api, client):
    review = _acme_review(world)
    amy = signed_in_api(world.amy)
    assert amy.get(f"{REVIEWS}{review.pk}/").status_code == 404
    assert amy.post(f"{REVIEWS}{review.pk}/complete/", {}, format="json").status_code == 404
    assert amy.get(REVIEWS).json()["count"] == 0
    client.force_login(world.amy)
    assert client.get(f"/keyaccounts/health-reviews/{review.pk}/").status_code == 404
    lead = signed_in_api(world.oscar)
    assert lead.get(f"{REVIEWS}{review.pk}/").status_code == 200
    assert {r["customer_name"] for r in lead.get(REVIEWS).json()["results"]} == {
        "Acme Logistics",
        "Borealis Foods",
    }
    refused = lead.post(
        f"{REVIEWS}{review.pk}/complete/", {"notes": "x", "next_date": later(9)}, format="json"
    )
    assert refused.status_code == 403


def test_the_facts_are_the_periods_figures_from_each_app(world, signed_in_api):
    from decimal import Decimal

    from exceptions.models import ExceptionRequest
    from feedback.models import FeedbackItem
    from tests.exceptions.factories import ExceptionRequestFactory, ProcessFactory
    from tests.segments.factories import ServiceCaseFactory

    review = _acme_review(world)
    acme = world.customers["acme"]
    start = timezone.make_aware(datetime.datetime.combine(review.period_starts_on, datetime.time(9)))
    on_time = ServiceCaseFactory(customer=acme, opened_at=start, priority="P2")
    on_time.first_response_at = on_time.resolved_at = start + datetime.timedelta(minutes=30)
    on_time.response_due_at = on_time.resolution_due_at = start + datetime.timedelta(hours=8)
    on_time.save()
    late = ServiceCaseFactory(customer=acme, opened_at=start, priority="P2")
    late.first_response_at = late.resolved_at = start + datetime.timedelta(hours=30)
    late.response_due_at = late.resolution_due_at = start + datetime.timedelta(hours=8)
    late.breached = True
    late.save()
    ExceptionRequestFactory(
        customer=acme,
        process=ProcessFactory(),
        status=ExceptionRequest.Status.ACTIVE,
        estimated_monthly_cost=Decimal("1200"),
        starts_on=review.period_starts_on,
    )
    for score in (10, 9, 3):
        FeedbackItem.objects.create(
            customer=acme, source="nps_survey", score=score, received_on=review.period_starts_on
        )
    FeedbackItem.objects.create(
        customer=acme,
        source="account_manager_insight",
        text="Unhappy about the pallets.",
        received_on=review.period_starts_on,
        sentiment="negative",
        sentiment_confirmed=True,
    )
    facts = signed_in_api(world.alice).get(f"{REVIEWS}{review.pk}/").json()["facts"]

    assert (facts["sla"]["closed"], facts["sla"]["compliant"], facts["sla"]["breached"]) == (2, 1, 1)
    assert facts["sla"]["compliance"] == 50.0
    assert (facts["exceptions"]["active"], facts["exceptions"]["monthly_cost"]) == (1, "1200.00")
    assert (facts["feedback"]["items"], facts["feedback"]["nps_answers"], facts["feedback"]["nps"]) == (
        4,
        3,
        33.3,
    )
    assert facts["feedback"]["confirmed_negative"] == 1
    assert facts["escalations"]["raised"] == 0 and facts["incidents"]["incidents"] == 0


def test_the_page_completes_with_one_action_and_the_customer_page_lists_it(world, client):
    review = _acme_review(world)
    client.force_login(world.alice)
    page = client.get(f"/keyaccounts/health-reviews/{review.pk}/")
    assert page.status_code == 200 and b"SLA compliance" in page.content
    form = {
        "notes": "Held on site.",
        "next_date": later(80),
        "actions-TOTAL_FORMS": "2",
        "actions-INITIAL_FORMS": "0",
        "actions-0-text": "Name a contact for Saturday deliveries",
        "actions-0-owner": "am.alice",
        "actions-0-due_on": later(10),
        "actions-1-text": "",
        "actions-1-owner": "",
        "actions-1-due_on": "",
    }
    bad = client.post(f"/keyaccounts/health-reviews/{review.pk}/complete/", {**form, "next_date": ""})
    assert bad.status_code == 400 and b"next-date-error" in bad.content
    done = client.post(f"/keyaccounts/health-reviews/{review.pk}/complete/", form)
    assert done.status_code == 302
    customer_page = client.get(f"/segments/customers/{world.customers['acme'].pk}/")
    assert b"Name a contact for Saturday deliveries" in customer_page.content
    again = client.post(f"/keyaccounts/health-reviews/{review.pk}/complete/", form)
    assert again.status_code == 409


@override_settings(HEALTH_REVIEWS_PER_WEEK=1)
def test_the_capacity_view_warns_when_due_reviews_exceed_what_the_cadence_allows(world, client):
    for number in range(4):
        CustomerFactory(
            name=f"Extra {number}", region=world.emea, account_manager=world.alice, segment=world.strategic
        )
    today = timezone.localdate()
    run_check()
    HealthReview.objects.update(due_on=today + datetime.timedelta(days=7))
    client.force_login(world.oscar)
    page = client.get("/keyaccounts/health-reviews/")
    assert page.status_code == 200
    assert b'data-testid="capacity-warning"' in page.content and b"more than the 4" in page.content
    home = client.get("/home/operations-lead/")
    assert b"health-capacity-card" in home.content and b"capacity-warning" in home.content


@pytest.mark.parametrize("extra", [3, 30])
def test_the_list_and_the_api_cost_the_same_queries_however_many_reviews(
    world, client, signed_in_api, django_assert_max_num_queries, extra
):
    for number in range(extra):
        CustomerFactory(
            name=f"Extra {number}", region=world.emea, account_manager=world.alice, segment=world.strategic
        )
    run_check()
    client.force_login(world.oscar)
    with django_assert_max_num_queries(16):
        assert client.get("/keyaccounts/health-reviews/?ordering=-due_on").status_code == 200
    api = signed_in_api(world.oscar)
    with django_assert_max_num_queries(8):
        assert api.get(f"{REVIEWS}?page_size=200").status_code == 200
    review = HealthReview.objects.filter(customer=world.customers["acme"]).get()
    with django_assert_max_num_queries(20):
        assert client.get(f"/keyaccounts/health-reviews/{review.pk}/").status_code == 200
