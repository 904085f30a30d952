"""Issue 17, item 1: proposals by hand through `POST /api/v1/reviews/`: each allowed role (board member, process
owner, operations lead) opens one review on the covering board with the covered exceptions and a prefilled
impact assessment, the board and the owner are told; others get 403; an open review of the same exceptions
409 naming it; exceptions outside the proposer's regions 404; another process's or ended ones 400."""

import threading

import pytest
from django.db import connection

from governance.models import Review
from intimacy_ops.audit import AuditEvent
from intimacy_ops.notifications.models import Notification
from tests.exceptions.factories import scenario
from tests.governance.policy_helpers import active

pytestmark = pytest.mark.django_db


@pytest.fixture
def s():
    return scenario()


def _body(s, exceptions, kind="sunset", **extra):
    return {
        "kind": kind,
        "process": s.fulfilment.pk,
        "exceptions": [e.pk for e in exceptions],
        "reason": "Two years on, the standard covers these cases.",
        **extra,
    }


@pytest.mark.parametrize("who", ["dan", "olivia", "oscar"])
def test_each_allowed_role_proposes_a_sunset_and_the_review_shows_the_covered_exceptions(
    s, signed_in_api, client, who
):
    covered = [active(s, customer=s.acme), active(s, customer=s.borealis, monthly="250")]
    active(s, customer=s.acme)  # not proposed: not covered
    answer = signed_in_api(getattr(s, who)).post("/api/v1/reviews/", _body(s, covered), format="json")
    assert answer.status_code == 201, answer.content
    data = answer.json()
    assert (data["kind"], data["board"], data["status"]) == ("sunset", s.board.pk, "open")
    assert sorted(data["covered"]) == sorted(e.pk for e in covered)
    assert data["impact"]["similar_active_exceptions"] == 2 and data["impact"]["monthly_cost"] == "750.00"
    review = Review.objects.get(pk=data["id"])
    assert review.title == "Sunset 2 exceptions to Fulfilment"
    assert AuditEvent.objects.filter(verb="review.proposed", object_id=str(review.pk)).exists()
    for person in (s.carol, s.erin, s.olivia):  # the board's people and the process owner
        assert Notification.objects.filter(
            recipient=person, link=f"/governance/reviews/{review.pk}/"
        ).exists()
    # The chair sees it on the review page, with its exceptions.
    client.force_login(s.carol)
    page = client.get(f"/governance/reviews/{review.pk}/")
    assert page.status_code == 200
    for exception in covered:
        assert exception.title.encode() in page.content


@pytest.mark.parametrize("who", ["alice", "ada", "sam"])
def test_other_roles_are_refused(s, signed_in_api, who):
    covered = [active(s, customer=s.acme)]
    answer = signed_in_api(getattr(s, who)).post("/api/v1/reviews/", _body(s, covered), format="json")
    assert answer.status_code == 403
    assert not Review.objects.exists()


def test_a_second_proposal_of_the_same_exceptions_is_409_naming_the_open_review(s, signed_in_api):
    covered = [active(s, customer=s.acme), active(s, customer=s.borealis)]
    first = signed_in_api(s.dan).post("/api/v1/reviews/", _body(s, covered), format="json")
    again = signed_in_api(s.oscar).post("/api/v1/reviews/", _body(s, covered[1:]), format="json")
    assert again.status_code == 409
    assert again.json()["review"] == first.json()["id"]
    assert f"Review {first.json()['id']}" in again.json()["detail"]
    # A standardization of the same exceptions is another subject.
    other = signed_in_api(s.dan).post(
        "/api/v1/reviews/",
        _body(s, covered, kind="standardization", deviation_tag="Late Pickup"),
        format="json",
    )
    assert other.status_code == 201 and other.json()["kind"] == "standardization"
    assert Review.objects.get(pk=other.json()["id"]).deviation_tag == "late-pickup"


def test_exceptions_outside_the_proposers_regions_are_404(s, signed_in_api):
    emea, amer = active(s, customer=s.acme), active(s, customer=s.zenith)
    answer = signed_in_api(s.oscar).post("/api/v1/reviews/", _body(s, [emea, amer]), format="json")
    assert answer.status_code == 404
    assert str(amer.pk) in answer.json()["detail"] and str(emea.pk) not in answer.json()["detail"]
    assert signed_in_api(s.oscar).post("/api/v1/reviews/", _body(s, [emea]), format="json").status_code == 201


def test_input_is_checked_naming_the_field(s, signed_in_api):
    api = signed_in_api(s.dan)
    billing = active(s, customer=s.acme, process=s.billing)
    ended = active(s, customer=s.acme, status="expired")
    fine = active(s, customer=s.acme)
    cases = [
        ({**_body(s, [fine]), "kind": "exception"}, "kind"),
        ({**_body(s, [fine]), "reason": ""}, "reason"),
        ({**_body(s, [fine]), "exceptions": []}, "exceptions"),
        (_body(s, [billing]), "exceptions"),
        (_body(s, [ended]), "exceptions"),
        ({**_body(s, [fine]), "process": 999999}, "process"),
    ]
    for body, field in cases:
        answer = api.post("/api/v1/reviews/", body, format="json")
        assert answer.status_code == 400, (body, answer.content)
        assert field in answer.json(), answer.json()
    assert not Review.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the role groups migrations wrote
def test_two_proposals_of_the_same_exceptions_at_once_open_one_review(s):
    from governance.services import proposing
    from intimacy_ops import errors

    covered = [active(s, customer=s.acme), active(s, customer=s.borealis)]
    outcomes, barrier = [], threading.Barrier(2)

    def propose(person):
        barrier.wait()
        try:
            proposing.propose(
                actor=person,
                kind="sunset",
                process=s.fulfilment,
                exceptions=[e.pk for e in covered],
                reason="x",
            )
            outcomes.append("opened")
        except errors.Conflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=propose, args=(p,)) for p in (s.dan, s.erin)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "opened"]
    assert Review.objects.filter(kind="sunset", status="open").count() == 1
