"""What the set-based write of cases (COPY + one merge per batch on PostgreSQL, batched ORM writes on SQLite)
must keep: the SLA clock as the app computes it (working hours, pauses, reminders), per-row column sets,
rejected rows with their errors, the run's counts and file order."""

import datetime
import json

from intimacy_ops.audit import AuditEvent
from segments.imports.service import import_file
from segments.models import ImportRejectedRow, ImportRun, ServiceCase, SlaPolicy, WaitingInterval
from tests.segments.factories import SlaPolicyFactory
from tests.segments.test_import import CASE_HEADER, customer_row, run_command, world, write_csv  # noqa: F401

OPENED = datetime.datetime(2025, 3, 7, 16, 0, tzinfo=datetime.UTC)  # a Friday, an hour before closing
MINUTE = datetime.timedelta(minutes=1)


def case_row(number: int, customer: int = 2, **changes) -> dict:
    row = {
        "source": "ticketing",
        "external_id": f"T-{number}",
        "customer_source": "crm",
        "customer_external_id": f"CRM-{customer:05d}",
        "priority": "P1",
        "opened_at": OPENED.isoformat(),
        "first_response_at": "",
        "resolved_at": "",
    }
    row.update(changes)
    return row


def _customers(tmp_path):
    strategic = customer_row(1, annual_revenue="6000000", strategic_value="5", lifetime_value="25000000")
    run_command(
        "customers", write_csv(tmp_path / "customers.csv", [strategic, customer_row(2), customer_row(4)])
    )


def test_business_hours_pauses_and_reminders_follow_the_apps_clock(world, tmp_path):  # noqa: F811
    SlaPolicyFactory(
        segment=world["standard"], priority="P3", first_response_minutes=120, resolution_minutes=960,
        clock=SlaPolicy.Clock.BUSINESS_HOURS, update_interval_minutes=240,
    )  # fmt: skip
    _customers(tmp_path)
    rows = [
        case_row(1, priority="P3"),
        case_row(2, customer=1),
        case_row(3, priority="P3", title="Login fails"),
    ]
    path = write_csv(tmp_path / "cases.csv", rows, header=[*CASE_HEADER, "title"])

    assert run_command("cases", path).strip() == "created 3, updated 0, unchanged 0, rejected 0"

    business = ServiceCase.objects.get(external_id="T-1")
    monday_ten = datetime.datetime(2025, 3, 10, 10, 0, tzinfo=datetime.UTC)  # 1 h on Friday, 1 h on Monday
    assert business.response_due_at == monday_ten
    assert business.queue == "general"
    assert business.update_reminder_at == OPENED + 180 * MINUTE  # a quarter of the interval before 4 h
    strategic = ServiceCase.objects.get(external_id="T-2")
    assert strategic.response_due_at == OPENED + 15 * MINUTE  # 24×7
    assert strategic.queue == "Strategic accounts desk"
    assert ServiceCase.objects.get(external_id="T-3").title == "Login fails"

    # The case waited on the customer for an hour on Monday; a response recorded at the source updates it,
    # and its clock keeps the pause (the due time moves an hour on), its reminder follows the response.
    WaitingInterval.objects.create(case=business, started_at=monday_ten - 60 * MINUTE, ended_at=monday_ten)
    rows[0]["first_response_at"] = (monday_ten + 30 * MINUTE).isoformat()
    output = run_command("cases", write_csv(tmp_path / "cases2.csv", rows, header=[*CASE_HEADER, "title"]))

    assert output.strip() == "created 0, updated 1, unchanged 2, rejected 0"
    business.refresh_from_db()
    assert business.response_due_at == monday_ten + 60 * MINUTE
    assert business.update_reminder_at == monday_ten + 30 * MINUTE + 180 * MINUTE
    batch = AuditEvent.objects.filter(verb="import.batch").order_by("-id").first()
    assert (batch.after["created_ids"], batch.after["updated_ids"], batch.after["unchanged"]) == (
        [],
        ["T-1"],
        2,
    )


