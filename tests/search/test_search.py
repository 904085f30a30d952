"""The top bar's search, `/search/?q=` (issue 18, build item 3): every kind, scoped by the access policy
(never a hit the user may not open), sensitive fields never searched, the page's states, constant queries."""

import datetime
import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from governance.models import Review
from intimacy_ops import search
from intimacy_ops.accounts.roles import Role
from segments.models import Customer
from tests.exceptions.factories import ExceptionRequestFactory, scenario
from tests.segments.factories import CustomerFactory, ServiceCaseFactory

pytestmark = pytest.mark.django_db

URL = "/search/"


@pytest.fixture
def s():
    world = scenario()
    # Same name in both regions: an EMEA person finds only the EMEA one.
    world.emea_harbor = CustomerFactory(
        name="Harbor Freight",
        external_id="CRM-H-EU",
        region=world.emea,
        account_manager=world.alice,
        contact_email="buyer@harbor.example",
        personal_notes="Daughter's name is Philippa Quarrington.",
    )
    world.amer_harbor = CustomerFactory(
        name="Harbor Freight", external_id="CRM-H-US", region=world.amer, account_manager=world.bob
    )
    world.request = ExceptionRequestFactory(
        customer=world.emea_harbor,
        process=world.fulfilment,
        title="Harbor night deliveries",
        status="under_review",
        route="board",
    )
    world.amer_request = ExceptionRequestFactory(
        customer=world.amer_harbor,
        process=world.fulfilment,
        title="Harbor pallet labels",
        status="submitted",
        route="lead",
    )
    world.review = Review.objects.create(
        exception=world.request,
        board=world.board,
        due_on=timezone.localdate() + datetime.timedelta(days=5),
        opened_at=timezone.now(),
    )
    world.case = ServiceCaseFactory(
        customer=world.emea_harbor, external_id="TKT-HARBOR-1", title="Dock door broken"
    )
    world.amer_case = ServiceCaseFactory(
        customer=world.amer_harbor, external_id="TKT-HARBOR-2", title="Dock crane"
    )
    return world


def _hits(response, kind: str) -> list[str]:
    groups = {group.kind.key: group for group in response.context["groups"]}
    return [hit.url for hit in groups[kind].hits] if kind in groups else []


def _titles(response) -> set[tuple[str, str]]:
    return {(group.kind.key, hit.title) for group in response.context["groups"] for hit in group.hits}


def test_alice_finds_her_regions_customer_by_name_not_the_amer_one_of_the_same_name(browse, s):
    response = browse(s.alice).get(URL, {"q": "harbor freight"})

    assert response.status_code == 200
    assert _hits(response, "customers") == [f"/segments/customers/{s.emea_harbor.pk}/"]
    assert f"/segments/customers/{s.amer_harbor.pk}/" not in response.content.decode()
    # And by external id, case-insensitively.
    assert _hits(browse(s.alice).get(URL, {"q": "crm-h-"}), "customers") == [
        f"/segments/customers/{s.emea_harbor.pk}/"
    ]


def test_an_auditor_reads_across_regions_and_finds_both(browse, s):
    response = browse(s.ada).get(URL, {"q": "Harbor Freight"})

    assert sorted(_hits(response, "customers")) == sorted(
        f"/segments/customers/{c.pk}/" for c in (s.emea_harbor, s.amer_harbor)
    )


