"""The audit trail is append-only and hash-chained; verify_audit finds tampering."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from intimacy_ops import audit
from intimacy_ops.accounts.roles import Role
from intimacy_ops.audit import AppendOnlyError, AuditEvent
from tests.factories import PASSWORD, user_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def trail(django_capture_on_commit_callbacks):
    """Five events, each in its own committed transaction (so the sealer runs after each, as in production)."""
    actor = user_with(Role.OPERATIONS_LEAD, username="ops.one")
    region = actor.regions.get()
    events = []
    for n in range(5):
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            events.append(
                audit.record(
                    actor=actor,
                    verb="region.renamed",
                    obj=region,
                    before={"name": "Old"},
                    after={"name": f"New {n}"},
                    comment=f"step {n}",
                )
            )
    return [AuditEvent.objects.get(pk=event.pk) for event in events]


def verify_output() -> str:
    from io import StringIO

    out = StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def test_events_form_a_chain_and_verify_says_intact(trail):
    assert trail[0].prev_hash == audit.GENESIS_HASH
    for before, after in zip(trail, trail[1:], strict=False):
        assert after.prev_hash == before.hash
    assert verify_output().startswith("intact: 5 events")


def test_event_records_actor_object_and_change(trail):
    event = AuditEvent.objects.get(pk=trail[-1].pk)
    assert event.actor_username == "ops.one"
    assert event.object_type == "accounts.region"
    assert event.before == {"name": "Old"}
    assert event.after == {"name": "New 4"}
    assert event.comment == "step 4"


def test_orm_cannot_update_or_delete_an_event(trail):
    event = AuditEvent.objects.get(pk=trail[0].pk)
    event.comment = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(comment="rewritten")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).comment == "step 0"
    assert AuditEvent.objects.count() >= 5


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_postgresql_refuses_raw_update_and_delete(trail):
    table = AuditEvent._meta.db_table
    for sql in (f"UPDATE {table} SET comment = 'x' WHERE id = %s", f"DELETE FROM {table} WHERE id = %s"):  # noqa: S608
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [trail[0].pk])
    assert AuditEvent.objects.get(pk=trail[0].pk).comment == "step 0"


def _tamper(sql: str, params: list) -> None:
    """What an attacker with database access would do: go around the application (and the trigger)."""
    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")  # a superuser switching triggers off
        cursor.execute(sql.format(table=table), params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = origin")


def test_verify_audit_reports_an_altered_row(trail):
    _tamper("UPDATE {table} SET comment = 'nothing to see' WHERE id = %s", [trail[2].pk])
    with pytest.raises(CommandError, match=rf"broken at event #{trail[2].pk}: its content no longer matches"):
        verify_output()


def test_verify_audit_reports_a_removed_row(trail):
    _tamper("DELETE FROM {table} WHERE id = %s", [trail[1].pk])
    with pytest.raises(CommandError, match=rf"broken at event #{trail[2].pk}: its link does not match"):
        verify_output()


def test_verify_page_shows_the_break_to_an_auditor(trail, client):
    _tamper('UPDATE {table} SET after = \'{{"name": "Forged"}}\' WHERE id = %s', [trail[3].pk])
    auditor = user_with(Role.AUDITOR)
    client.login(username=auditor.username, password=PASSWORD)
    page = client.get("/audit/verify/").content.decode()
    assert "Broken" in page
    assert f"Event #{trail[3].pk}" in page


def test_admin_shows_events_read_only(trail, client):
    admin = user_with(Role.ADMINISTRATOR, username="root.admin")
    client.login(username=admin.username, password=PASSWORD)
    assert client.get("/admin/intimacy_ops/auditevent/").status_code == 200
    change = client.get(f"/admin/intimacy_ops/auditevent/{trail[0].pk}/change/")
    assert change.status_code == 200
    assert 'name="_save"' not in change.content.decode()
    assert (
        client.post(f"/admin/intimacy_ops/auditevent/{trail[0].pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert client.get("/admin/intimacy_ops/auditevent/add/").status_code == 403
    assert AuditEvent.objects.filter(pk=trail[0].pk).exists()


def test_audit_trail_page_is_for_auditors(trail, client):
    am = user_with(Role.ACCOUNT_MANAGER, username="am.nosy")
    client.login(username=am.username, password=PASSWORD)
    refused = client.get("/audit/")
    assert refused.status_code == 403
    assert "auditors and administrators" in refused.content.decode()
    client.logout()
    auditor = user_with(Role.AUDITOR, username="aud.it")
    client.login(username=auditor.username, password=PASSWORD)
    page = client.get("/audit/?verb=region.renamed&actor=ops.one").content.decode()
    assert page.count("region.renamed") >= 5
    assert "step 4" in page
    assert "No event matches" in client.get("/audit/?actor=nobody").content.decode()
    assert "is not a date" in client.get("/audit/?since=yesterday").content.decode()


@pytest.mark.parametrize("rows", [3, 50])
def test_audit_trail_page_query_count_does_not_grow(rows, client, django_assert_max_num_queries):
    actor = user_with(Role.OPERATIONS_LEAD, username="ops.many")
    region = actor.regions.get()
    for n in range(rows):
        audit.record(actor=actor, verb="region.touched", obj=region, comment=str(n))
    auditor = user_with(Role.AUDITOR, username="aud.count")
    client.login(username=auditor.username, password=PASSWORD)
    with django_assert_max_num_queries(12):
        response = client.get("/audit/")
    assert response.status_code == 200
