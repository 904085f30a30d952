"""The lifecycle table, exhaustively: every (status, action) pair outside the table is a 409 naming the allowed
actions; every pair inside it taken by a wrong role is a 403; either way nothing changes (status, transition
rows, audit trail). Every pair inside it taken by the right actor moves the request and records one row."""

import pytest
from django.db import transaction

from exceptions.lifecycles import (
    BOARD,
    LEAD_DECISIONS,
    PERSON,
    SYSTEM,
    TRANSITIONS,
    actions_for,
    actions_from,
    takes_up_first,
)
from exceptions.models import ExceptionRequest, ExceptionTransition
from exceptions.services import lifecycle
from intimacy_ops import errors
from intimacy_ops import lifecycle as engine
from intimacy_ops.audit import AuditEvent
from tests.exceptions.factories import ExceptionRequestFactory, scenario

pytestmark = pytest.mark.django_db

STATUSES = list(ExceptionRequest.Status.values)
ACTIONS = list(TRANSITIONS)
# Actions a person takes through the API; the others are the system's or a board's (services only).
API_ACTIONS = {"submit", "withdraw", "approve", "reject", "return_for_changes", "sunset", "revoke"}

OUTSIDE = [
    (status, action) for status in STATUSES for action in ACTIONS if status not in TRANSITIONS[action].sources
]
INSIDE = [(status, action) for action in ACTIONS for status in sorted(TRANSITIONS[action].sources)]


def test_the_table_matches_design_md():
    table = {action: (set(row.sources), row.target) for action, row in TRANSITIONS.items()}
    assert table == {
        "submit": ({"draft", "changes_requested"}, "submitted"),
        "route": ({"submitted"}, "under_review"),
        "approve": ({"under_review"}, "approved"),
        "reject": ({"under_review"}, "rejected"),
        "return_for_changes": ({"under_review"}, "changes_requested"),
        "activate": ({"approved"}, "active"),
        "expire": ({"active"}, "expired"),
        "sunset": ({"active"}, "sunset"),
        "standardize": ({"active"}, "standardized"),
        "revoke": ({"active"}, "revoked"),
        "withdraw": ({"draft", "submitted", "under_review", "changes_requested"}, "withdrawn"),
        # The one edge DESIGN.md lacks: a material change to a decided exception (lifecycles.py, "amend").
        "amend": ({"approved", "active"}, "submitted"),
    }
    reachable = {row.target for row in TRANSITIONS.values()} | {"draft"}
    assert reachable == set(STATUSES)


@pytest.fixture
def s():
    return scenario()


def _request(s, status, route="lead"):
    return ExceptionRequestFactory(customer=s.acme, process=s.fulfilment, status=status, route=route)


def _unchanged(exception, status, audit_before):
    exception.refresh_from_db()
    assert exception.status == status
    assert not ExceptionTransition.objects.filter(exception=exception).exists()
    assert AuditEvent.objects.count() == audit_before


def _service_call(exception, action, *, actor, authority):
    with transaction.atomic():
        engine.apply(lifecycle.lock(exception), action, actor=actor, comment="because", authority=authority)


@pytest.mark.parametrize("status, action", OUTSIDE, ids=[f"{s}-{a}" for s, a in OUTSIDE])
def test_a_pair_outside_the_table_is_409_and_changes_nothing(s, signed_in_api, status, action):
    # A lead's decision on a lead-routed `submitted` request takes it up on the way (tested below, with its
    # own 403s); routed to the board, the same pair is outside the table like every other.
    exception = _request(s, status)
    if takes_up_first(exception, action):
        exception = _request(s, status, route="board")
    audit_before = AuditEvent.objects.count()
    if action in API_ACTIONS:
        # The requester sees her request in every status (even a draft), so the answer is about the state.
        response = signed_in_api(s.alice).post(
            f"/api/v1/exceptions/{exception.pk}/{action.replace('_', '-')}/",
            {"comment": "because"},
            format="json",
        )
        assert response.status_code == 409, response.content
        body = response.json()
        assert body["code"] == "transition_not_allowed"
        assert body["allowed_actions"] == actions_from(status)
        assert status in body["detail"]
    else:
        with pytest.raises(errors.TransitionNotAllowed) as refused:
            _service_call(exception, action, actor=None, authority=SYSTEM)
        assert refused.value.extra["allowed_actions"] == actions_from(status)
    _unchanged(exception, status, audit_before)


def _wrong_actors(s, action, route):
    """People who can see the request but whose role may not take the action, with the authority they hold."""
    wrong = {
        "submit": [s.ada, s.oscar],
        "withdraw": [s.ada, s.oscar],
        "amend": [s.ada, s.oscar],
        "approve": [s.alice, s.ada, s.olivia, s.dan],
        "sunset": [s.alice, s.ada, s.olivia],
        "revoke": [s.alice, s.ada, s.olivia],
    }
    wrong["reject"] = wrong["return_for_changes"] = wrong["approve"]
    if route == "board":
        wrong["approve"] = wrong["reject"] = wrong["return_for_changes"] = [s.oscar, s.alice]
    else:
        # A lead-routed request is taken up by an operations lead of its region as they decide.
        wrong["route"] = wrong["approve"]
    return wrong.get(action, [s.oscar, s.alice, s.ada])


CASES = [(status, action, route) for status, action in INSIDE for route in ("lead", "board")]