def test_json_items_giving_different_columns_each_change_only_what_they_give(world, tmp_path):  # noqa: F811
    _customers(tmp_path)
    answered = (OPENED + 10 * MINUTE).isoformat()
    first = [
        case_row(1, first_response_at=answered, title="Printer"),
        case_row(2, title="Invoice"),
        case_row(3, first_response_at=answered),
    ]
    path = tmp_path / "cases.json"
    path.write_text(json.dumps(first))
    assert run_command("cases", path).strip() == "created 3, updated 0, unchanged 0, rejected 0"

    required_only = (
        "source",
        "external_id",
        "customer_source",
        "customer_external_id",
        "priority",
        "opened_at",
    )
    items = [
        {
            name: first[0][name] for name in required_only
        },  # as it is, for what it gives: no title, no response
        {**{name: first[1][name] for name in required_only}, "priority": "P2"},  # P2 has no policy here
        {**first[2], "customer_external_id": "CRM-00004"},  # moved to another customer
        {**{name: first[0][name] for name in required_only}, "external_id": "T-9"},  # new, required only
        {**case_row(10), "customer_external_id": "CRM-99999"},  # no such customer: rejected
    ]
    path.write_text(json.dumps(items))

    assert run_command("cases", path).strip() == "created 1, updated 2, unchanged 1, rejected 1"
    one = ServiceCase.objects.get(external_id="T-1")
    assert (one.title, one.first_response_at) == ("Printer", OPENED + 10 * MINUTE)
    two = ServiceCase.objects.get(external_id="T-2")
    assert (two.priority, two.title, two.response_due_at, two.breached) == ("P2", "Invoice", None, False)
    assert ServiceCase.objects.get(external_id="T-3").customer.external_id == "CRM-00004"
    new = ServiceCase.objects.get(external_id="T-9")
    assert (new.title, new.first_response_at, new.resolved_at) == ("", None, None)
    assert new.response_due_at == OPENED + 60 * MINUTE  # the standard tier's P1, 24×7
    rejected = ImportRejectedRow.objects.get()
    assert rejected.line == 5 and "No customer crm:CRM-99999" in rejected.errors["customer_external_id"][0]
    batch = AuditEvent.objects.filter(verb="import.batch").order_by("-id").first()
    assert (batch.after["created_ids"], batch.after["updated_ids"]) == (["T-9"], ["T-2", "T-3"])
    run = ImportRun.objects.order_by("-id").first()
    assert (run.created, run.updated, run.unchanged, run.rejected) == (1, 2, 1, 1)

    assert run_command("cases", path).strip() == "created 0, updated 0, unchanged 4, rejected 1"


def test_many_batches_in_file_order_a_key_given_twice_is_rejected_and_sources_kept_apart(world, tmp_path):  # noqa: F811
    _customers(tmp_path)
    rows = [case_row(n, customer=1 if n % 2 else 2, title=f"Case {n}") for n in range(1, 26)]
    rows.append(case_row(7, title="again"))
    rows.append(case_row(3, source="helpdesk", title="Another desk's T-3"))  # the same id, another source
    path = write_csv(tmp_path / "cases.csv", rows, header=[*CASE_HEADER, "title"])
    run = import_file(kind="cases", path=path, batch_size=10)

    assert (run.created, run.updated, run.unchanged, run.rejected) == (26, 0, 0, 1)
    assert ServiceCase.objects.get(source="helpdesk").title == "Another desk's T-3"
    assert ServiceCase.objects.get(source="ticketing", external_id="T-7").title == "Case 7"
    assert "appears again" in ImportRejectedRow.objects.get(line=27).errors["external_id"][0]
    batches = AuditEvent.objects.filter(verb="import.batch", object_id=str(run.pk)).order_by("id")
    assert [event.after["created_ids"] for event in batches] == [
        [f"T-{n}" for n in range(1, 11)],
        [f"T-{n}" for n in range(11, 21)],
        [*(f"T-{n}" for n in range(21, 26)), "T-3"],
    ]
