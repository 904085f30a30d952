"""Exports: the customer list as CSV (masked like the pages, access-logged, audited) and a data subject's
export for data stewards (everything held about one customer, audited and access-logged)."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone

from intimacy_ops.audit import AuditEvent, record
from privacy.models import AccessLogEntry
from segments.models import ImportRejectedRow, ImportRun, SegmentChange
from tests.factories import PASSWORD
from tests.segments.factories import (
    CustomerFactory,
    SegmentFactory,
    ServiceCaseFactory,
    WaitingIntervalFactory,
    people,
)

pytestmark = pytest.mark.django_db

CSV_URL = "/segments/customers/export.csv"
EMAIL, NOTES = "jane@acme.example", "Prefers calls after 4 pm"


@pytest.fixture
def cast():
    return people()


@pytest.fixture
def customers(cast):
    """Alice's customer and Amy's, both EMEA with sensitive values; Bob's in AMER."""
    return {
        "alices": CustomerFactory(
            name="Acme", account_manager=cast["alice"], contact_email=EMAIL, personal_notes=NOTES
        ),
        "amys": CustomerFactory(
            name="Borealis",
            account_manager=cast["amy"],
            contact_email="b@borealis.example",
            personal_notes="Likes tea",
        ),
        "bobs": CustomerFactory(
            name="Cobalt", region__code="AMER", account_manager=cast["bob"], contact_email="c@cobalt.example"
        ),
    }


