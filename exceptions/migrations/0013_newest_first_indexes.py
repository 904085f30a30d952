from django.db import migrations, models

from intimacy_ops.migration_helpers import postgresql_only


class Migration(migrations.Migration):
    """Lists of requests newest first read their first page from an index (bench/README.md, load.py). The
    account manager's "My requests" index sorts NULLS LAST, as the page does, which SQLite cannot index: it is
    PostgreSQL's only, and not in the model's state (SQLite rebuilds a table with the state's indexes)."""

    dependencies = [("exceptions", "0012_transition_on_behalf_of")]

    operations = [
        migrations.AddIndex(
            model_name="exceptionrequest",
            index=models.Index(
                models.OrderBy(models.F("created_at"), descending=True),
                models.OrderBy(models.F("id"), descending=True),
                name="exception_newest",
            ),
        ),
        postgresql_only(
            "CREATE INDEX IF NOT EXISTS exception_requester_newest ON exceptions_exceptionrequest "
            "(requested_by_id, created_at DESC NULLS LAST, id)",
            "DROP INDEX IF EXISTS exception_requester_newest",
        ),
    ]
