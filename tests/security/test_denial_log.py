"""Denials are logged (issue 12, item 2): each 403 leaves one record on the `intimacy_ops.access` logger
naming the user, the action, the object (model label and id) and the request id — never a sensitive value."""

import logging

import pytest
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from rest_framework.test import APIClient

from intimacy_ops.accounts.roles import Role
from intimacy_ops.views import permission_denied
from tests.factories import user_with
from tests.security.world import SECRET_EMAIL, SECRET_NOTES
from tests.segments.factories import CustomerFactory, SegmentFactory

LOGGER = "intimacy_ops.access"


@pytest.fixture
def scene(db):
    alice = user_with(Role.ACCOUNT_MANAGER, regions=["EMEA"], username="am.alice")
    customer = CustomerFactory(
        name="Acme", account_manager=alice, contact_email=SECRET_EMAIL, personal_notes=SECRET_NOTES
    )
    return alice, customer, SegmentFactory(name="Strategic", rank=1)


def denials(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == LOGGER]


def assert_no_secret_in(record: logging.LogRecord) -> None:
    everything = record.getMessage() + repr(vars(record))
    assert SECRET_EMAIL not in everything
    assert SECRET_NOTES not in everything


def test_an_api_denial_is_logged_once_with_user_action_object_and_request_id(scene, caplog):
    alice, acme, strategic = scene
    client = APIClient()
    client.force_authenticate(alice)
    with caplog.at_level(logging.INFO, logger=LOGGER):
        response = client.post(
            f"/api/v1/customers/{acme.pk}/lock_segment/",
            {"segment": strategic.pk, "reason": "Strategic by decision of the lead."},
            format="json",
        )
    assert response.status_code == 403
    [record] = denials(caplog)
    assert (record.user_id, record.username) == (alice.pk, "am.alice")
    assert record.action == "lock_segment"
    assert record.object == f"segments.customer:{acme.pk}"
    assert record.request_id == response["X-Request-ID"]
    assert "am.alice" in record.getMessage() and record.request_id in record.getMessage()
    assert_no_secret_in(record)


def test_a_page_denial_keeps_the_request_id_the_caller_sent(scene, client, caplog):
    alice, acme, _ = scene
    client.force_login(alice)
    with caplog.at_level(logging.INFO, logger=LOGGER):
        response = client.post(f"/segments/customers/{acme.pk}/lock/", HTTP_X_REQUEST_ID="trace-42")
    assert response.status_code == 403
    assert response["X-Request-ID"] == "trace-42"
    [record] = denials(caplog)
    assert (record.username, record.action, record.request_id) == ("am.alice", "lock_segment", "trace-42")
    assert record.object == f"segments.customer:{acme.pk}"
    assert_no_secret_in(record)


def test_a_denial_by_a_role_gate_names_the_route_when_no_object_was_named(scene, client, caplog):
    alice, _, _ = scene
    client.force_login(alice)
    with caplog.at_level(logging.INFO, logger=LOGGER):
        response = client.get("/segments/retention/")
    assert response.status_code == 403
    [record] = denials(caplog)
    assert (record.username, record.action, record.object) == ("am.alice", "GET privacy:retention", "-")
    assert record.request_id == response["X-Request-ID"]


def test_a_denial_by_a_model_level_rule_names_the_action_and_the_model(scene, client, caplog):
    # The audit trail's gate became a model-level rule (`access.require(user, "read_trail", AuditEvent)`,
    # issue 12 item 1): its denial names that action and the model's label, no id.
    alice, _, _ = scene
    client.force_login(alice)
    with caplog.at_level(logging.INFO, logger=LOGGER):
        response = client.get("/audit/")
    assert response.status_code == 403
    [record] = denials(caplog)
    assert (record.username, record.action, record.object) == (
        "am.alice",
        "read_trail",
        "intimacy_ops.auditevent",
    )
    assert record.request_id == response["X-Request-ID"]


def test_djangos_own_403_handler_logs_the_denial_and_answers_403(scene, rf, caplog):
    # handler403 (intimacy_ops.views.permission_denied): a bare django PermissionDenied a page lets through.
    alice, _, _ = scene
    request = rf.get("/somewhere/")
    request.user, request.request_id = alice, "trace-7"
    with caplog.at_level(logging.INFO, logger=LOGGER):
        response = permission_denied(request, DjangoPermissionDenied())
    assert response.status_code == 403
    [record] = denials(caplog)
    assert (record.username, record.action, record.request_id) == ("am.alice", "GET /somewhere/", "trace-7")


def test_answers_that_are_not_denials_are_not_logged(scene, client, caplog):
    alice, acme, _ = scene
    client.force_login(alice)
    with caplog.at_level(logging.INFO, logger=LOGGER):
        assert client.get(f"/segments/customers/{acme.pk}/").status_code == 200
        assert client.get("/segments/customers/999999/").status_code == 404
    assert denials(caplog) == []
