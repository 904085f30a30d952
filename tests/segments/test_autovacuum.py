"""The SLA case table, whose partial "to sweep" indexes rows keep leaving, is vacuumed early (PostgreSQL)."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_the_case_table_is_vacuumed_at_one_percent_dead_rows_not_twenty():
    if connection.vendor != "postgresql":
        pytest.skip("per-table autovacuum settings are PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'segments_servicecase'")
        (options,) = cursor.fetchone()

    assert "autovacuum_vacuum_scale_factor=0.01" in options
    assert "autovacuum_analyze_scale_factor=0.02" in options
