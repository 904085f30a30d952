"""The access log: read by data stewards and auditors only (403 for anyone else), filterable, append-only."""

import datetime

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from privacy.models import AccessLogEntry, AppendOnlyError

OTHERS = ["am.alice", "am.bob", "owner.olivia", "ccb.carol", "ccb.dan", "ops.oscar", "admin"]


@pytest.fixture
def looks(world, as_user):
    """Alice opens Acme twice (API, then her page); Bob opens Delta once."""
    as_user("am.alice").get(f"/api/v1/customers/{world.acme.pk}/")
    as_user("am.bob").get(f"/api/v1/customers/{world.delta.pk}/")
    from django.test import Client

    page = Client()
    page.force_login(world.people["am.alice"])
    page.get(f"/segments/customers/{world.acme.pk}/")
    assert AccessLogEntry.objects.count() == 3
    return world


@pytest.mark.parametrize("username", OTHERS)
def test_the_access_log_api_is_403_for_everyone_but_stewards_and_auditors(looks, as_user, username):
    response = as_user(username).get("/api/v1/access-log/")
    assert response.status_code == 403
    assert "stewards and auditors" in response.json()["detail"]
    entry = AccessLogEntry.objects.first()
    assert as_user(username).get(f"/api/v1/access-log/{entry.pk}/").status_code == 403


def test_the_access_log_api_is_401_when_signed_out(looks, api):
    assert api.get("/api/v1/access-log/").status_code == 401


@pytest.mark.parametrize("username", ["steward.sam", "audit.ada"])
def test_stewards_and_auditors_read_and_filter_the_access_log(looks, as_user, username):
    client = as_user(username)
    body = client.get("/api/v1/access-log/").json()
    assert body["count"] == 3
    first = body["results"][0]
    assert set(first) >= {"id", "user", "customer", "fields", "at", "purpose", "channel"}
    assert first["user"] == "am.alice" and first["channel"] == "page" and first["purpose"] == "own account"
    assert first["fields"] == ["contact_email", "personal_notes"]

    def count(query):
        return client.get(f"/api/v1/access-log/?{query}").json()["count"]

    assert count("user=am.alice") == 2
    assert count(f"customer={looks.delta.pk}") == 1
    assert count("channel=page") == 1
    today = timezone.now().date()
    assert count(f"since={today.isoformat()}") == 3
    assert count(f"until={(today - datetime.timedelta(days=1)).isoformat()}") == 0
    assert count(f"since={(today + datetime.timedelta(days=1)).isoformat()}") == 0
    assert client.get("/api/v1/access-log/?since=yesterday").status_code == 400


def test_the_access_log_page_for_stewards_and_auditors_only(looks, client):
    for username, status in [("steward.sam", 200), ("audit.ada", 200), ("ops.oscar", 403), ("am.alice", 403)]:
        client.force_login(looks.people[username])
        response = client.get("/segments/privacy/access-log/")
        assert response.status_code == status, username
    client.force_login(looks.people["audit.ada"])
    response = client.get("/segments/privacy/access-log/", {"user": "am.bob"})
    assert len(response.context["page"].object_list) == 1
    assert "Delta Retail" in response.content.decode()
    nav = [item["key"] for item in response.context["nav_items"]]
    assert "access-log" in nav and "grants" not in nav


def test_the_access_log_is_append_only_in_the_orm(looks):
    entry = AccessLogEntry.objects.first()
    entry.purpose = "nothing to see"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AccessLogEntry.objects.filter(pk=entry.pk).update(purpose="x")
    with pytest.raises(AppendOnlyError):
        AccessLogEntry.objects.all().delete()
    assert AccessLogEntry.objects.count() == 3


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_postgresql_refuses_raw_update_and_delete_of_the_access_log(looks):
    for sql in (
        "UPDATE privacy_accesslogentry SET purpose = 'x'",
        "DELETE FROM privacy_accesslogentry",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    assert AccessLogEntry.objects.count() == 3
    # Retention is the one way out, and only for entries past the cutoff.
    assert AccessLogEntry.objects.purge_before(timezone.now() - datetime.timedelta(days=1)) == 0
    assert AccessLogEntry.objects.purge_before(timezone.now() + datetime.timedelta(seconds=1)) == 3
