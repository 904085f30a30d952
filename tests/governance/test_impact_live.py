"""The impact assessment of an open review shows the data as it is when read: exceptions on the process that
became active since the review opened, a segment's load after a tier change; what the owner wrote stays, and a
decided review keeps what the board decided on (issue 18, defect 4)."""

import pytest
from django.utils import timezone

from exceptions.models import ExceptionRequest
from exceptions.services import lifecycle
from governance.models import Review
from governance.services import impact
from segments.models import Customer
from tests.exceptions.factories import ExceptionRequestFactory, scenario
from tests.factories import PASSWORD
from tests.segments.factories import CustomerFactory, SegmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def s():
    return scenario()


def _figures(client, user, review) -> dict:
    assert client.login(username=user.username, password=PASSWORD)
    return client.get(f"/governance/reviews/{review.pk}/").context["impact"]


def _open_review(s):
    tier = SegmentFactory(name="Gold", capacity=3)
    Customer.objects.filter(pk=s.acme.pk).update(segment=tier)
    exception = ExceptionRequestFactory(customer=s.acme, process=s.fulfilment, estimated_monthly_cost=9000)
    lifecycle.submit_request(exception=exception, actor=exception.requested_by)
    return Review.objects.get(exception=exception), tier


def test_similar_active_and_tier_load_are_the_data_of_today_while_the_review_is_open(s, client):
    review, tier = _open_review(s)
    assert (review.impact["similar_active"], review.impact["segment_customers"]) == (0, 1)
    for _ in range(2):  # two requests on the same process start after the review opened
        ExceptionRequestFactory(
            customer=s.borealis, process=s.fulfilment, status=ExceptionRequest.Status.ACTIVE
        )
    CustomerFactory.create_batch(3, region=s.acme.region, segment=tier)  # the tier change: 4 of 3 now
    shown = _figures(client, s.dan, review)
    assert shown["similar_active"] == 2
    assert shown["segment_customers"] == 4
    assert shown["capacity_effect"] == "Gold serves 4 of 3 customers: over capacity."


def test_what_the_owner_wrote_stays_and_a_decided_review_keeps_its_figures(s, client):
    review, _ = _open_review(s)
    impact.update_impact(review=review, actor=s.olivia, similar_active=5, customers_holding=0, notes="Seen.")
    ExceptionRequestFactory(customer=s.borealis, process=s.fulfilment, status=ExceptionRequest.Status.ACTIVE)
    shown = _figures(client, s.dan, review)
    assert (shown["similar_active"], shown["notes"]) == (5, "Seen.")  # the owner's figure, not the data's
    assert shown["customers_holding"] == 1  # set to what the data said then: stays live
    Review.objects.filter(pk=review.pk).update(status=Review.Status.DECIDED)
    ExceptionRequestFactory(customer=s.borealis, process=s.fulfilment, status=ExceptionRequest.Status.ACTIVE)
    review.refresh_from_db()
    assert _figures(client, s.dan, review)["customers_holding"] == 0  # as stored when decided


def test_the_api_gives_one_review_with_the_figures_the_page_shows(s, client):
    review, _ = _open_review(s)
    ExceptionRequestFactory(customer=s.borealis, process=s.fulfilment, status=ExceptionRequest.Status.ACTIVE)
    assert client.login(username=s.dan.username, password=PASSWORD)
    answer = client.get(f"/api/v1/reviews/{review.pk}/")
    assert answer.status_code == 200
    assert answer.json()["impact"]["similar_active"] == 1


def _list_impacts(client, user) -> dict:
    assert client.login(username=user.username, password=PASSWORD)
    answer = client.get("/api/v1/reviews/?page_size=200")
    assert answer.status_code == 200
    return {row["id"]: row["impact"] for row in answer.json()["results"]}


def test_the_reviews_list_gives_the_figures_the_page_shows(s, client):
    """The list API read the stored figures while the page recomputed them (issue 18, defect 4)."""
    review, tier = _open_review(s)
    tagged = ExceptionRequestFactory(customer=s.borealis, process=s.billing, deviation_tag="saturday")
    lifecycle.submit_request(exception=tagged, actor=tagged.requested_by)
    Review.objects.filter(exception=tagged).update(status=Review.Status.OPEN)
    for customer, tag in [
        (s.borealis, "saturday"),
        (s.borealis, "saturday"),
        (s.zenith, ""),
        (s.acme, "night"),
    ]:
        for process in (s.fulfilment, s.billing):
            ExceptionRequestFactory(
                customer=customer, process=process, deviation_tag=tag, status=ExceptionRequest.Status.ACTIVE
            )
    CustomerFactory.create_batch(3, region=s.acme.region, segment=tier)
    impact.update_impact(review=review, actor=s.olivia, notes="Mine.", customers_holding=7)
    listed = _list_impacts(client, s.dan)
    for shown in Review.objects.filter(status=Review.Status.OPEN):
        assert listed[shown.pk] == _figures(client, s.dan, shown), shown
    assert listed[review.pk]["similar_active"] == 4 and listed[review.pk]["segment_customers"] == 4
    assert listed[review.pk]["customers_holding"] == 7  # the owner's own figure stays


