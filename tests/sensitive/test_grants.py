"""A data steward's grant opens one customer's sensitive fields to one user until a date; then they are masked again."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from guardian.shortcuts import get_perms

from intimacy_ops import checks
from intimacy_ops.audit import AuditEvent
from privacy.models import AccessLogEntry, SensitiveAccessGrant
from privacy.services import sensitive_access as privacy
from segments.models import CustomerUserObjectPermission
from tests.segments.factories import CustomerFactory

NOW = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)
PURPOSE = "Escalated complaint, needs the contact"


def _grant(world, as_user, username="ops.oscar", customer=None, days=2):
    customer = customer or world.acme
    response = as_user("steward.sam").post(
        "/api/v1/access-grants/",
        {
            "user": username,
            "customer": customer.pk,
            "purpose": PURPOSE,
            "expires_at": (timezone.now() + datetime.timedelta(days=days)).isoformat(),
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_a_grant_shows_the_value_logs_one_row_per_response_and_masks_again_after_its_end(world, as_user):
    oscar = as_user("ops.oscar")
    with time_machine.travel(NOW, tick=False):
        assert oscar.get(f"/api/v1/customers/{world.acme.pk}/").json()["contact_email"] == "***"
        grant = _grant(world, as_user)
        assert grant["expires_at"].startswith("2026-03-04")
        shown = oscar.get(f"/api/v1/customers/{world.acme.pk}/").json()
        assert (shown["contact_email"], shown["personal_notes"]) == (
            world.acme.contact_email,
            world.acme.personal_notes,
        )
        entry = AccessLogEntry.objects.get()
        assert (entry.user.username, entry.subject_id, entry.fields, entry.purpose, entry.channel) == (
            "ops.oscar",
            world.acme.pk,
            ["contact_email", "personal_notes"],
            f"grant: {PURPOSE}",
            "api",
        )
        # The list shows it too: one more row for this one response.
        listed = {row["id"]: row for row in oscar.get("/api/v1/customers/").json()["results"]}
        assert listed[world.acme.pk]["contact_email"] == world.acme.contact_email
        assert AccessLogEntry.objects.count() == 2
        # Only Oscar: Ada (auditor) still reads stars.
        assert (
            as_user("audit.ada").get(f"/api/v1/customers/{world.acme.pk}/").json()["contact_email"] == "***"
        )
    assert "view_sensitive_customer" in get_perms(world.people["ops.oscar"], world.acme)

    with time_machine.travel(NOW + datetime.timedelta(days=2, seconds=1), tick=False):
        # Past its end the value is masked at once, before any cleanup ran; no row is written.
        shown = oscar.get(f"/api/v1/customers/{world.acme.pk}/").json()
        assert (shown["contact_email"], shown["personal_notes"]) == ("***", "***")
        assert AccessLogEntry.objects.count() == 2
        # The periodic check removes the guardian row the grant stood behind; running it twice is harmless.
        assert checks.run("sensitive_grants_expiry") == "removed 1 expired customer permission(s)"
        assert checks.run("sensitive_grants_expiry") == "removed 0 expired customer permission(s)"
    assert not CustomerUserObjectPermission.objects.exists()
    assert SensitiveAccessGrant.objects.count() == 1  # the grant itself stays as history
    assert AuditEvent.objects.filter(verb="sensitive.grant").count() == 1


def test_a_list_of_many_granted_customers_writes_one_row_per_customer_in_one_insert(world, as_user):
    others = CustomerFactory.create_batch(4, region=world.acme.region, contact_email="x@y.example")
    for customer in others:
        _grant(world, as_user, customer=customer)
    with CaptureQueriesContext(connection) as queries:
        rows = as_user("ops.oscar").get("/api/v1/customers/?page_size=100").json()["results"]
    assert sum(row["contact_email"] != "***" for row in rows) == 4
    inserts = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("INSERT") and "accesslogentry" in q["sql"]
    ]
    assert len(inserts) == 1
    assert sorted(AccessLogEntry.objects.values_list("subject_id", flat=True)) == sorted(c.pk for c in others)
    assert set(AccessLogEntry.objects.values_list("purpose", flat=True)) == {f"grant: {PURPOSE}"}


def test_a_revoked_grant_masks_at_once_and_is_audited(world, as_user):
    grant = _grant(world, as_user)
    oscar = as_user("ops.oscar")
    assert (
        oscar.get(f"/api/v1/customers/{world.acme.pk}/").json()["contact_email"] == world.acme.contact_email
    )
    revoked = as_user("steward.sam").post(
        f"/api/v1/access-grants/{grant['id']}/revoke/", {"reason": "Case closed"}, format="json"
    )
    assert revoked.status_code == 200, revoked.content
    assert revoked.json()["revoked_by"] == "steward.sam"
    assert oscar.get(f"/api/v1/customers/{world.acme.pk}/").json()["contact_email"] == "***"
    assert not CustomerUserObjectPermission.objects.exists()
    assert (
        as_user("steward.sam")
        .post(f"/api/v1/access-grants/{grant['id']}/revoke/", {}, format="json")
        .status_code
        == 409
    )
    assert AuditEvent.objects.filter(verb="sensitive.revoke").count() == 1


@pytest.mark.parametrize("username", ["ops.oscar", "audit.ada", "am.alice", "admin"])
def test_only_data_stewards_grant(world, as_user, username):
    response = as_user(username).post(
        "/api/v1/access-grants/",
        {
            "user": "ccb.dan",
            "customer": world.acme.pk,
            "purpose": PURPOSE,
            "expires_at": "2099-01-01T00:00:00Z",
        },
        format="json",
    )
    assert response.status_code == 403
    assert not SensitiveAccessGrant.objects.exists()


@pytest.mark.parametrize(
    "change, field",
    [
        ({"purpose": "because"}, "purpose"),
        ({"expires_at": "2000-01-01T00:00:00Z"}, "expires_at"),
        ({"user": "steward.sam"}, "user"),  # not to themselves
        ({"user": "am.bob"}, "user"),  # Acme is outside Bob's scope
    ],
)
def test_a_grant_needs_a_purpose_a_future_end_and_a_user_who_sees_the_customer(world, as_user, change, field):
    payload = {
        "user": "ops.oscar",
        "customer": world.acme.pk,
        "purpose": PURPOSE,
        "expires_at": "2099-01-01T00:00:00Z",
    }
    response = as_user("steward.sam").post("/api/v1/access-grants/", {**payload, **change}, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not SensitiveAccessGrant.objects.exists()


def test_the_steward_grants_and_revokes_on_the_pages(world, client):
    client.force_login(world.people["steward.sam"])
    assert client.get("/segments/privacy/grants/").status_code == 200
    until = (timezone.now() + datetime.timedelta(days=3)).date().isoformat()
    response = client.post(
        "/segments/privacy/grants/",
        {"user": "ops.oscar", "customer": world.acme.pk, "purpose": PURPOSE, "until": until},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    grant = SensitiveAccessGrant.objects.get()
    assert (grant.user.username, grant.expires_at.date().isoformat()) == ("ops.oscar", until)
    page = client.get("/segments/privacy/grants/").content.decode()
    assert PURPOSE in page
    assert client.post(f"/segments/privacy/grants/{grant.pk}/revoke/", {"reason": "done"}).status_code == 302
    grant.refresh_from_db()
    assert grant.revoked_at is not None
    client.force_login(world.people["ops.oscar"])
    assert client.get("/segments/privacy/grants/").status_code == 403


def test_grant_lookups_use_the_direct_foreign_key_table(world):
    # guardian finds our direct-FK model for customers (indexed join, no generic varchar object_pk).
    from guardian.utils import get_user_obj_perms_model

    assert get_user_obj_perms_model(world.acme) is CustomerUserObjectPermission
    privacy.grant_access(
        actor=world.people["steward.sam"],
        user=world.people["ops.oscar"],
        subject=world.acme,
        purpose=PURPOSE,
        expires_at=timezone.now() + datetime.timedelta(hours=1),
    )
    assert CustomerUserObjectPermission.objects.get().content_object == world.acme
