"""Import of customers and cases through `manage.py import_data` (CONTRACT.md, "Import files")."""

import csv
import datetime
import io
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from intimacy_ops.audit import AuditEvent
from segments.imports import reading
from segments.imports.columns import CUSTOMERS
from segments.imports.service import import_file
from segments.models import Customer, ImportRejectedRow, ImportRun, SegmentChange, ServiceCase, SlaPolicy
from tests.segments.factories import SlaPolicyFactory, people, tiers

HEADER = ["source", "external_id", "name", "region", "account_manager", "annual_revenue",
          "strategic_value", "support_complexity", "lifetime_value", "contact_email", "personal_notes"]  # fmt: skip


def customer_row(number: int, **changes) -> dict:
    emea = number % 2
    row = {
        "source": "crm",
        "external_id": f"CRM-{number:05d}",
        "name": f"Customer {number:03d}",
        "region": "EMEA" if emea else "AMER",
        "account_manager": "am.alice" if emea else "am.bob",
        "annual_revenue": f"{100000 + number * 1000}.50",
        "strategic_value": str(1 + number % 5),
        "support_complexity": str(1 + number % 3),
        "lifetime_value": f"{300000 + number * 2000}",
        "contact_email": f"buyer{number}@example.com",
        "personal_notes": f"Prefers mornings ({number}).",
    }
    row.update(changes)
    return row


def write_csv(path: Path, rows: list[dict], *, header=HEADER, bom: bool = False, newline: str = "\n") -> Path:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator=newline, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode())
    return path


def run_command(kind: str, path: Path) -> str:
    out = io.StringIO()
    call_command("import_data", kind, str(path), stdout=out)
    return out.getvalue()


@pytest.fixture
def world(db):
    """EMEA and AMER with an account manager each, the three demo tiers, and 24×7 P1 / business-hours P3 policies."""
    cast = people()
    strategic, premier, standard = tiers()
    for segment, (response, resolution) in (
        (strategic, (15, 240)),
        (premier, (30, 480)),
        (standard, (60, 960)),
    ):
        SlaPolicyFactory(
            segment=segment, priority="P1", first_response_minutes=response,
            resolution_minutes=resolution, clock=SlaPolicy.Clock.ALWAYS,
        )  # fmt: skip
    return cast | {"strategic": strategic, "premier": premier, "standard": standard}


# --- customers ----------------------------------------------------------------------------------


def test_same_file_twice_creates_then_changes_nothing(world, tmp_path):
    path = write_csv(tmp_path / "customers.csv", [customer_row(n) for n in range(1, 101)])

    first = run_command("customers", path)
    stamps = dict(Customer.objects.values_list("external_id", "updated_at"))
    moves = SegmentChange.objects.count()
    second = run_command("customers", path)

    assert first.strip().splitlines() == ["created 100, updated 0, unchanged 0, rejected 0"]
    assert second.strip().splitlines() == ["created 0, updated 0, unchanged 100, rejected 0"]
    assert Customer.objects.count() == 100
    assert dict(Customer.objects.values_list("external_id", "updated_at")) == stamps  # nothing rewritten
    assert SegmentChange.objects.count() == moves == 100  # every new customer got a segment, once
    assert not Customer.objects.filter(segment__isnull=True).exists()


def test_changed_row_updates_that_row_and_its_segment_follows(world, tmp_path):
    rows = [customer_row(n, strategic_value="2") for n in range(1, 11)]
    run_command("customers", write_csv(tmp_path / "v1.csv", rows))
    assert Customer.objects.get(external_id="CRM-00003").segment == world["standard"]

    rows[2] = customer_row(3, annual_revenue="6000000", strategic_value="5", lifetime_value="25000000")
    output = run_command("customers", write_csv(tmp_path / "v2.csv", rows))

    assert output.strip() == "created 0, updated 1, unchanged 9, rejected 0"
    changed = Customer.objects.get(external_id="CRM-00003")
    assert changed.annual_revenue == Decimal("6000000.00")
    assert changed.segment == world["strategic"]
    batch = AuditEvent.objects.filter(verb="import.batch").order_by("-id").first()
    assert batch.after["updated"] == 1 and batch.after["updated_ids"] == ["CRM-00003"]


