"""On PostgreSQL, the database itself refuses UPDATE on the access log, and DELETE unless retention says so.

Retention (`privacy.models.purge`) sets `intimacy_ops.retention = 'on'` for its own transaction
(SET LOCAL); nothing else can delete an entry. (The same guard the table had before the move.)
"""

from django.db import migrations

from intimacy_ops.migration_helpers import postgresql_only

CREATE = """
CREATE OR REPLACE FUNCTION privacy_access_log_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND coalesce(current_setting('intimacy_ops.retention', true), '') = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'access-log entries are append-only: % refused on %', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS access_log_append_only ON privacy_accesslogentry;
CREATE TRIGGER access_log_append_only
    BEFORE UPDATE OR DELETE ON privacy_accesslogentry
    FOR EACH ROW EXECUTE FUNCTION privacy_access_log_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS access_log_append_only ON privacy_accesslogentry;
DROP FUNCTION IF EXISTS privacy_access_log_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial")]

    operations = [postgresql_only(CREATE, DROP)]
