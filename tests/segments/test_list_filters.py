"""The cases and customers lists' filters (issue 15, drill-down): the same names and answers on the pages and
in the API, a bad value named (400), sorting, the cases CSV — over two regions, where an EMEA lead never sees
an AMER row."""

import csv
import datetime
import io

import pytest
from django.utils import timezone

from intimacy_ops.accounts.roles import Role
from intimacy_ops.audit import AuditEvent
from segments.models import Customer, ServiceCase
from tests.factories import RegionFactory, user_with
from tests.segments.factories import CustomerFactory, SegmentFactory, ServiceCaseFactory

CASES, CASES_API, CASES_CSV = "/segments/cases/", "/api/v1/cases/", "/segments/cases/export.csv"
CUSTOMERS, CUSTOMERS_API = "/segments/customers/", "/api/v1/customers/"
NOW = timezone.now()
TODAY = timezone.localdate()


def ago(days: float) -> datetime.datetime:
    return NOW - datetime.timedelta(days=days)


def day(n: int) -> str:
    return (TODAY + datetime.timedelta(days=n)).isoformat()


@pytest.fixture
def world(db):
    emea, amer = RegionFactory(code="EMEA"), RegionFactory(code="AMER")
    gold, silver = SegmentFactory(name="Gold"), SegmentFactory(name="Silver")
    oscar = user_with(Role.OPERATIONS_LEAD, regions=["EMEA"], username="ops.oscar")
    ada = user_with(Role.AUDITOR, regions=["EMEA", "AMER"], username="audit.ada")
    acme = CustomerFactory(name="Acme", region=emea, segment=gold, contact_email="ceo@acme.example")
    borealis = CustomerFactory(name="Borealis", region=emea, segment=silver, annual_revenue=900_000)
    zenith = CustomerFactory(name="Zenith", region=amer, segment=gold)
    future = NOW + datetime.timedelta(hours=4)
    case = ServiceCaseFactory
    case(customer=acme, title="C1", priority="P1", opened_at=ago(3), breached=True, response_due_at=ago(2.9))
    case(customer=borealis, title="C2", priority="P2", opened_at=ago(0.1), response_due_at=future)
    case(
        customer=acme,
        title="C3",
        priority="P3",
        opened_at=ago(10),
        first_response_at=ago(9.9),
        resolved_at=ago(5),
    )
    case(
        customer=zenith,
        title="Z1",
        priority="P3",
        opened_at=ago(10),
        first_response_at=ago(9.9),
        resolved_at=ago(5),
    )
    case(customer=zenith, title="Z2", priority="P1", opened_at=ago(3), breached=True)
    return locals()


def page_titles(response) -> set[str]:
    assert response.status_code == 200, response.content[:300]
    return {row.case.title for row in response.context["rows"]}


def api_titles(response) -> set[str]:
    assert response.status_code == 200, response.content[:300]
    return {row["title"] for row in response.json()["results"]}


CASE_FILTERS = [
    ({"open": "true"}, {"C1", "C2"}),
    ({"open": "false"}, {"C3"}),
    ({"segment": "gold", "open": "true"}, {"C1"}),
    ({"segment": "gold", "closed_after": day(-30)}, {"C3"}),
    ({"region": "EMEA", "open": "true"}, {"C1", "C2"}),
    ({"priority": "P1", "open": "true"}, {"C1"}),
    ({"breached": "true", "open": "true"}, {"C1"}),
    ({"breached": "false", "open": "true"}, {"C2"}),
    ({"closed_after": day(-7), "closed_before": day(-3)}, {"C3"}),
    ({"closed_before": day(-6)}, set()),
    ({"opened_before": day(-2), "open": "true"}, {"C1"}),
    ({"opened_after": day(-1), "opened_before": day(0), "open": "true"}, {"C2"}),
]


@pytest.mark.parametrize(("query", "expected"), CASE_FILTERS)
def test_each_case_filter_answers_the_same_on_the_page_and_in_the_api(
    world, browse, signed_in_api, query, expected
):
    query = {k: world["gold"].pk if v == "gold" else v for k, v in query.items()}
    assert page_titles(browse(world["oscar"]).get(CASES, query)) == expected
    assert api_titles(signed_in_api(world["oscar"]).get(CASES_API, query)) == expected