def sign_in(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def read_csv(response) -> list[dict]:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


# --- the customer list as CSV ---------------------------------------------------------------------------

# who → {customer: (contact_email, personal_notes) or None when not in the export at all}
MATRIX = {
    "alice": {"alices": (EMAIL, NOTES), "amys": ("***", "***"), "bobs": None},
    "oscar": {"alices": ("***", "***"), "amys": ("***", "***"), "bobs": None},
    "ada": {"alices": ("***", "***"), "amys": ("***", "***"), "bobs": ("***", "***")},
    "sam": {"alices": ("***", "***"), "amys": ("***", "***"), "bobs": ("***", "***")},
}


@pytest.mark.parametrize("who", sorted(MATRIX))
def test_csv_masks_sensitive_columns_per_role(client, cast, customers, who):
    rows = {row["name"]: row for row in read_csv(sign_in(client, cast[who]).get(CSV_URL))}

    for key, expected in MATRIX[who].items():
        name = customers[key].name
        if expected is None:
            assert name not in rows
            continue
        assert (rows[name]["contact_email"], rows[name]["personal_notes"]) == expected, (who, key)
        assert (
            rows[name]["external_id"] == customers[key].external_id
        )  # non-sensitive columns: always the value
        assert Decimal(rows[name]["annual_revenue"]) == customers[key].annual_revenue


def test_csv_has_a_header_row(client, cast, customers):
    response = sign_in(client, cast["alice"]).get(CSV_URL)
    text = b"".join(response.streaming_content).decode("utf-8-sig")

    header = text.splitlines()[0].split(",")
    assert header[:4] == ["id", "source", "external_id", "name"]
    assert header[-2:] == ["contact_email", "personal_notes"]
    assert 'filename="customers-' in response["Content-Disposition"]


def test_csv_respects_the_list_filters(client, cast, customers):
    premier = SegmentFactory(name="Premier", rank=7)
    CustomerFactory(name="Acme Two", account_manager=cast["amy"], segment=premier)
    sign_in(client, cast["oscar"])

    assert [r["name"] for r in read_csv(client.get(CSV_URL, {"q": "acme"}))] == ["Acme", "Acme Two"]
    assert [r["name"] for r in read_csv(client.get(CSV_URL, {"segment": premier.pk}))] == ["Acme Two"]
    assert [r["name"] for r in read_csv(client.get(CSV_URL, {"manager": "am.amy", "sort": "-name"}))] == [
        "Borealis",
        "Acme Two",
    ]
    sign_in(client, cast["alice"])
    assert [r["name"] for r in read_csv(client.get(CSV_URL, {"mine": "1"}))] == ["Acme"]


def test_csv_logs_one_access_row_per_customer_shown_unmasked_and_audits_the_export(client, cast, customers):
    CustomerFactory(name="Delta", account_manager=cast["alice"], contact_email="d@delta.example")

    rows = read_csv(sign_in(client, cast["alice"]).get(CSV_URL))

    assert len(rows) == 3
    entries = sorted(
        AccessLogEntry.objects.filter(user=cast["alice"], channel="export"), key=lambda e: e.subject.name
    )
    assert [(e.subject.name, sorted(e.fields), e.purpose) for e in entries] == [
        ("Acme", ["contact_email", "personal_notes"], "own account"),
        ("Delta", ["contact_email", "personal_notes"], "own account"),
    ]
    [event] = AuditEvent.objects.filter(verb="customers.exported")
    assert event.actor == cast["alice"]
    assert event.after["rows"] == 3 and event.after["format"] == "csv"


def test_csv_export_of_masked_customers_logs_nothing(client, cast, customers):
    read_csv(sign_in(client, cast["oscar"]).get(CSV_URL))

    assert not AccessLogEntry.objects.exists()


def test_csv_neutralises_formulas(client, cast):
    CustomerFactory(name='=HYPERLINK("http://evil")', account_manager=cast["alice"], personal_notes="+1 call")

    [row] = read_csv(sign_in(client, cast["alice"]).get(CSV_URL))

    assert row["name"].startswith("'=")
    assert row["personal_notes"] == "'+1 call"


@pytest.mark.parametrize("count", [3, 50])
def test_csv_query_count_does_not_grow_with_the_rows(client, cast, count, django_assert_max_num_queries):
    for n in range(count):
        CustomerFactory(
            account_manager=cast["alice"] if n % 2 else cast["amy"], contact_email=f"c{n}@x.example"
        )
    sign_in(client, cast["alice"])

    with django_assert_max_num_queries(14):
        rows = read_csv(client.get(CSV_URL))

    assert len(rows) == count


def test_the_list_page_links_to_the_export_with_its_filters(client, cast, customers):
    page = sign_in(client, cast["oscar"]).get("/segments/customers/", {"q": "acme"})

    assert f'href="{CSV_URL}?q=acme"'.encode() in page.content


# --- a data subject's export ----------------------------------------------------------------------------


def subject_url(customer) -> str:
    return f"/api/v1/customers/{customer.pk}/subject-export/"


@pytest.fixture
def history(cast, customers):
    """Alice's customer with a segment change, a case that waited, a rejected import row and an audit event."""
    customer = customers["alices"]
    tier = SegmentFactory(name="Standard", rank=9)
    SegmentChange.objects.create(customer=customer, to_segment=tier, cause="rule", at=timezone.now())
    opened = timezone.now() - datetime.timedelta(days=3)
    case = ServiceCaseFactory(customer=customer, title="Broken pallet", opened_at=opened)
    WaitingIntervalFactory(
        case=case,
        started_at=opened + datetime.timedelta(hours=1),
        ended_at=opened + datetime.timedelta(hours=5),
    )
    run = ImportRun.objects.create(kind="customers", filename="crm.csv", status="done")
    ImportRejectedRow.objects.create(
        run=run,
        line=4,
        data={"source": customer.source, "external_id": customer.external_id, "contact_email": "jane@"},
        errors={"contact_email": ["Enter a valid email address."]},
    )
    ImportRejectedRow.objects.create(
        run=run, line=5, data={"source": "crm", "external_id": "SOMEONE-ELSE"}, errors={}
    )
    record(actor=cast["alice"], verb="customer.changed", obj=customer, after={"name": customer.name})
    AccessLogEntry.objects.create(
        user=cast["alice"],
        subject=customer,
        fields=["contact_email"],
        at=timezone.now(),
        purpose="own account",
        channel="page",
    )
    return customer


def test_steward_gets_everything_held_about_the_customer(signed_in_api, cast, history):
    response = signed_in_api(cast["sam"]).post(
        subject_url(history), {"purpose": "Request DSR-118 of 20 Nov"}, format="json"
    )

    assert response.status_code == 200, response.content
    document = response.json()
    assert set(document) >= {
        "customer",
        "segment_history",
        "cases",
        "import_rejected_rows",
        "audit_events",
        "access_log",
    }
    assert document["purpose"] == "Request DSR-118 of 20 Nov"
    assert document["customer"]["contact_email"] == EMAIL  # unmasked: the steward's justified act
    assert document["customer"]["personal_notes"] == NOTES
    assert document["customer"]["account_manager"] == "am.alice"
    assert [change["to"] for change in document["segment_history"]] == ["Standard"]
    [case] = document["cases"]
    assert case["title"] == "Broken pallet" and len(case["waiting"]) == 1 and case["waiting"][0]["ended_at"]
    [rejected] = document["import_rejected_rows"]
    assert rejected["line"] == 4 and rejected["data"]["contact_email"] == "jane@"
    assert "customer.changed" in [event["verb"] for event in document["audit_events"]]
    [look] = document["access_log"]
    assert (look["user"], look["fields"], look["channel"]) == ("am.alice", ["contact_email"], "page")


def test_subject_export_is_audited_and_access_logged(signed_in_api, cast, history):
    signed_in_api(cast["sam"]).get(subject_url(history), {"purpose": "Request DSR-118 of 20 Nov"})

    [event] = AuditEvent.objects.filter(verb="customer.subject_exported")
    assert event.actor == cast["sam"] and event.object_id == str(history.pk)
    assert event.comment == "Request DSR-118 of 20 Nov"
    assert event.after["cases"] == 1 and event.after["sensitive_fields"] == [
        "contact_email",
        "personal_notes",
    ]
    [entry] = AccessLogEntry.objects.about(history).filter(channel="export")
    assert entry.user == cast["sam"] and entry.channel == "export"
    assert entry.purpose == "subject access request: Request DSR-118 of 20 Nov"
    assert sorted(entry.fields) == ["contact_email", "personal_notes"]


def test_subject_export_needs_a_purpose(signed_in_api, cast, history):
    response = signed_in_api(cast["sam"]).post(subject_url(history), {"purpose": "why"}, format="json")

    assert response.status_code == 400
    assert "purpose" in response.json()
    assert not AuditEvent.objects.filter(verb="customer.subject_exported").exists()
    assert signed_in_api(cast["sam"]).post(subject_url(history), {}, format="json").status_code == 400


@pytest.mark.parametrize("who", ["alice", "oscar", "ada"])
def test_subject_export_is_for_stewards_only(signed_in_api, cast, history, who):
    response = signed_in_api(cast[who]).post(
        subject_url(history), {"purpose": "Request DSR-118 of 20 Nov"}, format="json"
    )

    assert response.status_code == 403
    assert not AuditEvent.objects.filter(verb="customer.subject_exported").exists()


def test_subject_export_outside_the_stewards_regions_is_404(signed_in_api, make_user, customers):
    emea_steward = make_user("data steward", regions=["EMEA"])

    response = signed_in_api(emea_steward).get(
        subject_url(customers["bobs"]), {"purpose": "Request DSR-118 of 20 Nov"}
    )

    assert response.status_code == 404


def test_subject_export_page_action_downloads_json(client, cast, history):
    sign_in(client, cast["sam"])
    page = client.get(f"/segments/customers/{history.pk}/")
    assert b'data-testid="subject-export-form"' in page.content

    response = client.post(
        f"/segments/customers/{history.pk}/subject-export/", {"purpose": "Request DSR-118 of 20 Nov"}
    )

    assert response.status_code == 200
    assert (
        response["Content-Disposition"] == f'attachment; filename="subject-export-customer-{history.pk}.json"'
    )
    assert response.json()["customer"]["contact_email"] == EMAIL
    assert AuditEvent.objects.filter(verb="customer.subject_exported", actor=cast["sam"]).count() == 1


def test_subject_export_page_action_refuses_others(client, cast, history):
    sign_in(client, cast["alice"])

    response = client.post(
        f"/segments/customers/{history.pk}/subject-export/", {"purpose": "Request DSR-118 of 20 Nov"}
    )

    assert response.status_code == 403
