"""A NUL character in any text cell rejects the row, naming the column, for customers and cases, from the
command line and the upload page alike (issue 13, defect 6: the API refuses such text, so must the import)."""

import json

import pytest
from django.urls import reverse

from segments.models import Customer, ImportRejectedRow, ImportRun, ServiceCase
from segments.tasks import run_import
from tests.factories import PASSWORD
from tests.segments.factories import people, tiers
from tests.segments.test_import import CASE_HEADER, customer_row, run_command, write_csv
from tests.segments.test_import_pages import csv_upload

NUL = "\x00"


@pytest.fixture
def world(db):
    tiers()
    return people()


@pytest.mark.parametrize(
    "column",
    ["source", "external_id", "name", "region", "account_manager", "annual_revenue", "contact_email",
     "personal_notes"],
)  # fmt: skip
def test_a_customer_cell_with_a_nul_is_rejected_naming_its_column(world, tmp_path, column):
    rows = [customer_row(1), customer_row(3, **{column: customer_row(3)[column][:1] + NUL})]

    output = run_command("customers", write_csv(tmp_path / "customers.csv", rows))

    assert output.strip() == "created 1, updated 0, unchanged 0, rejected 1"
    stored = Customer.objects.values_list("source", "external_id", "name", "contact_email", "personal_notes")
    assert [row[1] for row in stored] == ["CRM-00001"] and NUL not in "".join(str(v) for v in stored)
    rejected = ImportRejectedRow.objects.get()
    assert column in rejected.errors and "NUL" in rejected.errors[column][0]
    assert NUL not in json.dumps(rejected.data, ensure_ascii=False)  # PostgreSQL refuses it in text


def test_a_json_customer_named_n_nul_is_rejected(world, tmp_path):
    path = tmp_path / "customers.json"
    items = [customer_row(1, name="n" + NUL), customer_row(3, personal_notes=["a" + NUL])]
    path.write_text(json.dumps(items))

    assert run_command("customers", path).strip() == "created 0, updated 0, unchanged 0, rejected 2"
    errors = [row.errors for row in ImportRejectedRow.objects.order_by("line")]
    assert "NUL" in errors[0]["name"][0]
    assert Customer.objects.count() == 0


def test_a_case_title_with_a_nul_is_rejected(world, tmp_path):
    run_command("customers", write_csv(tmp_path / "customers.csv", [customer_row(1)]))
    case = {"source": "ticketing", "customer_source": "crm", "customer_external_id": "CRM-00001",
            "priority": "P2", "opened_at": "2025-03-03T10:00:00Z"}  # fmt: skip
    rows = [
        case | {"external_id": "T-1", "title": "Printer" + NUL},
        case | {"external_id": "T-2", "title": "ok"},
    ]
    header = [*CASE_HEADER, "title"]

    output = run_command("cases", write_csv(tmp_path / "cases.csv", rows, header=header))

    assert output.strip() == "created 1, updated 0, unchanged 0, rejected 1"
    assert list(ServiceCase.objects.values_list("external_id", flat=True)) == ["T-2"]
    assert "NUL" in ImportRejectedRow.objects.get().errors["title"][0]


def test_an_uploaded_file_with_a_nul_shows_the_row_rejected(world, client):
    assert client.login(username=world["sam"].username, password=PASSWORD)
    rows = [customer_row(1), customer_row(3, name="n" + NUL)]
    client.post(reverse("segments:imports"), {"kind": "customers", "file": csv_upload(rows)})
    run = ImportRun.objects.get()

    assert run_import(run.pk) == "created 1, updated 0, unchanged 0, rejected 1"

    page = client.get(reverse("segments:import-detail", args=[run.pk])).content.decode()
    assert "NUL" in page and "CRM-00003" in page
    table = b"".join(client.get(reverse("segments:import-rejected-csv", args=[run.pk])).streaming_content)
    assert b"\x00" not in table and "name: " in table.decode("utf-8-sig")
