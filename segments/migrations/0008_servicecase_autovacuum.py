"""Keep the SLA sweep's partial indexes lean (README, "Database upkeep"), PostgreSQL only.

A case leaves `case_response_to_sweep` / `case_resolution_to_sweep` / `case_update_reminder_due` when it is
answered, resolved or breached; its old index entry stays until VACUUM removes it. With PostgreSQL's default
(vacuum when 20 % of the table's rows are dead) a table of a million cases carries up to 200,000 dead
entries in indexes meant to hold a few hundred, and the sweep's selection reads them all. Vacuum this table
when 1 % (+ 1,000 rows) are dead, and analyze it at 2 %, so the planner's picture of the few live rows stays true.
"""

from django.db import migrations

TABLE = "segments_servicecase"
OPTIONS = (
    "autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 1000, "
    "autovacuum_analyze_scale_factor = 0.02"
)


def tune(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} SET ({OPTIONS})")


def untune(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TABLE {TABLE} RESET (autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold, "
            "autovacuum_analyze_scale_factor)"
        )


class Migration(migrations.Migration):
    dependencies = [("segments", "0007_import_regions")]

    operations = [migrations.RunPython(tune, untune, elidable=False)]
