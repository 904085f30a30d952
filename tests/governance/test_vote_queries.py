"""A vote reads the member's earlier vote from the votes the locked review came with (issue 14, the writes'
repeated queries), and a second vote still changes the first."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exceptions.services import lifecycle
from governance.models import Review, Vote
from tests.exceptions.factories import ExceptionRequestFactory, scenario

pytestmark = pytest.mark.django_db


def test_a_second_vote_changes_the_first_without_reading_it_again(signed_in_api):
    s = scenario()
    exception = ExceptionRequestFactory(customer=s.acme, process=s.fulfilment, estimated_monthly_cost=9000)
    lifecycle.submit_request(exception=exception, actor=exception.requested_by)
    review = Review.objects.get(exception=exception)
    client = signed_in_api(s.dan)
    url = f"/api/v1/reviews/{review.pk}/votes/"
    assert client.post(url, {"choice": "approve", "rationale": "Cheap."}, format="json").status_code == 200

    with CaptureQueriesContext(connection) as captured:
        response = client.post(url, {"choice": "reject", "rationale": "On second thought."}, format="json")

    assert response.status_code == 200, response.content
    assert Vote.objects.get(review=review, member=s.dan).choice == "reject"
    assert Vote.objects.filter(review=review).count() == 1
    single_reads = [
        q["sql"]
        for q in captured.captured_queries
        if 'FROM "governance_vote"' in q["sql"] and "LIMIT 1" in q["sql"]
    ]
    assert single_reads == []