def test_every_kind_is_found_and_every_hit_opens_for_the_one_who_searched(browse, s):
    for person in (s.alice, s.bob, s.oscar, s.olivia, s.sam, s.ada, s.carol, s.dan):
        client = browse(person)
        response = client.get(URL, {"q": "harbor"})
        assert response.status_code == 200
        urls = [hit.url for group in response.context["groups"] for hit in group.hits]
        for url in urls:
            assert client.get(url).status_code == 200, (person.username, url)
        expected_customers = Customer.objects.filter(name__icontains="harbor")
        if not person.has_role(Role.AUDITOR):
            expected_customers = expected_customers.filter(region__in=person.regions.all())
        assert len(_hits(response, "customers")) == expected_customers.count(), person.username

    alice = _titles(browse(s.alice).get(URL, {"q": "harbor"}))
    assert ("requests", "Harbor night deliveries") in alice
    assert ("requests", "Harbor pallet labels") not in alice  # bob's AMER request
    assert ("reviews", "Harbor night deliveries") in alice  # she sees the request under review
    assert ("cases", "Dock door broken") in alice
    assert ("cases", "Dock crane") not in alice
    processes = _titles(browse(s.alice).get(URL, {"q": "fulfil"}))
    assert ("processes", "Fulfilment") in processes


def test_a_steward_finds_customers_of_her_regions_but_no_requests(browse, s):
    response = browse(s.sam).get(URL, {"q": "harbor"})

    found = _titles(response)
    assert ("customers", "Harbor Freight") in found
    assert not [title for kind, title in found if kind in ("requests", "reviews")]


def test_a_request_and_a_review_by_their_number(browse, s):
    number = browse(s.alice).get(URL, {"q": f"#{s.request.pk}"})
    assert f"/exceptions/{s.request.pk}/" in _hits(number, "requests")
    assert f"/governance/reviews/{s.review.pk}/" in _hits(
        browse(s.carol).get(URL, {"q": f"#{s.review.pk}"}), "reviews"
    )
    # Bob's request by its number: not alice's to see, not found.
    assert _hits(browse(s.alice).get(URL, {"q": f"#{s.amer_request.pk}"}), "requests") == []


def test_sensitive_values_are_never_searched_even_by_whoever_may_read_them(browse, s):
    for person in (s.alice, s.sam, s.ada):
        for secret in ("Quarrington", "buyer@harbor", "harbor.example"):
            response = browse(person).get(URL, {"q": secret})
            assert response.status_code == 200
            assert response.context["groups"] == [], (person.username, secret)
            assert 'data-testid="search-none"' in response.content.decode()


def test_a_kind_that_names_a_sensitive_field_is_refused():
    kind = search.Kind(
        key="leaky", label="Leaky", model=Customer, fields=("name", "personal_notes"), hit=lambda c: None
    )
    with pytest.raises(ImproperlyConfigured, match="personal_notes"):
        search.check(kind)
    through = search.Kind(
        key="leaky",
        label="Leaky",
        model=Review,
        fields=("exception__customer__contact_email",),
        hit=lambda r: None,
    )
    with pytest.raises(ImproperlyConfigured, match="contact_email"):
        search.check(through)
    # Every kind the apps registered passes.
    assert {kind.key for kind in search.kinds()} >= {"customers", "requests", "reviews", "cases", "processes"}


def test_empty_short_long_and_nothing_found(browse, s):
    client = browse(s.alice)

    empty = client.get(URL)
    assert empty.status_code == 200 and 'data-testid="search-empty"' in empty.content.decode()
    assert "Customers" in empty.content.decode()

    short = client.get(URL, {"q": " h "})
    assert short.context["too_short"] and short.context["groups"] == []
    assert "at least 2 characters" in short.content.decode()

    none = client.get(URL, {"q": "zzqx-nothing"})
    assert 'data-testid="search-none"' in none.content.decode()

    long = client.get(URL, {"q": "harbor " + "x" * 500})
    assert long.status_code == 200
    assert long.context["cut"] and len(long.context["q"]) <= search.MAX_LENGTH
    assert 'data-testid="search-cut"' in long.content.decode()


