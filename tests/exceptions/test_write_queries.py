"""A submit reads what it needs once (issue 14, the writes' repeated queries): the region's routing threshold
comes with the locked request (validation and routing share it), the region's leads are read once (whether
anyone decides here and whom to tell), and the requester and the leads are told in one insert."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exceptions.models import ExceptionRequest
from intimacy_ops.notifications.models import Notification
from tests.exceptions.factories import request_payload, scenario

pytestmark = pytest.mark.django_db


def queries_matching(captured, text: str) -> int:
    return sum(text in query["sql"] for query in captured.captured_queries)


def test_a_submit_reads_the_threshold_and_the_leads_once_and_tells_everyone_in_one_insert(signed_in_api):
    s = scenario()
    client = signed_in_api(s.alice)
    created = client.post("/api/v1/exceptions/", request_payload(s), format="json").json()
    Notification.objects.all().delete()

    with CaptureQueriesContext(connection) as captured:
        response = client.post(f"/api/v1/exceptions/{created['id']}/submit/", {}, format="json")

    assert response.status_code == 200, response.content
    assert ExceptionRequest.objects.get(pk=created["id"]).route == "lead"
    assert queries_matching(captured, 'FROM "exceptions_routingthreshold"') == 0  # joined to the lock
    assert queries_matching(captured, 'INSERT INTO "intimacy_ops_notification"') == 1
    told = sorted(Notification.objects.values_list("recipient__username", "subject"))
    assert told == [
        ("am.alice", "Your request “Saturday deliveries” waits for an operations lead of EMEA"),
        ("ops.oscar", "Waiting for your decision: “Saturday deliveries”"),
    ]


def test_a_threshold_changed_after_the_request_was_read_still_counts(signed_in_api):
    """The threshold is read with the lock, not kept from an earlier read: a maximum lowered since is applied."""
    s = scenario()
    client = signed_in_api(s.alice)
    created = client.post("/api/v1/exceptions/", request_payload(s), format="json").json()
    s.emea.routing_threshold.max_duration_days = 30
    s.emea.routing_threshold.save()

    response = client.post(f"/api/v1/exceptions/{created['id']}/submit/", {}, format="json")

    assert response.status_code == 400 and "expires_on" in response.json(), response.content