def test_three_bad_rows_among_a_hundred_are_kept_with_their_errors(world, tmp_path):
    rows = [customer_row(n) for n in range(1, 101)]
    rows[9] = customer_row(10, region="APAC")  # line 11
    rows[49] = customer_row(50, strategic_value="7", contact_email="not-an-email")  # line 51
    rows[89] = customer_row(
        90, account_manager="am.alice", annual_revenue="-5"
    )  # AMER row, EMEA manager; line 91

    output = run_command("customers", write_csv(tmp_path / "customers.csv", rows))

    assert output.strip() == "created 97, updated 0, unchanged 0, rejected 3"
    assert Customer.objects.count() == 97
    run = ImportRun.objects.get()
    assert (run.status, run.created, run.rejected, run.rows_seen) == ("done", 97, 3, 100)
    kept = {row.line: row for row in ImportRejectedRow.objects.filter(run=run)}
    assert sorted(kept) == [11, 51, 91]
    assert set(kept[11].errors) == {"region"} and "APAC" in kept[11].errors["region"][0]
    assert set(kept[51].errors) == {"strategic_value", "contact_email"}
    assert "1 to 5" in kept[51].errors["strategic_value"][0]
    assert set(kept[91].errors) == {"account_manager", "annual_revenue"}
    assert "not an account manager of AMER" in kept[91].errors["account_manager"][0]
    assert kept[91].data["external_id"] == "CRM-00090" and kept[91].data["name"] == "Customer 090"


def test_wrong_header_is_refused_whole_listing_the_expected_columns(world, tmp_path):
    header = [name for name in HEADER if name != "region"]
    path = write_csv(tmp_path / "no-region.csv", [customer_row(n) for n in range(1, 6)], header=header)

    with pytest.raises(CommandError) as refused:
        run_command("customers", path)

    message = str(refused.value)
    assert "lacks the required column region" in message
    assert "required: source, external_id, name, region" in message
    assert "optional: account_manager, annual_revenue" in message
    assert Customer.objects.count() == 0 and ImportRejectedRow.objects.count() == 0
    assert ImportRun.objects.get().status == ImportRun.Status.REFUSED


def test_csv_with_bom_and_crlf_imports(world, tmp_path):
    path = write_csv(tmp_path / "excel.csv", [customer_row(n) for n in range(1, 4)], bom=True, newline="\r\n")
    assert path.read_bytes().startswith(b"\xef\xbb\xbfsource,") and b"\r\n" in path.read_bytes()

    assert run_command("customers", path).strip() == "created 3, updated 0, unchanged 0, rejected 0"
    assert Customer.objects.get(external_id="CRM-00001").personal_notes == "Prefers mornings (1)."
    assert run_command("customers", path).strip() == "created 0, updated 0, unchanged 3, rejected 0"


def test_json_imports_and_keeps_decimals_exact(world, tmp_path):
    items = [customer_row(n) for n in range(1, 6)]
    items[0]["annual_revenue"] = 1250000.10  # a JSON number, not text
    items[0]["strategic_value"] = 4
    items[4]["region"] = None  # required: rejected
    path = tmp_path / "customers.json"
    path.write_text(json.dumps(items, indent=2))

    assert run_command("customers", path).strip() == "created 4, updated 0, unchanged 0, rejected 1"
    first = Customer.objects.get(external_id="CRM-00001")
    assert (first.annual_revenue, first.strategic_value) == (Decimal("1250000.10"), 4)
    rejected = ImportRejectedRow.objects.get()
    assert rejected.line == 5 and rejected.errors == {"region": ["Required: this cell is empty."]}
    assert run_command("customers", path).strip() == "created 0, updated 0, unchanged 4, rejected 1"


def test_json_stream_reads_items_across_chunk_boundaries(monkeypatch, tmp_path):
    items = [
        {"source": "crm", "external_id": f"X-{n}", "name": 'Tricky "quoted" [name], {braces}', "annual_revenue": 1234.5 * n}
        for n in range(40)
    ]  # fmt: skip
    path = tmp_path / "tricky.json"
    path.write_text(json.dumps(items, ensure_ascii=False))
    monkeypatch.setattr(reading, "CHUNK_CHARS", 7)  # every item straddles many chunks

    with path.open("rb") as handle:
        decoded = [item for _, item in reading._json_items(io.TextIOWrapper(handle, encoding="utf-8"))]

    assert decoded == json.loads(path.read_text(), parse_float=Decimal)


