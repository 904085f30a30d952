"""Moving privacy out of segments keeps every row: a database at main's schema (segments 0005, no privacy
app), holding grants, break-glass sessions, access-log rows and retention policies, migrates forward
with the same rows — same ids, same subject (the customer), same fields — on SQLite and PostgreSQL."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from privacy.models import AccessLogEntry, BreakGlassSession, RetentionPolicy, SensitiveAccessGrant
from segments.models import Customer, CustomerUserObjectPermission

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# main's leaves before this move, for the apps it touches: segments ended at 0005; privacy did not exist.
SEGMENTS_ON_MAIN = ("segments", "0005_sla_sweep_and_update_reminders")
BEFORE = [SEGMENTS_ON_MAIN, ("privacy", None)]
AT = datetime.datetime(2026, 11, 20, 9, 30, tzinfo=datetime.UTC)
HOUR = datetime.timedelta(hours=1)

GRANT_FIELDS = [
    "id",
    "user_id",
    "purpose",
    "granted_by_id",
    "granted_at",
    "expires_at",
    "revoked_at",
    "revoked_by_id",
    "revoke_reason",
]
SESSION_FIELDS = [
    "id",
    "user_id",
    "justification",
    "opened_at",
    "expires_at",
    "reviewed_by_id",
    "reviewed_at",
    "review_outcome",
    "review_comment",
]
LOG_FIELDS = ["id", "user_id", "fields", "at", "purpose", "channel"]
POLICY_FIELDS = ["id", "kind", "action", "keep_months", "active", "description", "created_at", "updated_at"]


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


def _latest() -> list:
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.fixture
def old_schema():
    """The database at main's schema for the whole test; the latest schema again afterwards, whatever happens."""
    executor = _migrate(BEFORE)
    yield executor.loader.project_state(SEGMENTS_ON_MAIN).apps
    _migrate(_latest())


def _rows(model, fields, **subject):
    return {row["id"]: row for row in model.objects.filter(**subject).values(*fields)}


def _old_rows(model, fields):
    """The old rows as the new ones should read: the customer becomes the subject id."""
    return {
        row["id"]: {name: row[name] for name in fields} | {"subject_id": row["customer_id"]}
        for row in model.objects.values(*fields, "customer_id")
    }


def _seed(apps) -> dict:
    """Grants (active, revoked), break-glass sessions (open, reviewed), access-log rows, policies: main's models."""
    region = apps.get_model("accounts", "Region").objects.create(code="EMEA", name="Europe")
    user_model = apps.get_model("accounts", "User")
    alice, oscar, sam, tess = (
        user_model.objects.create(username=name, password="!") for name in ("alice", "oscar", "sam", "tess")
    )
    customer_model = apps.get_model("segments", "Customer")
    acme, delta = (
        customer_model.objects.create(
            source="crm",
            external_id=external_id,
            name=name,
            region=region,
            account_manager=alice,
            contact_email=f"ceo@{external_id.lower()}.example",
            personal_notes="Prefers calls.",
            consent_profiling=True,
        )
        for external_id, name in (("ACME", "Acme"), ("DELTA", "Delta"))
    )
    grants = apps.get_model("segments", "SensitiveAccessGrant").objects
    grants.create(
        user=oscar,
        customer=acme,
        purpose="Quarterly review",
        granted_by=sam,
        granted_at=AT,
        expires_at=AT + 48 * HOUR,
    )
    grants.create(
        user=oscar,
        customer=delta,
        purpose="Escalation 4411",
        granted_by=sam,
        granted_at=AT,
        expires_at=AT + 24 * HOUR,
        revoked_at=AT + HOUR,
        revoked_by=tess,
        revoke_reason="Done early",
    )
    sessions = apps.get_model("segments", "BreakGlassSession").objects
    sessions.create(
        user=oscar,
        customer=delta,
        justification="Outage, customer on the phone",
        opened_at=AT,
        expires_at=AT + 4 * HOUR,
    )
    sessions.create(
        user=alice,
        customer=acme,
        justification="Night shift, the steward is away",
        opened_at=AT - 24 * HOUR,
        expires_at=AT - 22 * HOUR,
        reviewed_by=sam,
        reviewed_at=AT,
        review_outcome="flag",
        review_comment="Ask the account manager first",
    )
    log = apps.get_model("segments", "AccessLogEntry").objects
    for minutes, (user, customer, fields, purpose, channel) in enumerate(
        [
            (alice, acme, ["contact_email", "personal_notes"], "own account", "page"),
            (oscar, acme, ["contact_email"], "grant: Quarterly review", "api"),
            (oscar, delta, ["personal_notes"], "break-glass", "page"),
            (sam, delta, ["contact_email", "personal_notes"], "subject access request: DSR-118", "export"),
        ]
    ):
        log.create(
            user=user,
            customer=customer,
            fields=fields,
            at=AT + datetime.timedelta(minutes=minutes),
            purpose=purpose,
            channel=channel,
        )
    policies = apps.get_model("segments", "RetentionPolicy").objects
    policies.create(kind="closed_cases", action="anonymize", keep_months=24, description="Two years")
    policies.create(kind="access_log", action="delete", keep_months=84, active=False)
    permission = apps.get_model("auth", "Permission").objects.get(codename="view_sensitive_customer")
    apps.get_model("segments", "CustomerUserObjectPermission").objects.create(
        user=oscar, permission=permission, content_object=acme
    )
    return {
        "grants": _old_rows(apps.get_model("segments", "SensitiveAccessGrant"), GRANT_FIELDS),
        "sessions": _old_rows(apps.get_model("segments", "BreakGlassSession"), SESSION_FIELDS),
        "log": _old_rows(apps.get_model("segments", "AccessLogEntry"), LOG_FIELDS),
        "policies": {row["id"]: row for row in policies.values(*POLICY_FIELDS)},
        "customers": {acme.pk, delta.pk},
    }


