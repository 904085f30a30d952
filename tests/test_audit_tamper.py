"""Tamper-evidence against someone who can write to the database: the chain is keyed (AUDIT_KEY) and its
head is checkpointed outside the database, so `verify_audit` reports a changed, removed or inserted event,
a truncated or wiped trail and a re-hash; events a crash left unsealed are sealed by the `audit.seal` check."""

import hashlib
import hmac
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from intimacy_ops import audit
from intimacy_ops.accounts.roles import Role
from intimacy_ops.audit import AuditEvent
from intimacy_ops.notifications.models import Notification
from tests.factories import PASSWORD, user_with

pytestmark = pytest.mark.django_db
TABLE = AuditEvent._meta.db_table


@pytest.fixture
def trail(django_capture_on_commit_callbacks):
    """Six events, each committed (and so sealed right after), then a checkpoint written by its check."""
    actor = user_with(Role.OPERATIONS_LEAD, username="ops.chain")
    region = actor.regions.get()
    for n in range(6):
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            audit.record(
                actor=actor, verb="region.renamed", obj=region, after={"name": f"R{n}"}, comment=f"c{n}"
            )
    run_check("audit.checkpoint")
    return list(AuditEvent.objects.order_by("seq"))


def run_check(name: str) -> str:
    out = StringIO()
    call_command("run_checks", name, stdout=out)
    return out.getvalue()


