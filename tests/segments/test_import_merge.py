"""What the set-based write of customers (COPY + one merge per batch on PostgreSQL, batched ORM writes on
SQLite) must keep: per-row column sets, cells COPY would misread, the importer's regions, file order."""

import datetime
import json
from decimal import Decimal

from django.urls import reverse

from intimacy_ops.audit import AuditEvent
from segments.models import Customer, ImportRejectedRow, ImportRun, SegmentChange, ServiceCase
from segments.tasks import run_import
from tests.segments.test_import import CASE_HEADER, customer_row, run_command, world, write_csv  # noqa: F401
from tests.segments.test_import_pages import csv_upload, signed_in


def test_json_items_giving_different_columns_each_change_only_what_they_give(world, tmp_path):  # noqa: F811
    run_command("customers", write_csv(tmp_path / "v1.csv", [customer_row(n) for n in range(1, 5)]))
    items = [
        customer_row(1, name="Renamed 1"),  # every column
        {"source": "crm", "external_id": "CRM-00002", "name": "Renamed 2", "region": "AMER"},  # required only
        {**customer_row(3), "personal_notes": "***"},  # the mask: notes left as they are
        {
            "source": "crm",
            "external_id": "CRM-00009",
            "name": "New 9",
            "region": "EMEA",
        },  # new, required only
        customer_row(4),  # as it is
    ]
    path = tmp_path / "v2.json"
    path.write_text(json.dumps(items))

    assert run_command("customers", path).strip() == "created 1, updated 2, unchanged 2, rejected 0"
    two = Customer.objects.get(external_id="CRM-00002")
    assert (two.name, two.account_manager.username, two.contact_email) == (
        "Renamed 2",
        "am.bob",
        "buyer2@example.com",
    )
    assert Customer.objects.get(external_id="CRM-00003").personal_notes == "Prefers mornings (3)."
    new = Customer.objects.get(external_id="CRM-00009")
    assert (new.account_manager, new.annual_revenue, new.strategic_value, new.contact_email) == (
        None,
        0,
        1,
        "",
    )
    assert new.segment is not None  # reclassified after the import
    batch = AuditEvent.objects.filter(verb="import.batch").order_by("-id").first()
    assert (batch.after["created_ids"], batch.after["updated_ids"]) == (
        ["CRM-00009"],
        ["CRM-00001", "CRM-00002"],
    )
    assert run_command("customers", path).strip() == "created 0, updated 0, unchanged 5, rejected 0"


def test_cells_with_backslashes_tabs_and_line_breaks_are_kept_exactly(world, tmp_path):  # noqa: F811
    notes = ["\\N", "C:\\temp\\new", "one\ttab", "two\nlines\r\nand CRLF", 'quoted "x", comma']
    rows = [
        customer_row(n, personal_notes=text, name=f"N{n} \\ {text[:5]}") for n, text in enumerate(notes, 1)
    ]
    path = write_csv(tmp_path / "odd.csv", rows)

    assert run_command("customers", path).strip() == "created 5, updated 0, unchanged 0, rejected 0"
    stored = dict(Customer.objects.values_list("external_id", "personal_notes"))
    assert [stored[f"CRM-{n:05d}"] for n in range(1, 6)] == notes
    assert Customer.objects.get(external_id="CRM-00001").name == "N1 \\ \\N"
    assert run_command("customers", path).strip() == "created 0, updated 0, unchanged 5, rejected 0"


def test_a_lead_cannot_move_another_regions_customer_by_import(world, client, tmp_path):  # noqa: F811
    # Customer 2 is AMER; the EMEA lead's file names it as EMEA (and adds an EMEA customer).
    run_command("customers", write_csv(tmp_path / "v1.csv", [customer_row(2)]))
    signed_in(client, world["oscar"])
    upload = csv_upload([customer_row(2, region="EMEA", account_manager="am.alice"), customer_row(3)])
    client.post(reverse("segments:imports"), {"kind": "customers", "file": upload})
    run_id = ImportRun.objects.order_by("-id").first().pk

    assert run_import(run_id) == "created 1, updated 0, unchanged 0, rejected 1"
    assert Customer.objects.get(external_id="CRM-00002").region.code == "AMER"
    rejected = ImportRejectedRow.objects.get(run_id=run_id)
    assert (rejected.line, rejected.errors) == (
        2,
        {"external_id": ["This customer belongs to a region you do not work in."]},
    )


def test_an_import_moves_each_changed_customer_once_and_their_open_case_follows(world, tmp_path):  # noqa: F811
    rows = [customer_row(n, strategic_value="2") for n in range(1, 4)]
    run_command("customers", write_csv(tmp_path / "v1.csv", rows))
    case = {"source": "ticketing", "external_id": "T-1", "customer_source": "crm", "customer_external_id": "CRM-00001",
            "priority": "P1", "opened_at": "2025-03-03T10:00:00Z"}  # fmt: skip
    run_command("cases", write_csv(tmp_path / "cases.csv", [case], header=CASE_HEADER[:6]))
    Customer.objects.filter(external_id="CRM-00002").update(
        segment_locked=True, segment_lock_reason="Board decision"
    )  # a person put it there
    opened = datetime.datetime(2025, 3, 3, 10, tzinfo=datetime.UTC)
    assert ServiceCase.objects.get().response_due_at == opened + datetime.timedelta(minutes=60)

    rich = {"annual_revenue": "6000000", "strategic_value": "5", "lifetime_value": "25000000"}
    rows[0], rows[1] = customer_row(1, **rich), customer_row(2, **rich)
    assert run_command("customers", write_csv(tmp_path / "v2.csv", rows)).strip() == (
        "created 0, updated 2, unchanged 1, rejected 0"
    )

    standard, strategic = world["standard"].pk, world["strategic"].pk
    moves = SegmentChange.objects.filter(customer__external_id="CRM-00001").order_by("id")
    assert list(moves.values_list("from_segment_id", "to_segment_id")) == [
        (None, standard),
        (standard, strategic),
    ]
    locked = Customer.objects.get(external_id="CRM-00002")
    assert (locked.segment_id, locked.annual_revenue) == (standard, Decimal("6000000.00"))
    assert SegmentChange.objects.filter(customer=locked).count() == 1  # only its first placement
    assert ImportRun.objects.order_by("-id").first().message == "1 customer changed segment."
    assert ServiceCase.objects.get().response_due_at == opened + datetime.timedelta(minutes=15)
