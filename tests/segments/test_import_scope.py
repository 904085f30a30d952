"""Import runs and their rejected rows are scoped by region like the customers they describe; rejected rows'
sensitive cells are masked unless the reader may see that customer's sensitive data (logged when shown);
the rejected-rows CSV is formula-safe like the customer export (issue 13, defect 1)."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from intimacy_ops.accounts.roles import Role
from privacy.models import AccessLogEntry
from privacy.services import sensitive_access as privacy
from segments.models import Customer, ImportRun
from tests.factories import PASSWORD, user_with
from tests.segments.factories import people, tiers
from tests.segments.test_import import customer_row, run_command, write_csv

CSV_URL, DETAIL_URL, PROGRESS_URL = (
    "segments:import-rejected-csv",
    "segments:import-detail",
    "segments:import-progress",
)
FORMULA = "=cmd|'/C calc'!A0"


@pytest.fixture
def cast(db):
    tiers()
    return people() | {"lead_amer": user_with(Role.OPERATIONS_LEAD, regions=["AMER"], username="ops.amer")}


def _as(client, user):
    client.logout()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _table(response) -> list[dict]:
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def _import(tmp_path, rows, name="crm.csv") -> ImportRun:
    run_command("customers", write_csv(tmp_path / name, rows))
    return ImportRun.objects.order_by("-id").first()


def test_an_amer_only_run_is_hidden_from_an_emea_lead(cast, client, tmp_path):
    # Customer 2 is AMER (even numbers): a run of AMER rows only, one rejected.
    run = _import(tmp_path, [customer_row(2), customer_row(4, strategic_value="nine")])
    _as(client, cast["oscar"])  # an EMEA operations lead

    for name in (DETAIL_URL, PROGRESS_URL, CSV_URL):
        assert client.get(reverse(name, args=[run.pk])).status_code == 404, name
    assert "crm.csv" not in client.get(reverse("segments:imports")).content.decode()
    assert not AccessLogEntry.objects.exists()

    _as(client, cast["lead_amer"])
    assert client.get(reverse(DETAIL_URL, args=[run.pk])).status_code == 200
    assert "crm.csv" in client.get(reverse("segments:imports")).content.decode()


def test_a_run_over_both_regions_shows_each_lead_only_the_rows_of_their_region(cast, client, tmp_path):
    rows = [customer_row(n) for n in range(1, 7)]
    rows[0] = customer_row(1, strategic_value="nine")  # EMEA
    rows[1] = customer_row(2, strategic_value="nine")  # AMER
    rows[3] = customer_row(4, lifetime_value="lots")  # AMER
    run = _import(tmp_path, rows)

    emea = _table(_as(client, cast["oscar"]).get(reverse(CSV_URL, args=[run.pk])))
    assert [row["external_id"] for row in emea] == ["CRM-00001"]
    page = client.get(reverse(DETAIL_URL, args=[run.pk])).content.decode()
    assert "CRM-00001" in page and "CRM-00002" not in page and "CRM-00004" not in page

    amer = _table(_as(client, cast["lead_amer"]).get(reverse(CSV_URL, args=[run.pk])))
    assert [row["external_id"] for row in amer] == ["CRM-00002", "CRM-00004"]
    both = _table(_as(client, cast["sam"]).get(reverse(CSV_URL, args=[run.pk])))  # a steward of both
    assert [row["external_id"] for row in both] == ["CRM-00001", "CRM-00002", "CRM-00004"]


def test_rejected_csv_masks_sensitive_cells_and_keeps_formulas_inert(cast, client, tmp_path):
    bad = customer_row(
        2,
        name=FORMULA,
        strategic_value="@SUM(1+1)*cmd|' /C calc'!A0",
        contact_email="ceo@amer.example",
        personal_notes='=HYPERLINK("http://evil.example")',
    )
    run = _import(tmp_path, [bad, customer_row(3, contact_email="not an address")])
    _as(client, cast["sam"])  # a data steward of both regions, with no grant

    response = client.get(reverse(CSV_URL, args=[run.pk]))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    table = list(csv.DictReader(io.StringIO(body)))

    assert "ceo@amer.example" not in body and "evil.example" not in body and "not an address" not in body
    assert [(row["contact_email"], row["personal_notes"]) for row in table] == [("***", "***")] * 2
    assert table[0]["name"] == "'" + FORMULA
    assert table[0]["strategic_value"].startswith("'@SUM(")
    assert table[1]["errors"].startswith("contact_email: ")
    page = client.get(reverse(DETAIL_URL, args=[run.pk])).content.decode()
    assert "not an address" not in page and "ceo@amer.example" not in page
    assert not AccessLogEntry.objects.exists()  # nothing was shown unmasked


def test_a_grant_on_the_customer_shows_its_rejected_cells_and_the_download_is_access_logged(
    cast, client, tmp_path
):
    run_command("customers", write_csv(tmp_path / "v1.csv", [customer_row(2)]))
    customer = Customer.objects.get(external_id="CRM-00002")  # AMER
    run = _import(
        tmp_path, [customer_row(2, strategic_value="nine", contact_email="new@amer.example")], "v2.csv"
    )
    privacy.grant_access(
        actor=cast["sam"],
        user=cast["lead_amer"],
        subject=customer,
        purpose="Correcting the CRM export with the account manager",
        expires_at=timezone.now() + datetime.timedelta(hours=1),
    )
    _as(client, cast["lead_amer"])

    table = _table(client.get(reverse(CSV_URL, args=[run.pk])))

    assert table[0]["contact_email"] == "new@amer.example"
    entry = AccessLogEntry.objects.get()
    assert (entry.user, entry.subject_id, entry.channel) == (cast["lead_amer"], customer.pk, "export")
    assert entry.fields == ["contact_email", "personal_notes"]
    assert entry.purpose == "grant: Correcting the CRM export with the account manager"

    # Without the grant (another AMER reader) the same cells are masked and nothing more is logged.
    other = user_with(Role.OPERATIONS_LEAD, regions=["AMER"], username="ops.amer2")
    masked = _table(_as(client, other).get(reverse(CSV_URL, args=[run.pk])))
    assert masked[0]["contact_email"] == "***" and AccessLogEntry.objects.count() == 1


def test_a_masked_cell_uploaded_again_leaves_the_field_as_it_is(cast, client, tmp_path):
    run_command("customers", write_csv(tmp_path / "v1.csv", [customer_row(2)]))
    run = _import(tmp_path, [customer_row(2, strategic_value="nine", personal_notes="Changed")], "v2.csv")
    table = _table(_as(client, cast["sam"]).get(reverse(CSV_URL, args=[run.pk])))
    table[0]["strategic_value"] = "4"
    corrected = tmp_path / "corrected.csv"
    with corrected.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(table[0]))
        writer.writeheader()
        writer.writerows(table)

    assert run_command("customers", corrected).strip() == "created 0, updated 1, unchanged 0, rejected 0"
    customer = Customer.objects.get(external_id="CRM-00002")
    assert customer.strategic_value == 4
    assert (customer.contact_email, customer.personal_notes) == (
        "buyer2@example.com",
        "Prefers mornings (2).",
    )