@pytest.mark.parametrize("rows", [2, 12])
def test_the_reviews_list_computes_the_figures_in_constant_queries(
    s, rows, client, django_assert_max_num_queries
):
    for number in range(rows):
        process = s.fulfilment if number % 2 else s.billing
        exception = ExceptionRequestFactory(
            customer=s.acme, process=process, estimated_monthly_cost=9000, deviation_tag=f"tag-{number % 3}"
        )
        lifecycle.submit_request(exception=exception, actor=exception.requested_by)
        ExceptionRequestFactory(customer=s.borealis, process=process, status=ExceptionRequest.Status.ACTIVE)
    assert client.login(username=s.dan.username, password=PASSWORD)
    with django_assert_max_num_queries(18):
        answer = client.get("/api/v1/reviews/?page_size=200")
    assert answer.json()["count"] == rows


def test_the_reviews_list_agrees_with_one_review_at_a_time_on_every_kind_of_subject(s, client):
    """The page of reviews aggregates in the database what one review counts alone: reviews of a request
    still submitted and of one already active (left out of its own figures: its customer stops counting
    only if that was its only alike request), proposals about a tag or a whole process, a customer sharing
    another's name, and more than ten customers to name."""
    twin = CustomerFactory(
        name="Acme", region=s.emea, account_manager=s.alice
    )  # another customer with Acme's name
    many = [
        CustomerFactory(name=f"Customer {n:02}", region=s.emea, account_manager=s.alice) for n in range(12)
    ]
    active = ExceptionRequest.Status.ACTIVE
    for customer, tag, cost in [
        (s.acme, "saturday", 100),
        (s.acme, "saturday", 200),
        (s.acme, "night", 300),
        (twin, "night", 400),
        (s.borealis, "saturday", 500),
        (s.zenith, "", 600),
    ] + [(customer, "saturday", 10) for customer in many]:
        ExceptionRequestFactory(
            customer=customer,
            process=s.fulfilment,
            deviation_tag=tag,
            status=active,
            estimated_monthly_cost=cost,
        )
    only_night = ExceptionRequestFactory(  # Borealis' only night request, under review itself
        customer=s.borealis,
        process=s.fulfilment,
        deviation_tag="night",
        status=active,
        estimated_monthly_cost=70,
    )
    one_of_two = ExceptionRequest.objects.filter(customer=s.acme, deviation_tag="saturday").first()
    submitted = ExceptionRequestFactory(customer=s.zenith, process=s.fulfilment, deviation_tag="saturday")
    untagged = ExceptionRequestFactory(
        customer=s.zenith, process=s.fulfilment, deviation_tag="", status=active
    )
    due = timezone.localdate()
    subjects = [
        {"kind": "extension", "exception": only_night},
        {"kind": "extension", "exception": one_of_two},
        {"kind": "extension", "exception": untagged},
        {"kind": "exception", "exception": submitted},
        {"kind": "sunset", "process": s.fulfilment, "deviation_tag": "saturday"},
        {"kind": "standardization", "process": s.fulfilment, "deviation_tag": ""},
        {"kind": "sunset", "process": s.billing, "deviation_tag": "night"},  # nothing active there
    ]
    for subject in subjects:
        review = Review.objects.create(board=s.board, due_on=due, opened_at=timezone.now(), **subject)
        review.impact = impact.assess_impact(review)
        review.save(update_fields=["impact"])
    ExceptionRequestFactory(customer=twin, process=s.fulfilment, deviation_tag="saturday", status=active)
    listed = _list_impacts(client, s.dan)
    assert len(listed) == len(subjects)
    for review in Review.objects.all():
        assert listed[review.pk] == impact.current(review), review.kind
    by_kind = {(r.kind, r.exception_id, r.deviation_tag): listed[r.pk] for r in Review.objects.all()}
    night = by_kind["extension", only_night.pk, ""]
    assert (night["similar_same_tag"], night["customers_holding"]) == (
        2,
        2,
    )  # Acme and its twin, not Borealis
    assert night["customer_names"] == ["Acme"]
    saturday = by_kind["extension", one_of_two.pk, ""]
    assert saturday["customers_holding"] == 15  # Acme still holds its other Saturday request
    assert len(saturday["customer_names"]) == 10
