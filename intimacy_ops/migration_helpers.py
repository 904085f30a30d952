"""Helpers for hand-written migrations."""

from django.db import migrations


def postgresql_only(create_sql: str, drop_sql: str) -> migrations.RunPython:
    """A migration step that runs raw SQL (triggers, functions) on PostgreSQL and does nothing elsewhere.

    The SQL is sent without parameters, so the `%` placeholders of plpgsql's RAISE stay as they are.
    """

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(create_sql, params=None)

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(drop_sql, params=None)

    return migrations.RunPython(forwards, backwards)
