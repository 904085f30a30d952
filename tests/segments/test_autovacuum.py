"""Tables whose partial indexes rows keep leaving (the SLA sweep's cases, the e-mail outbox, open
escalations, unsealed audit events) are vacuumed early (PostgreSQL)."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "table",
    [
        "segments_servicecase",
        "intimacy_ops_notification",
        "intimacy_ops_notificationdigest",
        "intimacy_ops_escalation",
        "intimacy_ops_auditevent",
    ],
)
def test_the_table_is_vacuumed_at_one_percent_dead_rows_not_twenty(table):
    if connection.vendor != "postgresql":
        pytest.skip("per-table autovacuum settings are PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = %s", [table])
        (options,) = cursor.fetchone()

    assert "autovacuum_vacuum_scale_factor=0.01" in options
    assert "autovacuum_analyze_scale_factor=0.02" in options
