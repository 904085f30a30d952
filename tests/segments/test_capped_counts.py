"""The customer list counts cheaply (intimacy_ops/pagination.py): exactly up to LIST_COUNT_CAP customers, and
above it an estimate the page reads as "More than …" and the API marks with `X-Count-Exact: false`, with
`count` still an integer. The tests lower the cap (10,000 in production) so a handful of rows crosses it."""

import pytest
from django.test import override_settings

from tests.factories import RegionFactory, user_with
from tests.segments.factories import CustomerFactory

pytestmark = pytest.mark.django_db

CUSTOMERS = "/segments/customers/"
API = "/api/v1/customers/"


@pytest.fixture
def alice():
    emea = RegionFactory(code="EMEA")
    alice = user_with("account manager", regions=["EMEA"], username="am.capped")
    for number in range(8):
        CustomerFactory(name=f"Capped {number}", region=emea, account_manager=alice)
    return alice


def test_below_the_cap_the_api_count_is_exact(client, alice):
    client.force_login(alice)

    with override_settings(LIST_COUNT_CAP=10):
        response = client.get(API)

    assert response.status_code == 200
    assert response.json()["count"] == 8
    assert response["X-Count-Exact"] == "true"


def test_above_the_cap_the_api_count_is_an_integer_estimate_beyond_the_cap_and_says_so(client, alice):
    client.force_login(alice)

    with override_settings(LIST_COUNT_CAP=5):
        response = client.get(API, {"page_size": 2})

    body = response.json()
    assert response.status_code == 200
    assert isinstance(body["count"], int) and body["count"] > 5
    assert response["X-Count-Exact"] == "false"
    assert set(body) == {"count", "next", "previous", "results"}
    assert len(body["results"]) == 2 and "page=2" in body["next"]


def test_above_the_cap_the_customer_page_reads_more_than_the_cap(client, alice):
    client.force_login(alice)

    with override_settings(LIST_COUNT_CAP=5):
        page = client.get(CUSTOMERS).content.decode()
    with override_settings(LIST_COUNT_CAP=10):
        exact = client.get(CUSTOMERS).content.decode()

    assert "More than 5 customers" in page
    assert ">5+<" in page  # the "All in my regions" and "My accounts" badges
    assert "8 customers" in exact and "More than" not in exact