@pytest.mark.parametrize("status, action, route", CASES, ids=[f"{s}-{a}-{r}" for s, a, r in CASES])
def test_a_pair_inside_the_table_by_a_wrong_role_is_403_and_changes_nothing(
    s, signed_in_api, status, action, route
):
    exception = _request(s, status, route=route)
    audit_before = AuditEvent.objects.count()
    for actor in _wrong_actors(s, action, route):
        if status == "draft" and actor.pk != s.alice.pk and not actor.has_role("auditor"):
            continue  # a draft is invisible to them: that is a 404, tested in test_api
        if action in API_ACTIONS:
            response = signed_in_api(actor).post(
                f"/api/v1/exceptions/{exception.pk}/{action.replace('_', '-')}/",
                {"comment": "because"},
                format="json",
            )
            assert response.status_code == 403, (actor.username, response.content)
            assert response.json()["code"] == "permission_denied"
        else:
            with pytest.raises(errors.PermissionDenied):
                _service_call(exception, action, actor=actor, authority=PERSON)
        _unchanged(exception, status, audit_before)


def _right_actor(s, action, route):
    if action in ("submit", "withdraw", "amend"):
        return s.alice, PERSON
    if action in ("approve", "reject", "return_for_changes"):
        return (s.oscar, PERSON) if route == "lead" else (s.carol, BOARD)
    if action in ("sunset", "revoke"):
        return s.oscar, PERSON
    if action == "standardize":
        return s.carol, BOARD
    return None, SYSTEM


@pytest.mark.parametrize("status, action", INSIDE, ids=[f"{s}-{a}" for s, a in INSIDE])
def test_a_pair_inside_the_table_by_the_right_actor_moves_and_records_once(s, status, action):
    exception = _request(s, status)
    actor, authority = _right_actor(s, action, "lead")
    _service_call(exception, action, actor=actor, authority=authority)
    exception.refresh_from_db()
    assert exception.status == TRANSITIONS[action].target
    row = ExceptionTransition.objects.get(exception=exception)
    assert (row.action, row.from_status, row.to_status, row.actor, row.authority, row.comment) == (
        action,
        status,
        TRANSITIONS[action].target,
        actor if authority != SYSTEM else None,
        authority,
        "because",
    )
    assert row.at is not None
    assert AuditEvent.objects.filter(verb=f"exception.{action}", object_id=str(exception.pk)).count() == 1


@pytest.mark.parametrize("action", LEAD_DECISIONS)
def test_a_lead_routed_submitted_request_by_a_wrong_role_is_403_and_changes_nothing(s, signed_in_api, action):
    exception = _request(s, "submitted", route="lead")
    audit_before = AuditEvent.objects.count()
    for actor in _wrong_actors(s, action, "lead"):
        response = signed_in_api(actor).post(
            f"/api/v1/exceptions/{exception.pk}/{action.replace('_', '-')}/",
            {"comment": "because"},
            format="json",
        )
        assert response.status_code == 403, (actor.username, response.content)
        assert response.json()["code"] == "permission_denied"
        with pytest.raises(errors.PermissionDenied):
            lifecycle.decide_request(exception=exception, actor=actor, action=action, comment="because")
        _unchanged(exception, "submitted", audit_before)


@pytest.mark.parametrize("action", LEAD_DECISIONS)
def test_the_lead_takes_up_a_submitted_lead_routed_request_and_decides_in_one_go(s, signed_in_api, action):
    exception = _request(s, "submitted", route="lead")
    assert actions_for(s.oscar, exception) == sorted(LEAD_DECISIONS)
    assert "route" not in actions_for(s.alice, exception)
    response = signed_in_api(s.oscar).post(
        f"/api/v1/exceptions/{exception.pk}/{action.replace('_', '-')}/",
        {"comment": "because"},
        format="json",
    )
    assert response.status_code == 200, response.content
    target = TRANSITIONS[action].target
    assert response.json()["status"] == target
    rows = list(
        ExceptionTransition.objects.filter(exception=exception)
        .order_by("at", "id")
        .values_list("action", "from_status", "to_status", "actor", "authority")
    )
    assert rows == [
        ("route", "submitted", "under_review", s.oscar.pk, PERSON),
        (action, "under_review", target, s.oscar.pk, PERSON),
    ]
    for verb in ("route", action):
        assert AuditEvent.objects.filter(verb=f"exception.{verb}", object_id=str(exception.pk)).count() == 1


def test_the_lead_cannot_take_up_a_board_routed_request(s):
    exception = _request(s, "submitted", route="board")
    audit_before = AuditEvent.objects.count()
    with pytest.raises(errors.PermissionDenied):
        _service_call(exception, "route", actor=s.oscar, authority=PERSON)
    _unchanged(exception, "submitted", audit_before)


def test_a_lead_of_another_region_may_not_decide(s, signed_in_api, make_user):
    exception = _request(s, "under_review")
    amer_lead = make_user("operations lead", regions=["AMER"], username="ops.amer")
    with pytest.raises(errors.PermissionDenied):
        _service_call(exception, "approve", actor=amer_lead, authority=PERSON)
    assert (
        signed_in_api(amer_lead)
        .post(f"/api/v1/exceptions/{exception.pk}/approve/", {}, format="json")
        .status_code
        == 404
    )


def test_the_board_decision_goes_through_record_decision(s):
    exception = _request(s, "under_review", route="board")
    lifecycle.record_decision(exception=exception, outcome="approve", actor=s.carol, rationale="Votes 3-0")
    row = ExceptionTransition.objects.get(exception=exception)
    assert (row.to_status, row.authority, row.actor, row.comment) == (
        "approved",
        "board",
        s.carol,
        "Votes 3-0",
    )