def test_grants_break_glass_sessions_and_the_access_log_keep_every_row(old_schema):
    before = _seed(old_schema)
    assert len(before["grants"]) == 2 and len(before["sessions"]) == 2 and len(before["log"]) == 4

    _migrate(_latest())

    customer = ContentType.objects.get_for_model(Customer)
    about_customers = {"subject_type": customer}
    assert _rows(SensitiveAccessGrant, [*GRANT_FIELDS, "subject_id"], **about_customers) == before["grants"]
    assert _rows(BreakGlassSession, [*SESSION_FIELDS, "subject_id"], **about_customers) == before["sessions"]
    assert _rows(AccessLogEntry, [*LOG_FIELDS, "subject_id"], **about_customers) == before["log"]
    # Nothing else arrived: same counts in all.
    assert SensitiveAccessGrant.objects.count() == 2
    assert BreakGlassSession.objects.count() == 2
    assert AccessLogEntry.objects.count() == 4
    assert _rows(RetentionPolicy, POLICY_FIELDS) == before["policies"]
    # The subjects are the same customers, reached through the generic relation.
    assert {entry.subject.pk for entry in AccessLogEntry.objects.all()} == before["customers"]
    assert all(isinstance(grant.subject, Customer) for grant in SensitiveAccessGrant.objects.all())
    # Consent and the guardian permission stay where they were: on the customer.
    assert set(Customer.objects.values_list("consent_profiling", flat=True)) == {True}
    assert CustomerUserObjectPermission.objects.count() == 1


def test_new_rows_after_the_move_take_fresh_ids_and_the_log_stays_append_only(old_schema):
    before = _seed(old_schema)

    _migrate(_latest())

    acme = Customer.objects.get(external_id="ACME")
    entry = AccessLogEntry.objects.create(
        user_id=acme.account_manager_id,
        subject=acme,
        fields=["contact_email"],
        at=AT,
        purpose="own account",
        channel="page",
    )
    assert entry.pk > max(before["log"])  # the sequence moved past the copied ids (PostgreSQL)
    policy = RetentionPolicy.objects.create(kind="import_rejected_rows", action="delete", keep_months=6)
    assert policy.pk > max(before["policies"])
    if connection.vendor == "postgresql":
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute("UPDATE privacy_accesslogentry SET purpose = 'changed'")


def test_the_move_can_be_undone_with_every_row(old_schema):
    before = _seed(old_schema)
    _migrate(_latest())

    executor = _migrate(BEFORE)

    apps = executor.loader.project_state(SEGMENTS_ON_MAIN).apps
    assert _old_rows(apps.get_model("segments", "SensitiveAccessGrant"), GRANT_FIELDS) == before["grants"]
    assert _old_rows(apps.get_model("segments", "BreakGlassSession"), SESSION_FIELDS) == before["sessions"]
    assert _old_rows(apps.get_model("segments", "AccessLogEntry"), LOG_FIELDS) == before["log"]