def test_the_cases_page_lists_open_cases_unless_the_query_says_which(world, browse):
    client = browse(world["oscar"])
    assert page_titles(client.get(CASES, {"priority": "P1"})) == {"C1"}
    assert page_titles(client.get(CASES, {"priority": "P1", "status": "all"})) == {"C1"}
    assert page_titles(client.get(CASES, {"segment": world["gold"].pk, "status": "all"})) == {"C1", "C3"}
    assert page_titles(browse(world["ada"]).get(CASES, {"region": "AMER", "breached": "true"})) == {"Z2"}


@pytest.mark.parametrize(
    ("field", "query"),
    [
        ("region", {"region": "AMER"}),
        ("closed_before", {"closed_after": "2026-03-01", "closed_before": "2026-02-01"}),
        ("opened_after", {"opened_after": "2026-13-01"}),
        ("segment", {"segment": "abc"}),
        ("breached", {"breached": "maybe"}),
        ("priority", {"priority": "P9"}),
        ("open", {"open": "sometimes"}),
    ],
)
def test_a_bad_case_filter_is_a_400_naming_the_field(world, browse, signed_in_api, field, query):
    answer = signed_in_api(world["oscar"]).get(CASES_API, query)
    assert answer.status_code == 400 and field in answer.json()
    page = browse(world["oscar"]).get(CASES, query)
    assert page.status_code == 400 and field in page.context["listing"].form.errors
    assert f'data-field="{field}"' in page.content.decode() and not page.context["rows"]
    assert browse(world["oscar"]).get(CASES_CSV, query).status_code == 400


def test_cases_sort_by_the_api_ordering_fields_on_the_page_too(world, browse, signed_in_api):
    query = {"open": "true", "ordering": "-opened_at"}
    page = browse(world["oscar"]).get(CASES, query)
    assert [row.case.title for row in page.context["rows"]] == ["C2", "C1"]
    assert [r["title"] for r in signed_in_api(world["oscar"]).get(CASES_API, query).json()["results"]] == [
        "C2",
        "C1",
    ]
    headers = {h["key"]: h for h in page.context["headers"]}
    assert headers["priority"]["query"] == "open=true&ordering=priority"


def read_csv(response) -> list[dict]:
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_the_cases_csv_honours_filters_and_scope_and_masks_the_contact(world, browse):
    rows = read_csv(browse(world["oscar"]).get(CASES_CSV, {"priority": "P1", "status": "all"}))
    assert [(r["title"], r["region"], r["segment"], r["customer_contact_email"]) for r in rows] == [
        ("C1", "EMEA", "Gold", "***")
    ]
    [event] = AuditEvent.objects.filter(verb="cases.exported")
    assert event.after["rows"] == 1 and event.after["filters"] == {"priority": "P1", "status": "all"}


@pytest.mark.parametrize("url", [CASES, CASES_API, CASES_CSV])
def test_the_cases_query_count_does_not_grow_with_rows(
    world, browse, signed_in_api, url, django_assert_max_num_queries
):
    client = signed_in_api(world["oscar"]) if url == CASES_API else browse(world["oscar"])
    query = {"segment": world["gold"].pk, "region": "EMEA", "open": "true", "breached": "true"}

    def fetch():
        response = client.get(url, query)
        if url == CASES_CSV:
            b"".join(response.streaming_content)
        assert response.status_code == 200

    with django_assert_max_num_queries(40) as few:
        fetch()
    for n in range(50):
        ServiceCaseFactory(customer=world["acme"], title=f"More {n}", breached=True)
    with django_assert_max_num_queries(len(few.captured_queries)):
        fetch()
    assert ServiceCase.objects.count() == 55


def test_customers_filter_by_segment_and_region_alike_on_the_page_and_in_the_api(
    world, browse, signed_in_api
):
    gold = world["gold"].pk
    page = browse(world["oscar"]).get(CUSTOMERS, {"segment": gold})
    assert [c.name for c in page.context["page"].object_list] == ["Acme"]
    assert [
        c["name"]
        for c in signed_in_api(world["oscar"]).get(CUSTOMERS_API, {"segment": gold}).json()["results"]
    ] == ["Acme"]
    assert browse(world["oscar"]).get(CUSTOMERS, {"region": "AMER"}).status_code == 400
    assert "region" in signed_in_api(world["oscar"]).get(CUSTOMERS_API, {"region": "AMER"}).json()
    ordered = browse(world["ada"]).get(CUSTOMERS, {"ordering": "-annual_revenue,name", "segment": gold})
    assert [c.name for c in ordered.context["page"].object_list] == ["Acme", "Zenith"]
    assert Customer.objects.count() == 3