def test_signed_out_goes_to_sign_in(client, db):
    response = client.get(URL, {"q": "harbor"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_show_all_links_to_the_list_filtered_by_the_same_search(browse, s):
    for n in range(7):
        CustomerFactory(name=f"Harbor Branch {n}", region=s.emea)
    response = browse(s.alice).get(URL, {"q": "harbor"})

    group = next(group for group in response.context["groups"] if group.kind.key == "customers")
    assert len(group.hits) == search.PER_KIND and group.total == 8
    assert group.more_url == "/segments/customers/?q=harbor"
    listed = browse(s.alice).get(group.more_url)
    assert listed.status_code == 200
    assert listed.context["page"].paginator.count == 8


def test_the_top_bar_has_a_labelled_search_box_for_every_role(browse, s):
    for person in (s.alice, s.oscar, s.sam, s.ada, s.carol, s.olivia):
        html = browse(person).get("/notifications/").content.decode()
        assert re.search(r'<form method="get" action="/search/"[^>]*role="search"', html), person.username
        assert '<label for="topbar-q"' in html and 'id="topbar-q" name="q"' in html
        assert "js/search.js" in html


def test_query_count_does_not_grow_with_rows(browse, s, django_assert_max_num_queries):
    client = browse(s.ada)
    client.get(URL, {"q": "harbor"})  # warm: session, user, regions

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL, {"q": "harbor"}).status_code == 200
        return len(captured)

    few = count()
    for n in range(30):
        customer = CustomerFactory(name=f"Harbor Annex {n}", region=s.amer if n % 2 else s.emea)
        ServiceCaseFactory(customer=customer, title=f"Harbor case {n}")
        ExceptionRequestFactory(
            customer=customer,
            process=s.billing,
            title=f"Harbor request {n}",
            status="active",
            requested_by=s.alice,
        )
    with django_assert_max_num_queries(few):
        response = client.get(URL, {"q": "harbor"})
    assert response.context["total"] > 60
    # One query per kind at most, beside the session, the user, their roles and the unread count (9 today).
    assert few <= len(search.kinds()) + 6, few


def test_the_exceptions_list_and_api_filter_by_the_same_search(browse, signed_in_api, s):
    for n in range(6):
        ExceptionRequestFactory(
            customer=s.emea_harbor,
            process=s.billing,
            title=f"Harbor dock slot {n}",
            requested_by=s.alice,
            status="submitted",
        )
    ExceptionRequestFactory(customer=s.acme, process=s.billing, title="Quiet request", requested_by=s.alice)
    response = browse(s.oscar).get(URL, {"q": "harbor"})
    group = next(group for group in response.context["groups"] if group.kind.key == "requests")
    assert group.more_url == "/exceptions/?q=harbor"

    listed = browse(s.oscar).get(group.more_url)
    assert listed.status_code == 200
    assert listed.context["page"].paginator.count == group.total == 7  # his region's; not bob's AMER one
    by_number = browse(s.oscar).get("/exceptions/", {"q": f"#{s.request.pk}"})
    assert [row.pk for row in by_number.context["page"]] == [s.request.pk]

    api = signed_in_api(s.oscar).get("/api/v1/exceptions/", {"q": "HARBOR DOCK"})
    assert api.status_code == 200 and api.json()["count"] == 6


def test_hits_mark_the_words_searched_and_stay_escaped(browse, s):
    s.emea_harbor.name = "Harbor <script>alert(1)</script> Freight"
    s.emea_harbor.save()
    html = browse(s.alice).get(URL, {"q": "HARBOR"}).content.decode()

    assert "<mark>Harbor</mark> &lt;script&gt;alert(1)&lt;/script&gt; Freight" in html
    assert "<script>alert(1)" not in html


def test_show_all_cases_lists_what_the_search_counted(browse, s):
    for n in range(6):
        ServiceCaseFactory(customer=s.emea_harbor, title=f"Invoice query {n}")
    response = browse(s.alice).get(URL, {"q": "harbor"})

    group = next(group for group in response.context["groups"] if group.kind.key == "cases")
    listed = browse(s.alice).get(group.more_url)
    assert listed.status_code == 200
    assert listed.context["page"].paginator.count == group.total == 7
