"""Two submits of the same draft at once (PostgreSQL, two threads with their own connections): the row lock
lets one through; the other sees the new status and gets a 409. One submit row in the timeline. The same for
two leads deciding one lead-routed request at once: one take-up."""

import threading

import pytest
from django.db import connection, connections

from exceptions.models import ExceptionRequest, ExceptionTransition
from exceptions.services import lifecycle
from tests.concurrency import at_once
from tests.exceptions.factories import ExceptionRequestFactory, scenario

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks (SELECT … FOR UPDATE) need PostgreSQL"
    ),
]


def test_two_concurrent_submits_of_one_draft_one_succeeds_one_gets_409(transactional_db, signed_in_api):
    s = scenario()
    draft = ExceptionRequestFactory(customer=s.acme, process=s.fulfilment, requested_by=s.alice)
    clients = [signed_in_api(s.alice), signed_in_api(s.alice)]
    statuses = at_once(
        *(
            lambda client=client: (
                client.post(f"/api/v1/exceptions/{draft.pk}/submit/", {}, format="json").status_code
            )
            for client in clients
        )
    )

    assert sorted(statuses, key=str) == [200, 409], statuses
    assert ExceptionTransition.objects.filter(exception=draft, action="submit").count() == 1
    # Below the threshold: it waits `submitted` for the lead (no take-up yet).
    submitted = ExceptionRequest.objects.get(pk=draft.pk)
    assert (submitted.status, submitted.route) == ("submitted", "lead")


def test_two_leads_deciding_one_waiting_request_at_once_take_it_up_once(signed_in_api, make_user):
    """A lead-routed request waits `submitted`: two leads approving at once → one takes it up and decides,
    the other gets 409; one route row, one approve row."""
    s = scenario()
    draft = ExceptionRequestFactory(customer=s.acme, process=s.fulfilment, requested_by=s.alice)
    lifecycle.submit_request(exception=draft, actor=s.alice)
    other_lead = make_user("operations lead", regions=["EMEA"], username="ops.other")
    clients = [signed_in_api(s.oscar), signed_in_api(other_lead)]
    barrier = threading.Barrier(2)
    statuses: list[int | Exception | None] = [None, None]

    def approve(index):
        try:
            barrier.wait()
            response = clients[index].post(f"/api/v1/exceptions/{draft.pk}/approve/", {}, format="json")
            statuses[index] = response.status_code
        except Exception as error:  # reported below
            statuses[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(statuses, key=str) == [200, 409], statuses
    assert ExceptionTransition.objects.filter(exception=draft, action="route").count() == 1
    assert ExceptionTransition.objects.filter(exception=draft, action="approve").count() == 1
    assert ExceptionRequest.objects.get(pk=draft.pk).status == "approved"
