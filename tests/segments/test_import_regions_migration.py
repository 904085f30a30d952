"""Runs imported before runs had regions get them on migrating (segments 0007): each rejected row is tied to
the customer it names and its region, else to the region its cell names, and the run to those regions — so an
old AMER run is hidden from an EMEA lead like a new one (issue 13)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from segments.models import ImportRejectedRow, ImportRun

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [("segments", "0006_privacy_moves_to_its_own_part")]


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


def test_existing_rejected_rows_and_runs_get_their_regions():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    executor = _migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE).apps
        Region = old.get_model("accounts", "Region")
        emea, amer = (
            Region.objects.create(code="EMEA", name="EMEA"),
            Region.objects.create(code="AMER", name="AMER"),
        )
        known = old.get_model("segments", "Customer").objects.create(
            source="crm", external_id="C-1", name="Delta", region_id=amer.pk
        )
        Run, Row = old.get_model("segments", "ImportRun"), old.get_model("segments", "ImportRejectedRow")
        customers = Run.objects.create(kind="customers", filename="crm.csv")
        cases = Run.objects.create(kind="cases", filename="cases.csv")
        Row.objects.create(
            run=customers, line=2, data={"source": "crm", "external_id": "C-1", "region": "EMEA"}, errors={}
        )
        Row.objects.create(
            run=customers, line=3, data={"source": "crm", "external_id": "C-2", "region": "emea"}, errors={}
        )
        Row.objects.create(
            run=customers, line=4, data={"source": "crm", "external_id": "C-3", "region": "X"}, errors={}
        )
        Row.objects.create(
            run=cases, line=2, data={"customer_source": "crm", "customer_external_id": "C-1"}, errors={}
        )
        Row.objects.create(
            run=cases, line=3, data={"customer_source": "crm", "customer_external_id": "C-9"}, errors={}
        )  # fmt: skip

        _migrate(latest)

        placed = {
            (row.run.kind, row.line): (row.customer_id, row.region_id)
            for row in ImportRejectedRow.objects.select_related("run")
        }
        assert placed == {
            ("customers", 2): (known.pk, amer.pk),  # the existing customer's region, not the cell's
            ("customers", 3): (None, emea.pk),
            ("customers", 4): (None, None),
            ("cases", 2): (known.pk, amer.pk),
            ("cases", 3): (None, None),
        }
        regions = {run.kind: {r.code for r in run.regions.all()} for run in ImportRun.objects.all()}
        assert regions == {"customers": {"EMEA", "AMER"}, "cases": {"AMER"}}
    finally:
        _migrate(latest)