def verify() -> str:
    out = StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def tamper(*statements: tuple[str, list]) -> None:
    """An intruder with database rights going round the application and the trigger."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        for sql, params in statements:
            cursor.execute(sql.format(table=TABLE), params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = origin")


def forged_hash(key: bytes, event: dict, seq: int, prev_hash: str, key_id: str) -> str:
    """What an intruder who read our code but lacks AUDIT_KEY computes: the right recipe, a wrong key."""
    payload = json.dumps(event, sort_keys=True, separators=(",", ":"))
    return hmac.new(key, f"{seq}|{prev_hash}|{key_id}|{payload}".encode(), hashlib.sha256).hexdigest()


def test_sealed_trail_and_checkpoint_verify_intact_and_auditors_get_the_checkpoint(trail, audit_checkpoints):
    assert [event.seq for event in trail] == [1, 2, 3, 4, 5, 6]
    assert verify().startswith("intact: 6 events, every hash and link verified; matches the checkpoint")
    [line] = (audit_checkpoints.glob("*.jsonl").__next__()).read_text().splitlines()
    checkpoint = json.loads(line)
    assert checkpoint["seq"] == 6 and checkpoint["hash"] == trail[-1].hash and checkpoint["key_id"]
    assert "AUDIT_KEY" not in line and json.dumps(checkpoint).count(trail[-1].hash) == 1


def test_auditors_are_told_of_each_new_checkpoint(django_capture_on_commit_callbacks):
    auditor = user_with(Role.AUDITOR, username="aud.mail")
    with django_capture_on_commit_callbacks(execute=True):
        audit.record(actor=None, verb="thing.done", object_type="thing", object_id=1)
    assert "checkpoint at event 1" in run_check("audit.checkpoint")
    [note] = Notification.objects.filter(recipient=auditor)
    assert note.subject == "Audit checkpoint: event 1"
    assert AuditEvent.objects.get(seq=1).hash in note.body
    assert "no new events" in run_check("audit.checkpoint")


def test_verify_audit_reports_an_inserted_event(trail):
    head = trail[2]
    # Make room at seq 4 and slip a forged event in, linked to event 3 and hashed without the real key.
    forged = {"verb": "region.renamed", "comment": "approved by phone"}
    forged_seal = forged_hash(b"guessed", forged, head.seq + 1, head.hash, head.key_id)
    tamper(
        ("UPDATE {table} SET prev_hash = %s WHERE seq = %s", [forged_seal, head.seq + 1]),
        ("UPDATE {table} SET seq = seq + 1000 WHERE seq > %s", [head.seq]),
        ("UPDATE {table} SET seq = seq - 999 WHERE seq > %s", [1000]),
        (
            "INSERT INTO {table} (at, actor_username, verb, object_type, object_id, object_repr, comment, "
            "request_id, seq, prev_hash, hash, key_id) VALUES (%s, '', %s, 'x', '1', '', %s, '', %s, %s, %s, %s)",
            [
                head.at,
                forged["verb"],
                forged["comment"],
                head.seq + 1,
                head.hash,
                forged_seal,
                head.key_id,
            ],
        ),
    )
    inserted = AuditEvent.objects.get(seq=head.seq + 1)
    with pytest.raises(CommandError, match=rf"broken at event #{inserted.pk}: its content no longer matches"):
        verify()


def test_verify_audit_reports_the_newest_events_deleted(trail):
    tamper(("DELETE FROM {table} WHERE seq > %s", [4]))  # the chain that is left is consistent in itself
    with pytest.raises(
        CommandError, match=r"trail ends at event 4, but the checkpoint .* recorded 6 events .*truncated"
    ):
        verify()


def test_verify_audit_reports_a_wiped_trail(trail):
    tamper(("DELETE FROM {table}", []))
    with pytest.raises(
        CommandError,
        match=r"the trail is empty, but the checkpoint .* recorded 6 events \(the trail was wiped\)",
    ):
        verify()


def test_verify_audit_reports_a_rehash_with_a_wrong_key(trail):
    # Edit event 3 and recompute every later seal with a key of the intruder's own: the links all hold.
    prev_hash, statements = trail[1].hash, []
    for event in trail[2:]:
        content = event.content() | ({"comment": "nothing to see"} if event.seq == 3 else {})
        new_hash = forged_hash(b"not-the-audit-key", content, event.seq, prev_hash, event.key_id)
        statements.append(
            (
                "UPDATE {table} SET comment = %s, prev_hash = %s, hash = %s WHERE id = %s",
                [content["comment"], prev_hash, new_hash, event.pk],
            )
        )
        prev_hash = new_hash
    tamper(*statements)
    with pytest.raises(
        CommandError, match=rf"broken at event #{trail[2].pk}: its content no longer matches its hash"
    ):
        verify()


def test_a_rotated_key_still_verifies_older_events_through_the_fallbacks(trail, settings):
    old_key = settings.AUDIT_KEY
    settings.AUDIT_KEY, settings.AUDIT_KEY_FALLBACKS = "a-brand-new-audit-key", [old_key]
    assert verify().startswith("intact: 6 events")
    settings.AUDIT_KEY_FALLBACKS = []
    with pytest.raises(CommandError, match=rf"broken at event #{trail[0].pk}: it was sealed with key"):
        verify()


def test_an_event_left_unsealed_by_a_crash_is_sealed_by_the_check_and_the_chain_verifies(trail, client):
    # Committed, but the process died before its sealer ran (in this test the on-commit sealer never runs).
    lost = audit.record(actor=None, verb="region.renamed", object_type="accounts.region", object_id=1)
    assert AuditEvent.objects.get(pk=lost.pk).seq is None
    assert "1 newer events not sealed yet" in verify()
    auditor = user_with(Role.AUDITOR, username="aud.unsealed")
    client.login(username=auditor.username, password=PASSWORD)
    assert "pending sealing" in client.get("/audit/").content.decode()

    assert "1 event sealed" in run_check("audit.seal")
    assert AuditEvent.objects.get(pk=lost.pk).seq == 7
    assert verify().startswith("intact: 7 events")


def test_the_verify_page_seals_what_has_committed_and_then_verifies_it(trail, client):
    # Committed, its sealer not yet run (gathering, or the process died): the page seals it before verifying.
    waiting = audit.record(actor=None, verb="region.renamed", object_type="accounts.region", object_id=1)
    auditor = user_with(Role.AUDITOR, username="aud.pending")
    client.login(username=auditor.username, password=PASSWORD)
    page = client.get("/audit/verify/").content.decode()
    assert "All 7 sealed events were checked" in page and "pending sealing" not in page
    assert AuditEvent.objects.get(pk=waiting.pk).seq == 7
    assert verify().startswith("intact: 7 events")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_postgresql_allows_sealing_once_and_nothing_else(trail):
    unsealed = audit.record(actor=None, verb="thing.done", object_type="thing", object_id=2)
    for sql in (
        f"UPDATE {TABLE} SET seq = 99, prev_hash = 'p', hash = 'h', key_id = 'k', comment = 'x' WHERE id = %s",  # noqa: S608
        f"UPDATE {TABLE} SET comment = 'x' WHERE id = %s",  # noqa: S608
        f"DELETE FROM {TABLE} WHERE id = %s",  # noqa: S608
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [unsealed.pk])
    with transaction.atomic(), connection.cursor() as cursor:  # the sealer's own step
        cursor.execute(
            f"UPDATE {TABLE} SET seq = 99, prev_hash = 'p', hash = 'h', key_id = 'k' WHERE id = %s",  # noqa: S608
            [unsealed.pk],
        )
    for sql in (
        f"UPDATE {TABLE} SET hash = 'again' WHERE id = %s",  # noqa: S608
        f"UPDATE {TABLE} SET seq = NULL, prev_hash = NULL, hash = NULL, key_id = NULL WHERE id = %s",  # noqa: S608
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [unsealed.pk])
