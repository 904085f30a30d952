"""The exceptions list's filters (issue 15, drill-down): the same names and answers on `/exceptions/` and
`/api/v1/exceptions/`, a bad value named (400 in the API, a form error on a 400 page), sorting by the columns,
and the list as CSV with the same filters — over two regions, where an EMEA lead never sees an AMER row."""

import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from exceptions.models import ExceptionRequest, ExceptionTransition
from intimacy_ops.audit import AuditEvent
from privacy.models import AccessLogEntry
from tests.exceptions.factories import ExceptionRequestFactory, scenario
from tests.segments.factories import CustomerFactory, SegmentFactory

Status = ExceptionRequest.Status
PAGE, API, CSV = "/exceptions/", "/api/v1/exceptions/", "/exceptions/export.csv"
TODAY = timezone.localdate()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def decided(exception, on: datetime.date, to=Status.APPROVED):
    at = timezone.make_aware(datetime.datetime.combine(on, datetime.time(10)))
    ExceptionTransition.objects.create(
        exception=exception, action="approve", from_status=Status.UNDER_REVIEW, to_status=to, at=at
    )


@pytest.fixture
def world(db):
    s = scenario()
    s.gold, s.silver = SegmentFactory(name="Gold"), SegmentFactory(name="Silver")
    CustomerFactory._meta.model.objects.filter(pk=s.acme.pk).update(segment=s.gold)
    CustomerFactory._meta.model.objects.filter(pk=s.borealis.pk).update(segment=s.silver)
    CustomerFactory._meta.model.objects.filter(pk=s.zenith.pk).update(segment=s.gold)
    make = ExceptionRequestFactory
    s.a1 = make(
        customer=s.acme, process=s.fulfilment, title="A1", status=Status.ACTIVE, route="lead",
        estimated_monthly_cost=Decimal("100"), expires_on=days(10),
    )  # fmt: skip
    s.b2 = make(
        customer=s.borealis, process=s.billing, title="B2", status=Status.APPROVED, route="board",
        risk_rating="high", estimated_monthly_cost=Decimal("900"), expires_on=days(200), sunset_on=days(30),
    )  # fmt: skip
    s.a3 = make(
        customer=s.acme, process=s.billing, title="A3", status=Status.REJECTED, route="lead",
        risk_rating="medium", estimated_monthly_cost=Decimal("300"), kind="permanent", expires_on=None,
    )  # fmt: skip
    # AMER: matches every filter the EMEA rows are asked for, so a leak would show.
    s.z1 = make(
        customer=s.zenith, process=s.fulfilment, title="Z1", status=Status.ACTIVE, route="lead",
        estimated_monthly_cost=Decimal("5000"), expires_on=days(10), sunset_on=days(30),
    )  # fmt: skip
    ExceptionRequest.objects.filter(pk__in=[s.a1.pk, s.z1.pk]).update(
        created_at=timezone.now() - datetime.timedelta(days=40)
    )
    decided(s.b2, days(-5))
    decided(s.a3, days(-20), to=Status.REJECTED)
    decided(s.z1, days(-5))
    return s


def page_titles(response) -> list[str]:
    assert response.status_code == 200, response.content[:500]
    return [row.title for row in response.context["page"].object_list]


def api_titles(response) -> list[str]:
    assert response.status_code == 200, response.content[:500]
    return [row["title"] for row in response.json()["results"]]


FILTERS = [
    # (query, the titles an EMEA lead gets, in the default order: newest first)
    ({}, ["A3", "B2", "A1"]),
    ({"status": "active"}, ["A1"]),
    ({"status": ["active", "approved"]}, ["B2", "A1"]),
    ({"process": "fulfilment"}, ["A1"]),
    ({"segment": "gold"}, ["A3", "A1"]),
    ({"region": "EMEA"}, ["A3", "B2", "A1"]),
    ({"route": "board"}, ["B2"]),
    ({"risk": "medium"}, ["A3"]),
    ({"customer": "borealis"}, ["B2"]),
    ({"created_after": days(-30).isoformat()}, ["A3", "B2"]),
    ({"created_before": days(-30).isoformat()}, ["A1"]),
    ({"decided_after": days(-7).isoformat()}, ["B2"]),
    ({"decided_after": days(-30).isoformat(), "decided_before": days(-10).isoformat()}, ["A3"]),
    ({"expires_after": days(5).isoformat(), "expires_before": days(15).isoformat()}, ["A1"]),
    ({"sunset": "true"}, ["B2"]),
    ({"sunset": "false"}, ["A3", "A1"]),
    ({"status": "active", "segment": "gold", "route": "lead"}, ["A1"]),
]