def test_malformed_json_is_refused_before_anything_is_written(world, tmp_path):
    good = json.dumps([customer_row(n) for n in range(1, 4)])
    path = tmp_path / "broken.json"
    path.write_text(good[:-1] + ', {"source": "crm",, }]')

    with pytest.raises(CommandError, match="not valid JSON"):
        run_command("customers", path)
    assert Customer.objects.count() == 0


def test_a_deeply_nested_json_item_is_refused_with_a_message_not_a_traceback(world, tmp_path):
    good = json.dumps([customer_row(1)])
    path = tmp_path / "nested.json"
    path.write_text(good[:-1] + ", " + "[" * 50000 + "]" * 50000 + "]")

    with pytest.raises(CommandError, match="item 2 is nested too deeply"):
        run_command("customers", path)
    assert Customer.objects.count() == 0


def test_a_key_given_twice_in_one_file_is_rejected_the_second_time(world, tmp_path):
    rows = [customer_row(1), customer_row(2), customer_row(1, name="Renamed")]
    path = write_csv(tmp_path / "twice.csv", rows)

    assert run_command("customers", path).strip() == "created 2, updated 0, unchanged 0, rejected 1"
    assert Customer.objects.get(external_id="CRM-00001").name == "Customer 001"
    assert "first given on line 2" in ImportRejectedRow.objects.get().errors["external_id"][0]
    assert run_command("customers", path).strip() == "created 0, updated 0, unchanged 2, rejected 1"


def test_batches_write_one_audit_event_each(world, tmp_path):
    path = write_csv(tmp_path / "customers.csv", [customer_row(n) for n in range(1, 26)])

    run = import_file(kind="customers", path=path, batch_size=10)

    batches = AuditEvent.objects.filter(verb="import.batch", object_id=str(run.pk)).order_by("id")
    assert [event.after["created"] for event in batches] == [10, 10, 5]
    assert AuditEvent.objects.filter(verb="import.finished", object_id=str(run.pk)).count() == 1
    assert not AuditEvent.objects.filter(verb__startswith="customer.").exists()  # not one per row
    assert "contact_email" not in json.dumps([event.after for event in batches])  # no sensitive values


