"""The import pages: upload, runs list, a run's progress and rejected rows, the rejected-rows CSV."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from intimacy_ops.accounts.models import Region
from segments.imports import service
from segments.models import Customer, ImportRun
from segments.tasks import run_import
from tests.factories import PASSWORD
from tests.segments.factories import people, tiers
from tests.segments.test_import import customer_row, run_command, write_csv

LIST = reverse("segments:imports")


def signed_in(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def csv_upload(rows, name="customers.csv") -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode(), content_type="text/csv")


@pytest.fixture
def cast(db):
    tiers()
    return people()


def test_operations_lead_uploads_a_file_and_sees_the_run_with_its_counts(
    cast, client, django_capture_on_commit_callbacks
):
    signed_in(client, cast["sam"])  # a data steward, both regions
    rows = [customer_row(n) for n in range(1, 13)]
    rows[3] = customer_row(4, strategic_value="nine")

    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        response = client.post(LIST, {"kind": "customers", "file": csv_upload(rows)})

    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "segments:import-detail", args=[run.pk]
    )
    # The worker is asked once, and only once the upload is committed (the audit sealer also waits for it).
    assert [hook.__qualname__ for hook in enqueued].count("queue_import.<locals>.<lambda>") == 1
    assert (run.status, run.started_by, run.filename) == ("queued", cast["sam"], "customers.csv")
    assert run.stored_path.startswith(str(service.settings.VAR_DIR / "imports"))
    progress = client.get(reverse("segments:import-progress", args=[run.pk]), HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 1s"' in progress.content.decode() and "HX-Refresh" not in progress

    assert run_import(run.pk) == "created 11, updated 0, unchanged 0, rejected 1"  # what the worker would do
    assert run_import(run.pk).endswith("is done: not run again")  # a re-delivered task changes nothing

    run.refresh_from_db()
    assert (run.status, run.created, run.rejected, run.processed_bytes) == ("done", 11, 1, run.total_bytes)
    progress = client.get(reverse("segments:import-progress", args=[run.pk]), HTTP_HX_REQUEST="true")
    assert progress["HX-Refresh"] == "true" and "hx-trigger" not in progress.content.decode()
    page = client.get(reverse("segments:import-detail", args=[run.pk])).content.decode()
    assert "created 11, updated 0, unchanged 0, rejected 1" in page
    assert "strategic_value" in page and "&#x27;nine&#x27; is not a whole number from 1 to 5." in page
    assert "buyer4@example.com" not in page  # sensitive cells stay off the page
    listing = client.get(LIST).content.decode()
    assert 'data-testid="run-row"' in listing and "customers.csv" in listing and ">11</td>" in listing


def test_operations_lead_can_open_the_import_page(cast, client):
    signed_in(client, cast["oscar"])
    response = client.get(LIST)
    assert response.status_code == 200
    assert 'data-testid="upload-form"' in response.content.decode()
    assert 'data-nav="imports"' in response.content.decode()


@pytest.mark.parametrize("who", ["alice", "ada", "olivia"])
def test_other_roles_get_403(cast, client, who):
    run = ImportRun.objects.create(kind="customers", filename="x.csv", started_by=cast["sam"])
    signed_in(client, cast[who])

    assert client.get(LIST).status_code == 403
    assert client.post(LIST, {"kind": "customers", "file": csv_upload([customer_row(1)])}).status_code == 403
    for name in ("segments:import-detail", "segments:import-progress", "segments:import-rejected-csv"):
        assert client.get(reverse(name, args=[run.pk])).status_code == 403
    assert ImportRun.objects.count() == 1


def test_anonymous_visitor_is_sent_to_sign_in(db, client):
    response = client.get(LIST)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_upload_over_the_size_limit_is_refused_with_a_clear_error(cast, client, monkeypatch):
    monkeypatch.setattr("segments.forms_import.MAX_UPLOAD_BYTES", 100)
    signed_in(client, cast["oscar"])

    response = client.post(
        LIST, {"kind": "customers", "file": csv_upload([customer_row(n) for n in range(5)])}
    )

    assert response.status_code == 400
    assert "the limit is 100\xa0bytes" in response.content.decode()
    assert ImportRun.objects.count() == 0


def test_uploaded_file_with_a_wrong_header_shows_the_refusal(cast, client):
    signed_in(client, cast["sam"])
    client.post(LIST, {"kind": "cases", "file": csv_upload([customer_row(1)])})
    run = ImportRun.objects.get()

    assert run_import(run.pk).startswith("refused: The header lacks the required columns customer_source")
    page = client.get(reverse("segments:import-detail", args=[run.pk])).content.decode()
    assert "Refused" in page and "customer_external_id" in page and "opened_at" in page
    assert Customer.objects.count() == 0


def test_rejected_rows_download_as_csv_and_the_corrected_file_imports(cast, client, tmp_path):
    rows = [customer_row(n) for n in range(1, 101)]
    rows[19] = customer_row(20, region="Atlantis")
    rows[59] = customer_row(60, lifetime_value="1,200,000")
    rows[79] = customer_row(80, contact_email="buyer80(at)example.com")
    assert run_command("customers", write_csv(tmp_path / "crm.csv", rows)).strip() == (
        "created 97, updated 0, unchanged 0, rejected 3"
    )
    run = ImportRun.objects.get()
    signed_in(client, cast["sam"])  # a data steward of both regions the file's rows describe

    response = client.get(reverse("segments:import-rejected-csv", args=[run.pk]))

    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    table = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert list(table[0]) == [*rows[0], "errors"]
    assert [row["external_id"] for row in table] == ["CRM-00020", "CRM-00060", "CRM-00080"]
    assert table[0]["errors"].startswith("region: No region 'Atlantis'.")
    assert table[1]["errors"].startswith("lifetime_value: '1,200,000' is not an amount")
    assert table[2]["errors"] == "contact_email: Not a valid e-mail address."
    # Sensitive cells are masked to a steward without a grant (and to anyone, for a customer not yet imported).
    assert {row["contact_email"] for row in table} == {"***"} and "buyer80" not in str(table)

    table[0]["region"] = "AMER"
    table[1]["lifetime_value"] = "1200000"
    table[2]["contact_email"] = "buyer80@example.com"
    corrected = tmp_path / "corrected.csv"
    with corrected.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(table[0]))
        writer.writeheader()
        writer.writerows(table)

    assert run_command("customers", corrected).strip() == "created 3, updated 0, unchanged 0, rejected 0"
    assert Customer.objects.count() == 100
    assert ImportRun.objects.order_by("-id").first().message.startswith("Ignored column: errors.")


def _runs_page_queries(client, count: int, starter) -> int:
    ImportRun.objects.all().delete()
    emea = Region.objects.get(code="EMEA")
    for number in range(count):
        run = ImportRun.objects.create(
            kind="customers" if number % 2 else "cases",
            filename=f"file-{number}.csv",
            status=list(ImportRun.Status)[number % 5],
            started_by=starter if number % 3 else None,
            created=number,
            rejected=number % 4,
        )
        run.regions.add(emea)  # its rows describe EMEA customers: the EMEA lead sees it
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST)
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="run-row"') == min(count, 20)
    return len(queries)


def test_runs_list_query_count_is_constant_from_3_to_50_runs(cast, client):
    signed_in(client, cast["oscar"])
    few = _runs_page_queries(client, 3, cast["sam"])
    many = _runs_page_queries(client, 50, cast["sam"])
    assert many == few, f"{few} queries for 3 runs, {many} for 50"
