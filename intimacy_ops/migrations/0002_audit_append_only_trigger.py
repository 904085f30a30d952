"""On PostgreSQL, the database itself refuses UPDATE and DELETE on the audit trail."""

from django.db import migrations

from intimacy_ops.migration_helpers import postgresql_only

CREATE = """
CREATE OR REPLACE FUNCTION intimacy_ops_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only: % refused on %', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS audit_event_append_only ON intimacy_ops_auditevent;
CREATE TRIGGER audit_event_append_only
    BEFORE UPDATE OR DELETE ON intimacy_ops_auditevent
    FOR EACH ROW EXECUTE FUNCTION intimacy_ops_audit_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS audit_event_append_only ON intimacy_ops_auditevent;
DROP FUNCTION IF EXISTS intimacy_ops_audit_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("intimacy_ops", "0001_initial")]

    operations = [postgresql_only(CREATE, DROP)]