def _query(world, query: dict) -> dict:
    ids = {"fulfilment": world.fulfilment.pk, "gold": world.gold.pk, "borealis": world.borealis.pk}
    return {key: ids.get(value, value) if isinstance(value, str) else value for key, value in query.items()}


@pytest.mark.parametrize(("query", "expected"), FILTERS)
def test_each_filter_answers_the_same_on_the_page_and_in_the_api(
    world, browse, signed_in_api, query, expected
):
    query = _query(world, query)
    assert page_titles(browse(world.oscar).get(PAGE, query)) == expected
    assert api_titles(signed_in_api(world.oscar).get(API, query)) == expected


def test_an_emea_lead_never_sees_amer_rows_an_auditor_sees_both(world, browse, signed_in_api):
    query = {"status": "active", "sunset": "true"}
    assert page_titles(browse(world.oscar).get(PAGE, {"status": "active"})) == ["A1"]
    assert api_titles(signed_in_api(world.oscar).get(API, query)) == []
    assert api_titles(signed_in_api(world.ada).get(API, query)) == ["Z1"]
    assert page_titles(browse(world.ada).get(PAGE, {"region": "AMER"})) == ["Z1"]


BAD = [
    ("created_after", {"created_after": "2026-13-01"}),
    ("created_before", {"created_after": "2026-03-01", "created_before": "2026-02-01"}),
    ("decided_before", {"decided_after": "2026-03-01", "decided_before": "2026-02-01"}),
    ("expires_before", {"expires_before": "soon"}),
    ("status", {"status": "pending"}),
    ("region", {"region": "AMER"}),  # not Oscar's
    ("region", {"region": "MARS"}),
    ("segment", {"segment": "abc"}),
    ("process", {"process": "999999"}),
    ("customer", {"customer": "zenith"}),  # AMER: the same 400 as one that does not exist
    ("route", {"route": "sideways"}),
    ("risk", {"risk": "extreme"}),
    ("sunset", {"sunset": "maybe"}),
]


@pytest.mark.parametrize(("field", "query"), BAD)
def test_a_bad_value_is_a_400_naming_the_field_on_the_page_and_in_the_api(
    world, browse, signed_in_api, field, query
):
    query = {k: world.zenith.pk if v == "zenith" else v for k, v in query.items()}
    answer = signed_in_api(world.oscar).get(API, query)
    assert answer.status_code == 400
    assert field in answer.json()

    page = browse(world.oscar).get(PAGE, query)
    assert page.status_code == 400
    assert field in page.context["listing"].form.errors
    html = page.content.decode()
    assert 'data-testid="filter-errors"' in html and f'data-field="{field}"' in html
    assert not page.context["page"].object_list  # no rows, least of all another region's
    assert ">Z1<" not in html

    assert browse(world.oscar).get(CSV, query).status_code == 400


def test_the_filter_bar_keeps_the_query_and_the_pager_and_headers_keep_the_filters(world, browse):
    for n in range(30):
        ExceptionRequestFactory(
            customer=world.acme, process=world.fulfilment, status=Status.ACTIVE, title=f"X{n:02d}"
        )
    response = browse(world.oscar).get(PAGE, {"status": "active", "ordering": "title"})
    html = response.content.decode()
    assert re.search(r'name="status" value="active" id="id_status_\d+" checked', html)  # the bar shows it
    assert not re.search(r'name="status" value="draft" id="id_status_\d+" checked', html)
    assert "status=active&amp;ordering=title&amp;page=2" in html  # the pager keeps filters and order
    headers = {h["key"]: h for h in response.context["headers"]}
    assert headers["title"]["active"] and headers["title"]["query"] == "status=active&ordering=-title"
    assert 'href="/exceptions/export.csv?status=active&amp;ordering=title"' in html


