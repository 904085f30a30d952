"""Grants, break-glass sessions, the access log and retention policies move to the privacy part.

The privacy tables (privacy 0001) point at their data subject generically: content type + id. Every
row is copied with its id, its customer becoming the subject (content type `segments.customer`,
subject id = the customer id), in one INSERT … SELECT per table (SQLite and PostgreSQL alike); the
sequences are moved past the copied ids; then the segments tables are dropped. Backwards, the
tables come back and the rows are copied home (refused if a row is about anything but a customer).
"""

from django.core.management.color import no_style
from django.db import migrations

from intimacy_ops.migration_helpers import postgresql_only

# (segments model, privacy model, columns copied as they are)
MOVES = [
    (
        "SensitiveAccessGrant",
        "SensitiveAccessGrant",
        [
            "id",
            "user_id",
            "purpose",
            "granted_by_id",
            "granted_at",
            "expires_at",
            "revoked_at",
            "revoked_by_id",
            "revoke_reason",
        ],
    ),
    (
        "BreakGlassSession",
        "BreakGlassSession",
        [
            "id",
            "user_id",
            "justification",
            "opened_at",
            "expires_at",
            "reviewed_by_id",
            "reviewed_at",
            "review_outcome",
            "review_comment",
        ],
    ),
    ("AccessLogEntry", "AccessLogEntry", ["id", "user_id", "fields", "at", "purpose", "channel"]),
]
POLICY_COLUMNS = ["id", "kind", "action", "keep_months", "active", "description", "created_at", "updated_at"]


def _customer_type_id(apps, db) -> int:
    content_type = apps.get_model("contenttypes", "ContentType")
    return content_type.objects.using(db).get_or_create(app_label="segments", model="customer")[0].pk


def _copy(schema_editor, source, target, source_columns, target_columns, params=()):
    """INSERT INTO target (columns) SELECT columns FROM source: table and column names are ours, quoted."""
    quote = schema_editor.quote_name
    into = f"{quote(target._meta.db_table)} ({', '.join(quote(c) for c in target_columns)})"
    select = f"{', '.join(source_columns)} FROM {quote(source._meta.db_table)}"
    schema_editor.execute("INSERT INTO " + into + " SELECT " + select, params=list(params))


def _reset_sequences(schema_editor, models) -> None:
    for sql in schema_editor.connection.ops.sequence_reset_sql(no_style(), models):
        schema_editor.execute(sql, params=None)


def forwards(apps, schema_editor):
    db = schema_editor.connection.alias
    quote = schema_editor.quote_name
    customer_type = _customer_type_id(apps, db)
    moved = []
    for old_name, new_name, columns in MOVES:
        old, new = apps.get_model("segments", old_name), apps.get_model("privacy", new_name)
        _copy(
            schema_editor,
            old,
            new,
            [quote(c) for c in columns] + ["%s", quote("customer_id")],
            columns + ["subject_type_id", "subject_id"],
            params=[customer_type],
        )
        moved.append(new)
    old, new = apps.get_model("segments", "RetentionPolicy"), apps.get_model("privacy", "RetentionPolicy")
    _copy(schema_editor, old, new, [quote(c) for c in POLICY_COLUMNS], POLICY_COLUMNS)
    _reset_sequences(schema_editor, moved + [new])


def backwards(apps, schema_editor):
    db = schema_editor.connection.alias
    quote = schema_editor.quote_name
    customer_type = _customer_type_id(apps, db)
    moved = []
    for old_name, new_name, columns in MOVES:
        old, new = apps.get_model("segments", old_name), apps.get_model("privacy", new_name)
        others = new.objects.using(db).exclude(subject_type_id=customer_type).count()
        if others:
            raise RuntimeError(
                f"{others} {new_name} row(s) are about something other than a customer: "
                "segments' old table cannot hold them."
            )
        _copy(
            schema_editor,
            new,
            old,
            [quote(c) for c in columns] + [quote("subject_id")],
            columns + ["customer_id"],
        )
        moved.append(old)
    old, new = apps.get_model("segments", "RetentionPolicy"), apps.get_model("privacy", "RetentionPolicy")
    _copy(schema_editor, new, old, [quote(c) for c in POLICY_COLUMNS], POLICY_COLUMNS)
    _reset_sequences(schema_editor, moved + [old])


# The segments table's append-only trigger goes with it (privacy 0002 guards the new table); backwards,
# it comes back on the restored table. (postgresql_only runs its first SQL forwards, its second backwards.)
DROP_OLD_TRIGGER = """
DROP TRIGGER IF EXISTS access_log_append_only ON segments_accesslogentry;
DROP FUNCTION IF EXISTS segments_access_log_append_only();
"""
RESTORE_OLD_TRIGGER = """
CREATE OR REPLACE FUNCTION segments_access_log_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND coalesce(current_setting('intimacy_ops.retention', true), '') = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'access-log entries are append-only: % refused on %', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS access_log_append_only ON segments_accesslogentry;
CREATE TRIGGER access_log_append_only
    BEFORE UPDATE OR DELETE ON segments_accesslogentry
    FOR EACH ROW EXECUTE FUNCTION segments_access_log_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("segments", "0005_sla_sweep_and_update_reminders"),
        ("privacy", "0002_access_log_append_only_trigger"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        postgresql_only(DROP_OLD_TRIGGER, RESTORE_OLD_TRIGGER),
        migrations.DeleteModel(name="AccessLogEntry"),
        migrations.DeleteModel(name="BreakGlassSession"),
        migrations.DeleteModel(name="SensitiveAccessGrant"),
        migrations.DeleteModel(name="RetentionPolicy"),
    ]