def test_non_utf8_file_is_refused(world, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(",".join(HEADER).encode() + b"\ncrm,CRM-1,Caf\xe9 M\xfcller,EMEA,,,,,,,\n")

    with pytest.raises(CommandError, match=r"not UTF-8 text: byte \d+ \(line 2\)"):
        run_command("customers", path)
    assert Customer.objects.count() == 0


def test_unknown_kind_and_missing_file_are_refused(db, tmp_path):
    with pytest.raises(CommandError, match="Unknown kind 'suppliers': use customers or cases"):
        run_command("suppliers", tmp_path / "x.csv")
    with pytest.raises(CommandError, match="No file at"):
        run_command("customers", tmp_path / "missing.csv")


# --- cases --------------------------------------------------------------------------------------

CASE_HEADER = ["source", "external_id", "customer_source", "customer_external_id", "priority", "opened_at",
               "first_response_at", "resolved_at"]  # fmt: skip


def test_cases_import_computes_due_times_and_queue(world, tmp_path):
    rows = [
        customer_row(1, annual_revenue="6000000", strategic_value="5", lifetime_value="25000000"),
        customer_row(2),
    ]
    run_command("customers", write_csv(tmp_path / "customers.csv", rows))
    cases = [
        {"source": "ticketing", "external_id": "T-1", "customer_source": "crm", "customer_external_id": "CRM-00001",
         "priority": "P1", "opened_at": "2025-03-03T10:00:00Z", "first_response_at": "2025-03-03T10:20:00Z"},
        {"source": "ticketing", "external_id": "T-2", "customer_source": "crm", "customer_external_id": "CRM-00002",
         "priority": "p1", "opened_at": "2025-03-03 10:00", "first_response_at": "", "resolved_at": ""},
        {"source": "ticketing", "external_id": "T-3", "customer_source": "crm", "customer_external_id": "CRM-99999",
         "priority": "P1", "opened_at": "2025-03-03T10:00:00+01:00"},
        {"source": "ticketing", "external_id": "T-4", "customer_source": "crm", "customer_external_id": "CRM-00002",
         "priority": "P5", "opened_at": "yesterday", "resolved_at": "2025-03-01T00:00:00Z"},
        {"source": "ticketing", "external_id": "T-5", "customer_source": "crm", "customer_external_id": "CRM-00002",
         "priority": "P1", "opened_at": "2025-03-03T10:00:00Z", "resolved_at": "2025-03-02T10:00:00Z"},
    ]  # fmt: skip
    path = write_csv(tmp_path / "cases.csv", cases, header=CASE_HEADER)

    assert run_command("cases", path).strip() == "created 2, updated 0, unchanged 0, rejected 3"

    opened = datetime.datetime(2025, 3, 3, 10, tzinfo=datetime.UTC)
    strategic_case = ServiceCase.objects.get(external_id="T-1")
    assert strategic_case.response_due_at == opened + datetime.timedelta(minutes=15)
    assert strategic_case.resolution_due_at == opened + datetime.timedelta(minutes=240)
    assert strategic_case.breached is True  # answered after 20 minutes against a 15-minute target
    assert strategic_case.queue == "Strategic accounts desk"
    standard_case = ServiceCase.objects.get(external_id="T-2")
    assert standard_case.opened_at == opened  # no offset: read as UTC
    assert standard_case.response_due_at == opened + datetime.timedelta(minutes=60)
    assert (standard_case.priority, standard_case.queue) == ("P1", "general")
    errors = {row.data["external_id"]: row.errors for row in ImportRejectedRow.objects.all()}
    assert "No customer crm:CRM-99999" in errors["T-3"]["customer_external_id"][0]
    assert set(errors["T-4"]) == {"priority", "opened_at"}
    assert "cannot be before the case was opened" in errors["T-5"]["resolved_at"][0]

    # The same file again changes nothing; a response recorded at the source updates the case and its clock.
    assert run_command("cases", path).strip() == "created 0, updated 0, unchanged 2, rejected 3"
    cases[1]["first_response_at"] = "2025-03-03T10:30:00Z"
    output = run_command("cases", write_csv(tmp_path / "cases2.csv", cases, header=CASE_HEADER))
    assert output.strip() == "created 0, updated 1, unchanged 1, rejected 3"
    assert ServiceCase.objects.get(external_id="T-2").first_response_at == opened + datetime.timedelta(
        minutes=30
    )


# --- the real command line: exit codes and the last line --------------------------------------------


def _command_env() -> dict:
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{database['NAME']}"
    else:
        auth = database["USER"] + (f":{database['PASSWORD']}" if database["PASSWORD"] else "")
        url = f"postgres://{auth}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{database['NAME']}"
    return os.environ | {"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "tests.settings"}


def _manage(*args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "import_data", *args],
        cwd=settings.BASE_DIR,
        env=_command_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )


# Serialized rollback: the role groups a migration wrote come back for this test and the ones after it.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_command_line_exit_codes_and_last_line(tmp_path):
    people()
    tiers()
    rows = [customer_row(n) for n in range(1, 11)]
    rows[4] = customer_row(5, region="MARS")
    good = write_csv(tmp_path / "customers.csv", rows)
    bad_header = write_csv(tmp_path / "bad.csv", rows, header=["source", "external_id", "name"])

    imported = _manage("customers", str(good))
    refused = _manage("customers", str(bad_header))
    unknown = _manage("suppliers", str(good))
    missing = _manage("customers", str(tmp_path / "nope.csv"))

    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.splitlines()[-1] == "created 9, updated 0, unchanged 0, rejected 1"
    assert refused.returncode == 1 and "lacks the required column region" in refused.stderr
    assert CUSTOMERS.describe() in refused.stderr
    assert unknown.returncode == 1 and "Unknown kind 'suppliers'" in unknown.stderr
    assert missing.returncode == 1 and "No file at" in missing.stderr
    assert Customer.objects.count() == 9