def test_submitting_the_bar_with_every_filter_left_at_any_lists_everything(world, browse):
    empty = dict.fromkeys(["process", "segment", "region", "route", "risk", "customer", "created_after"], "")
    assert page_titles(browse(world.oscar).get(PAGE, {**empty, "status": "active"})) == ["A1"]
    assert page_titles(browse(world.oscar).get(PAGE, empty)) == ["A3", "B2", "A1"]


def test_sorting_by_a_column_is_the_same_on_the_page_and_in_the_api(world, browse, signed_in_api):
    for ordering, expected in [
        ("-estimated_monthly_cost", ["B2", "A3", "A1"]),
        ("estimated_monthly_cost", ["A1", "A3", "B2"]),
        ("customer__name,-title", ["A3", "A1", "B2"]),
        ("title", ["A1", "A3", "B2"]),
        ("no_such_column", ["A3", "B2", "A1"]),  # ignored, as DRF's OrderingFilter does
    ]:
        assert page_titles(browse(world.oscar).get(PAGE, {"ordering": ordering})) == expected, ordering
        assert api_titles(signed_in_api(world.oscar).get(API, {"ordering": ordering})) == expected, ordering


def read_csv(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_csv_honours_filters_and_scope_masks_the_contact_and_is_audited(world, browse):
    CustomerFactory._meta.model.objects.filter(pk=world.acme.pk).update(contact_email="ceo@acme.example")
    rows = read_csv(browse(world.oscar).get(CSV, {"segment": world.gold.pk, "ordering": "title"}))
    assert [(r["title"], r["region"], r["segment"]) for r in rows] == [
        ("A1", "EMEA", "Gold"),
        ("A3", "EMEA", "Gold"),
    ]
    assert {r["customer_contact_email"] for r in rows} == {"***"}  # a lead reads it masked
    assert not AccessLogEntry.objects.exists()
    [event] = AuditEvent.objects.filter(verb="exceptions.exported")
    assert event.actor == world.oscar
    assert event.after == {
        "format": "csv",
        "filters": {"ordering": "title", "segment": str(world.gold.pk)},
        "rows": 2,
    }


def test_the_csv_shows_an_account_manager_her_own_contact_and_logs_the_look(world, browse):
    CustomerFactory._meta.model.objects.filter(pk=world.acme.pk).update(contact_email="ceo@acme.example")
    rows = read_csv(browse(world.alice).get(CSV))
    assert {r["customer_contact_email"] for r in rows} == {"ceo@acme.example"}
    [entry] = AccessLogEntry.objects.filter(user=world.alice, channel="export")
    assert entry.subject == world.acme and entry.fields == ["contact_email"]


def test_the_csv_makes_formula_like_cells_inert(world, browse):
    ExceptionRequest.objects.filter(pk=world.a1.pk).update(title='=HYPERLINK("http://evil.example","x")')
    rows = read_csv(browse(world.oscar).get(CSV, {"status": "active"}))
    assert rows[0]["title"] == '\'=HYPERLINK("http://evil.example","x")'


@pytest.mark.parametrize("url", [PAGE, API, CSV])
def test_the_query_count_does_not_grow_with_rows(
    world, browse, signed_in_api, url, django_assert_max_num_queries
):
    client = signed_in_api(world.oscar) if url == API else browse(world.oscar)
    query = {
        "status": ["active", "approved"],
        "segment": world.gold.pk,
        "decided_after": days(-400).isoformat(),
    }

    def fetch():
        response = client.get(url, query)
        if url == CSV:
            b"".join(response.streaming_content)
        return response

    for _ in range(3):
        decided(
            ExceptionRequestFactory(customer=world.acme, process=world.fulfilment, status=Status.ACTIVE),
            days(-1),
        )
    with django_assert_max_num_queries(40) as few:
        fetch()
    for _ in range(47):
        decided(
            ExceptionRequestFactory(customer=world.acme, process=world.fulfilment, status=Status.ACTIVE),
            days(-1),
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = fetch()
    assert response.status_code == 200
