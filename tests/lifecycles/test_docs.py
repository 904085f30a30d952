"""docs/lifecycles.md is `manage.py lifecycles`' output, committed: the documentation cannot drift from the tables."""

from io import StringIO
from pathlib import Path

from django.core.management import call_command

from intimacy_ops import lifecycle

DOC = Path(__file__).resolve().parents[2] / "docs" / "lifecycles.md"


def test_the_committed_lifecycles_doc_is_the_commands_output():
    out = StringIO()
    call_command("lifecycles", stdout=out)
    assert out.getvalue() == DOC.read_text(), (
        "docs/lifecycles.md is stale: run `python manage.py lifecycles > docs/lifecycles.md`"
    )


def test_every_table_names_its_states_and_each_row_leads_to_one_of_them():
    for table in lifecycle.tables():
        for row in table.rows.values():
            assert row.sources <= set(table.states), (table.model, row.action)
            assert row.target in table.states, (table.model, row.action)
