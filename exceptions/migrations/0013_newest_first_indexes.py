from django.db import migrations

from intimacy_ops.migration_helpers import postgresql_only


class Migration(migrations.Migration):
    """Lists of requests newest first read their first page from an index instead of sorting every request
    the reader may see (bench/README.md, "load.py"): everyone's list (the API's order, created_at DESC, id
    DESC) and an account manager's "My requests" (the page's order, NULLS LAST). Written as SQL, outside the
    model's state: SQLite cannot index NULLS LAST, so that one is PostgreSQL's only."""

    dependencies = [("exceptions", "0012_transition_on_behalf_of")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS exception_newest ON exceptions_exceptionrequest (created_at DESC, id DESC)",
            "DROP INDEX IF EXISTS exception_newest",
        ),
        postgresql_only(
            "CREATE INDEX IF NOT EXISTS exception_requester_newest ON exceptions_exceptionrequest "
            "(requested_by_id, created_at DESC NULLS LAST, id)",
            "DROP INDEX IF EXISTS exception_requester_newest",
        ),
    ]
