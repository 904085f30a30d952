"""The reviews list's filters (issue 15, drill-down): `board`, `status`, `overdue`, `kind`, `region` answer alike
on the governance page (which lists every matching review once a filter is given) and `/api/v1/reviews/`; a
bad value is a 400 naming it; sorting; the CSV; an EMEA lead never sees an AMER review."""

import csv
import datetime
import io

import pytest
from django.utils import timezone

from exceptions.models import ExceptionRequest
from governance.models import Board, Review
from intimacy_ops.audit import AuditEvent
from tests.exceptions.factories import ExceptionRequestFactory, scenario

PAGE, API, CSV = "/governance/", "/api/v1/reviews/", "/governance/export.csv"
TODAY = timezone.localdate()


def review(
    s, customer, title, *, board=None, days_due=5, status=Review.Status.OPEN, kind=Review.Kind.EXCEPTION
):
    exception = ExceptionRequestFactory(
        customer=customer, process=s.fulfilment, title=title, status=ExceptionRequest.Status.UNDER_REVIEW
    )
    decided = status == Review.Status.DECIDED
    return Review.objects.create(
        kind=kind,
        exception=exception,
        board=board or s.board,
        status=status,
        outcome=Review.Outcome.APPROVE if decided else "",
        due_on=TODAY + datetime.timedelta(days=days_due),
        opened_at=timezone.now(),
        closed_at=timezone.now() if decided else None,
    )


@pytest.fixture
def world(db):
    s = scenario()
    s.risk = Board.objects.create(name="Risk board", chair=s.carol, quorum=2)
    s.risk.regions.set([s.emea])
    review(s, s.acme, "R1", days_due=-1)  # overdue
    review(s, s.borealis, "R2", board=s.risk, days_due=-3, status=Review.Status.DECIDED)
    review(s, s.acme, "R3", days_due=5, kind=Review.Kind.EXTENSION)
    review(s, s.zenith, "Z1", days_due=-1)  # AMER, overdue
    return s


def page_titles(response) -> list[str]:
    assert response.status_code == 200, response.content[:300]
    return [r.exception.title for r in response.context["page"].object_list]


def api_titles(response) -> list[str]:
    assert response.status_code == 200, response.content[:300]
    titles = dict(ExceptionRequest.objects.values_list("pk", "title"))
    return [titles[r["exception"]] for r in response.json()["results"]]


FILTERS = [
    # (query, titles in the default order: due soonest first)
    ({"board": "main"}, ["R1", "R3"]),
    ({"status": "open"}, ["R1", "R3"]),
    ({"overdue": "true"}, ["R1"]),
    ({"overdue": "false", "board": "main"}, ["R3"]),
    ({"kind": "extension"}, ["R3"]),
    ({"region": "EMEA"}, ["R2", "R1", "R3"]),
    ({"board": "risk", "status": "decided"}, ["R2"]),
    ({"ordering": "-due_on"}, ["R3", "R1", "R2"]),
]


@pytest.mark.parametrize(("query", "expected"), FILTERS)
def test_each_filter_answers_the_same_on_the_page_and_in_the_api(
    world, browse, signed_in_api, query, expected
):
    boards = {"main": world.board.pk, "risk": world.risk.pk}
    query = {k: boards.get(v, v) for k, v in query.items()}
    assert page_titles(browse(world.oscar).get(PAGE, query)) == expected
    assert api_titles(signed_in_api(world.oscar).get(API, query)) == expected


def test_a_board_member_of_both_regions_filters_by_region(world, browse):
    assert page_titles(browse(world.carol).get(PAGE, {"region": "AMER"})) == ["Z1"]
    assert page_titles(browse(world.carol).get(PAGE, {"overdue": "true"})) == ["R1", "Z1"]


@pytest.mark.parametrize(
    ("field", "query"),
    [
        ("region", {"region": "AMER"}),
        ("board", {"board": "999999"}),
        ("status", {"status": "pending"}),
        ("overdue", {"overdue": "maybe"}),
        ("kind", {"kind": "whim"}),
    ],
)
def test_a_bad_value_is_a_400_naming_the_field(world, browse, signed_in_api, field, query):
    answer = signed_in_api(world.oscar).get(API, query)
    assert answer.status_code == 400 and field in answer.json()
    page = browse(world.oscar).get(PAGE, query)
    assert page.status_code == 400 and f'data-field="{field}"' in page.content.decode()
    assert not page.context["page"].object_list
    assert browse(world.oscar).get(CSV, query).status_code == 400


def test_without_filters_the_page_is_still_the_members_queue(world, browse):
    response = browse(world.dan).get(PAGE)
    assert response.status_code == 200 and not response.context["browsing"]
    assert [r.exception.title for r in response.context["waiting"]] == ["R1", "Z1", "R3"]


def test_the_csv_has_the_filtered_reviews_and_is_audited(world, browse):
    response = browse(world.oscar).get(CSV, {"overdue": "true"})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [(r["title"], r["board"], r["region"], r["overdue"]) for r in rows] == [
        ("R1", world.board.name, "EMEA", "yes")
    ]
    assert AuditEvent.objects.get(verb="reviews.exported").after["filters"] == {"overdue": "true"}


@pytest.mark.parametrize("url", [PAGE, API, CSV])
def test_the_query_count_does_not_grow_with_rows(
    world, browse, signed_in_api, url, django_assert_max_num_queries
):
    client = signed_in_api(world.oscar) if url == API else browse(world.oscar)

    def fetch():
        response = client.get(url, {"status": "open", "region": "EMEA"})
        if url == CSV:
            b"".join(response.streaming_content)
        assert response.status_code == 200

    with django_assert_max_num_queries(40) as few:
        fetch()
    for n in range(30):
        review(world, world.acme, f"More {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        fetch()
