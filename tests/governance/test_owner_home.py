"""A process owner's home page lists the impact assessments waiting for them: oldest first, with their age,
each linking to its review; one they have written leaves the list; another owner's reviews never show."""

import datetime

import pytest
from django.utils import timezone

from exceptions.services import lifecycle
from governance.models import Review
from governance.services import impact
from tests.exceptions.factories import ExceptionRequestFactory, ProcessFactory, scenario
from tests.factories import PASSWORD, user_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def s():
    return scenario()


def _open_review(s, title, process=None, days_ago=0):
    exception = ExceptionRequestFactory(
        customer=s.acme, process=process or s.fulfilment, title=title, estimated_monthly_cost=9000
    )
    lifecycle.submit_request(exception=exception, actor=exception.requested_by)
    review = Review.objects.get(exception=exception)
    Review.objects.filter(pk=review.pk).update(opened_at=timezone.now() - datetime.timedelta(days=days_ago))
    return review


def _card(client, user) -> str:
    assert client.login(username=user.username, password=PASSWORD)
    page = client.get("/home/process-owner/").content.decode()
    return page.split('data-testid="home-card-impact-waiting"')[1].split("</article>")[0]


def test_the_owner_sees_the_impact_assessments_waiting_oldest_first_with_age_and_link(s, client):
    newer = _open_review(s, "Weekend pickups", days_ago=1)
    older = _open_review(s, "Saturday deliveries", process=s.billing, days_ago=4)
    written = _open_review(s, "Already assessed")
    impact.update_impact(review=written, actor=s.olivia, notes="Covered by the second carrier.")
    someone = user_with("process owner", regions=["EMEA"], username="po.other")
    _open_review(s, "Not mine", process=ProcessFactory(name="Returns", owner=someone))
    card = _card(client, s.olivia)
    assert '<span class="stat">2</span>' in card
    assert card.index("Saturday deliveries") < card.index("Weekend pickups")
    assert "Already assessed" not in card and "Not mine" not in card
    assert f'href="/governance/reviews/{older.pk}/#impact"' in card
    assert f'href="/governance/reviews/{newer.pk}/#impact"' in card
    ages = [part.split("</span>")[0] for part in card.split('data-testid="impact-age">')[1:]]
    assert ages == ["waiting 4\xa0days", "waiting 1\xa0day"]


def test_the_owner_is_told_when_nothing_waits(s, client):
    assert "No impact assessment waits for you" in _card(client, s.olivia)


@pytest.mark.parametrize("rows", [2, 12])
def test_the_owner_home_query_count_does_not_grow(s, rows, client, django_assert_max_num_queries):
    for number in range(rows):
        _open_review(s, f"Request {number}")
    assert client.login(username=s.olivia.username, password=PASSWORD)
    with django_assert_max_num_queries(24):
        response = client.get("/home/process-owner/")
    assert response.status_code == 200
