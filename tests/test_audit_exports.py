"""The auditor takes the audit trail away: a streamed CSV under the page's filters (a bad date is a 400 naming
it; the export is itself recorded), and the chain's verification as a JSON file (intact or where it broke)."""

import csv
import io
import json

import pytest

from intimacy_ops import audit
from intimacy_ops.accounts.roles import Role
from intimacy_ops.audit import AuditEvent
from tests.factories import PASSWORD, user_with
from tests.test_audit import _tamper, trail  # noqa: F401 (the five sealed events)

pytestmark = pytest.mark.django_db


def _auditor(client):
    auditor = user_with(Role.AUDITOR, username="aud.export")
    assert client.login(username=auditor.username, password=PASSWORD)
    return client


def _csv(response) -> list[dict]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body)))


def test_the_auditor_exports_the_filtered_trail_as_a_streamed_csv(trail, client):  # noqa: F811
    other = user_with(Role.OPERATIONS_LEAD, username="ops.two")
    audit.record(actor=other, verb="region.touched", obj=other.regions.get(), comment="not asked for")
    client = _auditor(client)
    assert (
        'href="/audit/export.csv?verb=region.renamed"'
        in client.get("/audit/?verb=region.renamed").content.decode()
    )
    response = client.get("/audit/export.csv?verb=region.renamed&actor=ops.one&q=step")
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="audit-trail-')
    rows = _csv(response)
    assert [row["comment"] for row in rows] == [f"step {n}" for n in (4, 3, 2, 1, 0)]  # newest first
    assert {row["actor"] for row in rows} == {"ops.one"} and {row["verb"] for row in rows} == {
        "region.renamed"
    }
    assert json.loads(rows[0]["after"]) == {"name": "New 4"} and rows[0]["hash"] == trail[4].hash
    exported = AuditEvent.objects.get(verb="audit-trail.exported")
    assert exported.actor_username == "aud.export"
    assert exported.after["rows"] == 5 and exported.after["filters"]["actor"] == "ops.one"


def test_a_bad_date_in_the_export_is_a_400_naming_it(trail, client):  # noqa: F811
    response = _auditor(client).get("/audit/export.csv?since=yesterday")
    assert response.status_code == 400
    assert "'yesterday' is not a date" in response.content.decode()


def test_only_auditors_and_administrators_export_or_download(trail, client):  # noqa: F811
    lead = user_with(Role.OPERATIONS_LEAD, username="ops.nosy")
    client.login(username=lead.username, password=PASSWORD)
    assert client.get("/audit/export.csv").status_code == 403
    assert client.get("/audit/verify/download/").status_code == 403


def test_the_verification_downloads_as_a_file_intact(trail, client):  # noqa: F811
    client = _auditor(client)
    assert 'href="/audit/verify/download/"' in client.get("/audit/verify/").content.decode()
    response = client.get("/audit/verify/download/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="audit-verification-')
    result = json.loads(response.content)
    assert result["intact"] is True and result["events_checked"] >= 5
    assert result["summary"].startswith("intact:") and result["verified_by"] == "aud.export"


def test_the_verification_file_names_the_broken_event(trail, client):  # noqa: F811
    _tamper("UPDATE {table} SET comment = 'nothing to see' WHERE id = %s", [trail[2].pk])
    result = json.loads(_auditor(client).get("/audit/verify/download/").content)
    assert result["intact"] is False and result["broken_event_id"] == trail[2].pk
    assert "no longer matches" in result["problem"]


@pytest.mark.parametrize("rows", [3, 60])
def test_the_trail_export_query_count_does_not_grow(rows, client, django_assert_max_num_queries):
    actor = user_with(Role.OPERATIONS_LEAD, username="ops.many")
    for n in range(rows):
        audit.record(actor=actor, verb="region.touched", obj=actor.regions.get(), comment=str(n))
    client = _auditor(client)
    with django_assert_max_num_queries(12):
        response = client.get("/audit/export.csv")
        assert len(_csv(response)) >= rows
