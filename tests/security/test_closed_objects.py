"""The matrix's world keeps every object open. The lifecycle engine checks *from* before *who* (409 before
403, issue 12 item 3): this checks the other half on closed objects — a closed object out of someone's scope
is still a 404 (the state never leaks that it exists), one in scope is a 409 to whoever sees it."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from exceptions.models import ExtensionRequest
from tests.security.world import build_world

PEOPLE = ("am", "owner", "chair", "member", "lead", "steward")  # of EMEA; auditors read, admins act anywhere
SEES_REGION_ESCALATIONS = ("owner", "chair", "member", "lead", "steward")  # expectations.sees_escalation


@pytest.mark.django_db
def test_a_closed_object_is_404_out_of_scope_and_409_in_scope():
    world = build_world()
    now = timezone.now()
    amer_escalation, emea_escalation = (
        world.obj("escalation", "other", "am"),
        world.obj("escalation", "region", "am"),
    )
    for escalation in (amer_escalation, emea_escalation):
        escalation.resolved_at = now
        escalation.save()
    amer_meeting = world.obj("meeting", "other", "chair")
    amer_meeting.cancelled_at = now
    amer_meeting.save()
    amer_extension = world.obj("extension", "other", "lead")
    amer_extension.status = ExtensionRequest.Status.APPROVED
    amer_extension.save()
    decide = f"/api/v1/exceptions/{amer_extension.exception_id}/extensions/{amer_extension.pk}/decide/"
    asks = [
        ("other", f"/api/v1/escalations/{amer_escalation.pk}/acknowledge/", {}),
        ("other", f"/api/v1/escalations/{amer_escalation.pk}/resolve/", {"resolution": "Called back."}),
        ("other", f"/escalations/{amer_escalation.pk}/acknowledge/", {}),
        ("other", f"/escalations/{amer_escalation.pk}/resolve/", {"resolution": "Called back."}),
        ("other", f"/governance/meetings/{amer_meeting.pk}/cancel/", {}),
        ("other", decide, {"decision": "approve"}),
        ("region", f"/api/v1/escalations/{emea_escalation.pk}/acknowledge/", {}),
        ("region", f"/escalations/{emea_escalation.pk}/resolve/", {"resolution": "Called back."}),
    ]
    got, wanted = {}, {}
    for role in PEOPLE:
        client = APIClient(raise_request_exception=False)
        client.force_login(world.users[role])
        for kind, path, body in asks:
            response = (
                client.post(path, body, format="json")
                if path.startswith("/api/")
                else client.post(path, body)
            )
            got[(role, path)] = response.status_code
            wanted[(role, path)] = 409 if kind == "region" and role in SEES_REGION_ESCALATIONS else 404
    assert got == wanted
