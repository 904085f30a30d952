"""Keep the kernel's partial indexes lean (README, "Database upkeep"), PostgreSQL only.

Rows leave these indexes as they are handled: an e-mail once sent (`email_state` queued/sending/held), an
escalation once resolved, an audit event once sealed. Their old entries stay until VACUUM; with PostgreSQL's
default (20 % of the table dead) the outbox check, the escalation climb and the sealer would read thousands of
dead entries to find a few live ones. Vacuum these tables when 1 % (+ 1,000 rows) are dead, analyze at 2 %,
as segments.0008 does for the SLA case table.
"""

from django.db import migrations

TABLES = (
    "intimacy_ops_notification",
    "intimacy_ops_notificationdigest",
    "intimacy_ops_escalation",
    "intimacy_ops_auditevent",
)
OPTIONS = (
    "autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 1000, "
    "autovacuum_analyze_scale_factor = 0.02"
)


def tune(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(f"ALTER TABLE {table} SET ({OPTIONS})")


def untune(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(
                f"ALTER TABLE {table} RESET (autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold, "
                "autovacuum_analyze_scale_factor)"
            )


class Migration(migrations.Migration):
    dependencies = [("intimacy_ops", "0008_audit_keyed_chain")]

    operations = [migrations.RunPython(tune, untune, elidable=False)]
