"""The segments pages through HTTP, as each role would use them: customers, tiers and the what-if, SLA policies, cases."""

import datetime
import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from intimacy_ops.accounts.navigation import items_for
from intimacy_ops.accounts.roles import Role
from intimacy_ops.audit import AuditEvent
from segments import checks as sla_checks
from segments.models import Customer, Segment, SegmentChange, ServiceCase, SlaPolicy
from segments.services import sla
from segments.services.classification import reclassify
from tests.factories import user_with
from tests.segments.factories import (
    STANDARD_FIGURES,
    CustomerFactory,
    ServiceCaseFactory,
    WaitingIntervalFactory,
    five_customers,
)

pytestmark = pytest.mark.django_db

CUSTOMERS = "/segments/customers/"
CASES = "/segments/cases/"
TIERS = "/segments/tiers/"
PREVIEW = "/segments/tiers/preview/"
APPLY = "/segments/tiers/apply/"
SLA = "/segments/sla/"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def scene():
    """EMEA and AMER with the demo's cast, three tiers with SLA policies, five customers, a case each."""
    world = five_customers()
    customers, admin = world.customers, world.admin
    now = timezone.now()
    # Acme: breached (opened long ago, nobody answered); Borealis: on track; Cobalt: waiting on the customer;
    # Delta (AMER): breached; Evergreen (AMER): resolved.
    cases = {
        "acme": sla.open_case(
            actor=admin,
            customer=customers["acme"],
            priority="P1",
            title="Acme is down",
            opened_at=now - datetime.timedelta(days=2),
        ),
        "borealis": sla.open_case(
            actor=admin, customer=customers["borealis"], priority="P3", title="Borealis invoice query"
        ),
        "cobalt": sla.open_case(
            actor=admin, customer=customers["cobalt"], priority="P4", title="Cobalt returns"
        ),
        "delta": sla.open_case(
            actor=admin,
            customer=customers["delta"],
            priority="P2",
            title="Delta late delivery",
            opened_at=now - datetime.timedelta(days=3),
        ),
        "evergreen": sla.open_case(
            actor=admin,
            customer=customers["evergreen"],
            priority="P3",
            title="Evergreen portal login",
            opened_at=now - datetime.timedelta(hours=3),
        ),
    }
    sla.start_waiting(actor=admin, case=cases["cobalt"], at=now - datetime.timedelta(minutes=1))
    sla.resolve_case(actor=admin, case=cases["evergreen"], at=now - datetime.timedelta(hours=1))
    sla_checks.sweep()
    for customer in customers.values():
        customer.refresh_from_db()
    world.cases = cases
    return world


def text(response) -> str:
    """The page's visible words, whitespace squeezed, for `in` checks."""
    body = re.sub(r"<script.*?</script>|<style.*?</style>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).replace("\u00a0", " ")


def customer_names(response) -> list[str]:
    assert response.status_code == 200
    return [customer.name for customer in response.context["page"].object_list]


def case_titles(response) -> set[str]:
    assert response.status_code == 200
    return {row.case.title for row in response.context["rows"]}


def world() -> dict:
    """Everything a preview or a refused apply must leave alone."""
    return {
        "segments": list(Segment.objects.order_by("pk").values()),
        "customers": list(Customer.objects.order_by("pk").values("pk", "segment_id", "segment_locked")),
        "changes": SegmentChange.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


# --- who opens what ---------------------------------------------------------------------------------------

PAGES = [CUSTOMERS, CASES, TIERS, SLA]


@pytest.mark.parametrize("who", ["alice", "bob", "oscar", "ada", "sam", "olivia"])
@pytest.mark.parametrize("url", PAGES)
def test_every_role_reads_the_segments_pages(scene, browse, who, url):
    response = browse(getattr(scene, who)).get(url)
    assert response.status_code == 200
    assert b'data-testid="main-nav"' in response.content  # in the layout


@pytest.mark.parametrize("url", [*PAGES, "/segments/customers/1/", "/segments/sla/1/P1/"])
def test_anonymous_visitors_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_navigation_offers_customers_and_cases_to_everyone_and_tiers_to_operations_leads(scene):
    def keys(user):
        return [item["key"] for item in items_for(user)]

    for who in ("alice", "bob", "ada", "sam", "olivia"):
        assert {"customers", "cases"} <= set(keys(getattr(scene, who)))
        assert not {"tiers", "sla"} & set(keys(getattr(scene, who)))
    assert {"customers", "cases", "tiers", "sla"} <= set(keys(scene.oscar))
    assert (
        keys(scene.oscar).index("customers")
        < keys(scene.oscar).index("cases")
        < keys(scene.oscar).index("tiers")
    )


# --- customer list ------------------------------------------------------------------------------------------


def test_account_manager_lists_only_the_customers_of_her_region(scene, browse):
    assert customer_names(browse(scene.alice).get(CUSTOMERS)) == [
        "Acme Logistics",
        "Borealis Foods",
        "Cobalt Pharma",
    ]
    assert customer_names(browse(scene.bob).get(CUSTOMERS)) == ["Delta Retail", "Evergreen Energy"]
    assert len(customer_names(browse(scene.ada).get(CUSTOMERS))) == 5  # an auditor reads across regions


def test_customer_list_searches_by_name_and_external_id(scene, browse):
    client = browse(scene.ada)
    assert customer_names(client.get(CUSTOMERS, {"q": "bore"})) == ["Borealis Foods"]
    assert customer_names(client.get(CUSTOMERS, {"q": "crm-0004"})) == ["Delta Retail"]
    # Bob's search never reaches into EMEA.
    assert customer_names(browse(scene.bob).get(CUSTOMERS, {"q": "Acme"})) == []


def test_customer_list_filters_by_segment_region_and_account_manager(scene, browse):
    client = browse(scene.ada)
    assert customer_names(client.get(CUSTOMERS, {"segment": scene.premier.pk})) == [
        "Borealis Foods",
        "Delta Retail",
    ]
    assert customer_names(client.get(CUSTOMERS, {"region": "AMER"})) == ["Delta Retail", "Evergreen Energy"]
    assert customer_names(client.get(CUSTOMERS, {"manager": "am.amy"})) == ["Cobalt Pharma"]
    assert customer_names(client.get(CUSTOMERS, {"region": "AMER", "segment": scene.standard.pk})) == [
        "Evergreen Energy"
    ]
    # A value that does not parse is named on the page (400, no rows), not a crash.
    bad = client.get(CUSTOMERS, {"segment": "gold", "region": "MARS"})
    assert bad.status_code == 400
    assert set(bad.context["listing"].form.errors) == {"segment", "region"}
    assert not bad.context["page"].object_list


def test_my_accounts_toggle_keeps_an_account_managers_own_customers(scene, browse):
    client = browse(scene.alice)
    response = client.get(CUSTOMERS, {"mine": "1"})
    assert customer_names(response) == ["Acme Logistics", "Borealis Foods"]
    assert response.context["counts"] == {"everyone": 3, "mine": 2}
    assert 'data-testid="my-accounts"' in response.content.decode()
    # Operations leads manage no accounts: no toggle for them.
    assert 'data-testid="my-accounts"' not in browse(scene.oscar).get(CUSTOMERS).content.decode()


def test_customer_list_sorts_by_any_column_both_ways(scene, browse):
    client = browse(scene.ada)
    by_revenue = customer_names(client.get(CUSTOMERS, {"sort": "-revenue"}))
    assert by_revenue[0] == "Acme Logistics"
    assert set(by_revenue[-2:]) == {"Cobalt Pharma", "Evergreen Energy"}
    assert customer_names(client.get(CUSTOMERS, {"sort": "segment"}))[0] == "Acme Logistics"
    assert customer_names(client.get(CUSTOMERS, {"sort": "-name"}))[0] == "Evergreen Energy"
    # The header of the active column offers the other direction.
    headers = {h["key"]: h for h in client.get(CUSTOMERS, {"sort": "revenue"}).context["headers"]}
    assert headers["revenue"]["active"] and headers["revenue"]["query"] == "ordering=-revenue"
    assert customer_names(client.get(CUSTOMERS, {"sort": "no-such-column"}))[0] == "Acme Logistics"


def test_customer_list_paginates_and_keeps_the_filters(scene, browse):
    for number in range(30):
        CustomerFactory(name=f"Zeta {number:02d}", region=scene.emea, account_manager=scene.alice)
    client = browse(scene.alice)
    first = client.get(CUSTOMERS, {"q": "zeta"})
    assert len(customer_names(first)) == 25 and first.context["page"].paginator.count == 30
    assert 'href="?q=zeta&amp;page=2"' in first.content.decode()
    assert customer_names(client.get(CUSTOMERS, {"q": "zeta", "page": 2})) == [
        f"Zeta {n}" for n in range(25, 30)
    ]
    assert (
        len(customer_names(client.get(CUSTOMERS, {"q": "zeta", "page": 99}))) == 5
    )  # past the end: last page


def test_customer_list_says_so_when_nothing_matches(scene, browse):
    response = browse(scene.alice).get(CUSTOMERS, {"q": "no such customer"})
    assert 'data-testid="empty"' in response.content.decode()
    assert "No customer matches these filters" in text(response)


def test_customer_list_counts_open_and_breached_cases(scene, browse):
    page = browse(scene.alice).get(CUSTOMERS).context["page"]
    acme = next(customer for customer in page.object_list if customer.name == "Acme Logistics")
    assert (acme.open_cases, acme.breached_cases) == (1, 1)


# --- customer detail ----------------------------------------------------------------------------------------


def test_am_bob_cannot_open_an_emea_customer(scene, browse):
    client = browse(scene.bob)
    acme = scene.customers["acme"]
    response = client.get(f"{CUSTOMERS}{acme.pk}/")
    assert response.status_code == 404
    assert 'data-testid="error-page"' in response.content.decode()
    assert "Acme" not in response.content.decode()
    # Exactly as for an id that does not exist: no existence leak.
    assert client.get(f"{CUSTOMERS}987654/").status_code == 404
    assert (
        client.post(
            f"{CUSTOMERS}{acme.pk}/lock/", {"segment": scene.standard.pk, "reason": "x" * 20}
        ).status_code
        == 404
    )


def test_own_account_manager_sees_the_sensitive_fields_others_see_them_masked(scene, browse):
    url = f"{CUSTOMERS}{scene.customers['acme'].pk}/"
    mine = browse(scene.alice).get(url)
    assert mine.status_code == 200
    assert "ceo@acme.example" in text(mine) and "Prefers calls on Monday mornings." in text(mine)
    for other in (scene.amy, scene.oscar, scene.ada):
        page = browse(other).get(url)
        assert page.status_code == 200
        assert "ceo@acme.example" not in page.content.decode()
        assert "Monday mornings" not in page.content.decode()
        assert page.context["contact_email"] == "***"


def test_customer_detail_shows_figures_segment_history_sla_status_and_exceptions(scene, browse):
    response = browse(scene.alice).get(f"{CUSTOMERS}{scene.customers['acme'].pk}/")
    words = text(response)
    assert "Acme Logistics" in words and "6,000,000" in words and "25,000,000" in words
    assert response.context["history"][0].to_segment == scene.strategic
    assert "unclassified → Strategic" in words
    [row] = response.context["open_cases"]
    assert row.case.title == "Acme is down" and row.status == "breached"
    assert "Breached" in words and "overdue by" in words
    assert "Exceptions" in words and "None recorded yet" in words
    assert 'data-testid="lock-form"' not in response.content.decode()  # account managers do not lock


def test_customer_history_shows_closed_cases_beside_the_open_ones(scene, browse):
    evergreen = scene.customers["evergreen"]
    response = browse(scene.bob).get(f"{CUSTOMERS}{evergreen.pk}/")
    [closed] = response.context["closed_cases"]
    assert closed.title == "Evergreen portal login"
    assert response.context["open_cases"] == []
    history = text(response).split("History", 1)[1]
    assert "Closed cases Case Opened Resolved SLA P3 Evergreen portal login" in history and "Met" in history
    # Acme's only case is open: its history has no closed case, and Evergreen's is not listed there.
    acme = browse(scene.alice).get(f"{CUSTOMERS}{scene.customers['acme'].pk}/")
    assert acme.context["closed_cases"] == [] and "No closed case yet." in text(acme)


def test_customer_history_lists_the_escalations_about_the_customer_the_user_may_see(scene, browse):
    acme, borealis = scene.customers["acme"], scene.customers["borealis"]
    for who in (scene.alice, scene.oscar):  # its account manager (raised to her) and the region's lead
        response = browse(who).get(f"{CUSTOMERS}{acme.pk}/")
        escalations = response.context["escalations"]
        assert escalations and {e.object_id for e in escalations} == {scene.cases["acme"].pk}
        assert "Acme is down" in text(response).split("Closed cases", 1)[1].split("Escalations", 1)[1]
        assert "No escalation about this customer" not in text(response)
    # Nothing crossed a line on Borealis's case: the breach on Acme's is not shown there.
    response = browse(scene.oscar).get(f"{CUSTOMERS}{borealis.pk}/")
    assert response.context["escalations"] == []
    assert "No escalation about this customer that you may see." in text(response)
    # Amy manages Borealis, not Acme: the escalation raised to Alice is not hers to see, even on Acme's page.
    response = browse(scene.amy).get(f"{CUSTOMERS}{acme.pk}/")
    assert response.status_code == 200 and response.context["escalations"] == []


def test_customer_history_keeps_a_resolved_escalation_marked_resolved(scene, browse):
    from intimacy_ops.escalations.models import Escalation

    page = f"{CUSTOMERS}{scene.customers['acme'].pk}/"
    shown = browse(scene.oscar).get(page).context["escalations"]
    assert shown and all(e.resolved_at is None for e in shown)
    Escalation.objects.filter(pk=shown[0].pk).update(resolved_at=timezone.now())
    response = browse(scene.oscar).get(page)
    assert [e.pk for e in response.context["escalations"]][-1] == shown[0].pk  # open ones first
    assert response.context["escalations"][-1].resolved_at is not None
    items = text(response).split("Closed cases", 1)[1].split("Escalations", 1)[1].split("Resolved")
    assert len(items) == 2 and "Acme is down" in items[1]  # the resolved one says so, last


def test_customer_page_queries_do_not_grow_with_its_history(scene, browse, django_assert_max_num_queries):
    evergreen, now = scene.customers["evergreen"], timezone.now()
    client = browse(scene.bob)

    def close_cases(count: int) -> int:
        for index in range(count):
            case = sla.open_case(
                actor=scene.admin,
                customer=evergreen,
                priority="P4",
                title=f"Old question {index}",
                opened_at=now - datetime.timedelta(days=40, hours=index),
            )
            sla.resolve_case(actor=scene.admin, case=case, at=now - datetime.timedelta(days=39, hours=index))
        client.get(f"{CUSTOMERS}{evergreen.pk}/")  # warm caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"{CUSTOMERS}{evergreen.pk}/")
        return len(queries), len(response.context["closed_cases"])

    few, shown_few = close_cases(2)
    many, shown_many = close_cases(28)
    assert (shown_few, shown_many) == (3, 10)
    assert many == few
    with django_assert_max_num_queries(few):
        client.get(f"{CUSTOMERS}{evergreen.pk}/")


def test_waiting_case_shows_the_clock_paused(scene, browse):
    response = browse(scene.amy).get(f"{CUSTOMERS}{scene.customers['cobalt'].pk}/")
    [row] = response.context["open_cases"]
    assert row.status == "waiting" and "Waiting on customer" in text(response)


def test_operations_lead_locks_and_unlocks_a_customers_segment_with_a_reason(scene, browse):
    client = browse(scene.oscar)
    cobalt = scene.customers["cobalt"]
    url = f"{CUSTOMERS}{cobalt.pk}/"
    assert 'data-testid="lock-form"' in client.get(url).content.decode()

    too_short = client.post(f"{url}lock/", {"segment": scene.premier.pk, "reason": "because"})
    assert too_short.status_code == 400
    assert "at least 10 characters" in text(too_short)
    cobalt.refresh_from_db()
    assert not cobalt.segment_locked

    locked = client.post(
        f"{url}lock/", {"segment": scene.premier.pk, "reason": "Pilot of the premier desk"}, follow=True
    )
    assert locked.redirect_chain == [(url, 302)]
    assert "is now held in Premier" in text(locked)
    cobalt.refresh_from_db()
    assert (cobalt.segment, cobalt.segment_locked, cobalt.segment_locked_by) == (
        scene.premier,
        True,
        scene.oscar,
    )
    assert "Pilot of the premier desk" in text(locked) and "Locked by" in text(locked)

    unlocked = client.post(f"{url}unlock/", {"reason": "pilot over"}, follow=True)
    assert "follows the rules again" in text(unlocked)
    cobalt.refresh_from_db()
    assert (cobalt.segment, cobalt.segment_locked) == (scene.standard, False)
    assert [
        e.verb for e in AuditEvent.objects.filter(verb__startswith="customer.segment_").order_by("id")
    ] == [
        "customer.segment_locked",
        "customer.segment_unlocked",
    ]


def test_account_manager_cannot_lock_a_segment(scene, browse):
    acme = scene.customers["acme"]
    response = browse(scene.alice).post(
        f"{CUSTOMERS}{acme.pk}/lock/", {"segment": scene.standard.pk, "reason": "x" * 20}
    )
    assert response.status_code == 403
    assert 'data-testid="error-page"' in response.content.decode()
    acme.refresh_from_db()
    assert not acme.segment_locked


# --- query counts: constant from 3 to 50 rows ----------------------------------------------------------------

# Session, user, groups and regions for the layout; then the page's own reads. Customers: the count,
# tiers, regions and managers to filter by, the "my accounts" counts, the rows. Cases: the count, the
# rows, the queues, the headline counts.
# +1 each since the header shows the unread notifications count (sensitive-data issue #5).
CUSTOMER_LIST_QUERIES = 11
CASE_LIST_QUERIES = 11  # + the segment and region choices of the filter bar


def _grow(scene, total: int) -> None:
    have = Customer.objects.filter(region=scene.emea).count()
    for number in range(total - have):
        customer = CustomerFactory(name=f"Grown {number:02d}", region=scene.emea, account_manager=scene.alice)
        ServiceCaseFactory(customer=customer, title=f"Grown case {number}")
        waiting = ServiceCaseFactory(customer=customer, title=f"Grown waiting {number}")
        WaitingIntervalFactory(case=waiting)
    reclassify()


@pytest.mark.parametrize("rows", [3, 50])
def test_customer_list_queries_do_not_grow_with_rows(scene, browse, django_assert_max_num_queries, rows):
    _grow(scene, rows)
    client = browse(scene.alice)
    client.get(CUSTOMERS)  # the session is warm, as for a person clicking around
    with django_assert_max_num_queries(CUSTOMER_LIST_QUERIES):
        response = client.get(CUSTOMERS, {"sort": "open_cases"})
    assert len(response.context["page"].object_list) == min(rows, 25)


@pytest.mark.parametrize("rows", [3, 50])
def test_case_list_queries_do_not_grow_with_rows(scene, browse, django_assert_max_num_queries, rows):
    _grow(scene, rows)
    client = browse(scene.alice)
    client.get(CASES)
    with django_assert_max_num_queries(CASE_LIST_QUERIES):
        response = client.get(CASES, {"status": "all"})
    assert len(response.context["rows"]) == min(
        ServiceCase.objects.filter(customer__region=scene.emea).count(), 25
    )


def test_list_pages_take_the_same_number_of_queries_for_3_and_50_rows(scene, browse):
    """The same bound, measured: the count is exactly equal, not merely under the bound."""
    client = browse(scene.alice)
    counts = {}
    for rows in (3, 50):
        _grow(scene, rows)
        for url in (CUSTOMERS, CASES):
            client.get(url)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts[(url, rows)] = len(queries)
    assert counts[(CUSTOMERS, 3)] == counts[(CUSTOMERS, 50)]
    assert counts[(CASES, 3)] == counts[(CASES, 50)]


# --- tiers and the what-if ------------------------------------------------------------------------------------

LOWER_PREMIER = {"min_annual_revenue": "300000", "min_strategic_value": "2", "min_lifetime_value": "500000"}


def what_if(scene, **changes) -> dict:
    """The what-if form as posted: every tier's current values, with `changes` ({segment: {field: value}})."""
    data = {}
    for segment in Segment.objects.order_by("rank"):
        for name in (
            "min_annual_revenue",
            "min_strategic_value",
            "min_lifetime_value",
            "min_support_complexity",
            "capacity",
        ):
            data[f"s{segment.pk}-{name}"] = str(getattr(segment, name))
        for name, value in changes.get(segment.name.lower(), {}).items():
            data[f"s{segment.pk}-{name}"] = value
    return data


def test_tiers_page_shows_thresholds_capacity_and_counts(scene, browse):
    response = browse(scene.alice).get(TIERS)
    tiers_ = {tier.name: tier for tier in response.context["tiers"]}
    assert (tiers_["Premier"].total, tiers_["Premier"].capacity, tiers_["Premier"].in_my_regions) == (2, 5, 1)
    assert "1,000,000" in text(response)
    # Read-only for an account manager: no what-if form, and the preview refuses her.
    assert 'data-testid="what-if-form"' not in response.content.decode()
    assert browse(scene.alice).post(PREVIEW, what_if(scene, premier=LOWER_PREMIER)).status_code == 403
    assert 'data-testid="what-if-form"' in browse(scene.oscar).get(TIERS).content.decode()


def test_preview_through_the_page_shows_matrix_chart_and_sample_and_changes_nothing(scene, browse):
    before = world()
    response = browse(scene.oscar).post(
        PREVIEW, what_if(scene, premier={**LOWER_PREMIER, "capacity": "3"}), **HTMX
    )
    assert response.status_code == 200
    assert response.templates[0].name == "segments/_what_if.html"  # a fragment for htmx, not the page
    body = response.content.decode()
    assert "<html" not in body
    # Cobalt (EMEA) and Evergreen (AMER) would rise from Standard to Premier: 2 in the Standard → Premier cell.
    [row] = response.context["matrix"]
    assert row["name"] == "Standard" and row["total"] == 2
    assert row["cells"] == [None, 2, None]
    premier = next(s for s in response.context["preview_segments"] if s["name"] == "Premier")
    assert (premier["count"], premier["capacity"], premier["over_capacity"]) == (4, 3, True)
    chart = json.loads(re.search(r'id="tier-chart-data"[^>]*>(.*?)</script>', body).group(1))
    assert chart == {
        "labels": ["Strategic", "Premier", "Standard"],
        "now": [1, 2, 2],
        "after": [1, 4, 0],
        "capacity": [3, 3, 100],
        "over": [False, True, False],
    }
    assert 'data-testid="over-capacity"' in body
    # Oscar works in EMEA: the sample names Cobalt, not AMER's Evergreen.
    assert [c.name for c in response.context["result"].sample] == ["Cobalt Pharma"]
    assert world() == before


def test_preview_without_htmx_renders_the_whole_page(scene, browse):
    response = browse(scene.oscar).post(PREVIEW, what_if(scene, premier=LOWER_PREMIER))
    assert response.status_code == 200
    assert response.templates[0].name == "segments/tiers.html"
    assert 'data-testid="movement-matrix"' in response.content.decode()


def test_preview_of_nothing_or_nonsense_says_what_to_fix(scene, browse):
    client = browse(scene.oscar)
    unchanged = client.post(PREVIEW, what_if(scene), **HTMX)
    assert unchanged.status_code == 200 and "Change at least one threshold" in text(unchanged)
    bad = client.post(PREVIEW, what_if(scene, premier={"min_strategic_value": "9"}), **HTMX)
    assert "less than or equal to 5" in text(bad)
    assert bad.context["result"] is None


def _preview(client, scene, **changes):
    response = client.post(PREVIEW, what_if(scene, **changes), **HTMX)
    assert response.status_code == 200
    initial = response.context["apply_form"].initial
    return {"proposal": initial["proposal"], "fingerprint": initial["fingerprint"]}


def test_apply_through_the_page_moves_exactly_the_previewed_customers(scene, browse):
    # Evergreen (AMER) moves too: only a lead of every region affected applies it (issue 17, item 7).
    scene.oscar.regions.add(scene.amer)
    client = browse(scene.oscar)
    posted = _preview(client, scene, premier=LOWER_PREMIER)
    assert json.loads(posted["proposal"]) == [
        {
            "id": scene.premier.pk,
            "min_annual_revenue": "300000.00",
            "min_strategic_value": 2,
            "min_lifetime_value": "500000.00",
        }
    ]

    response = client.post(APPLY, {**posted, "reason": "Widen Premier for the Q3 push"}, follow=True)

    assert response.redirect_chain == [(TIERS, 302)]
    assert "Thresholds applied: 2 customers moved to a new tier" in text(response)
    for name in ("cobalt", "evergreen"):
        scene.customers[name].refresh_from_db()
        assert scene.customers[name].segment == scene.premier
    scene.premier.refresh_from_db()
    assert scene.premier.min_annual_revenue == Decimal("300000")
    assert (
        SegmentChange.objects.filter(to_segment=scene.premier, reason__contains="Widen Premier").count() == 2
    )
    # Only the tier that changed is recorded as changed.
    changed = AuditEvent.objects.filter(verb="segment.thresholds_changed")
    assert [event.object_id for event in changed] == [str(scene.premier.pk)]


def test_stale_preview_is_refused_with_409_and_asks_to_preview_again(scene, browse):
    scene.oscar.regions.add(scene.amer)  # the change moves AMER customers too (issue 17, item 7)
    client = browse(scene.oscar)
    posted = _preview(client, scene, premier=LOWER_PREMIER)
    # Meanwhile another Standard customer arrives: the preview no longer tells the truth.
    CustomerFactory(name="Fjord Shipping", region=scene.emea, **STANDARD_FIGURES)
    reclassify()
    before = world()

    response = client.post(APPLY, {**posted, "reason": "Widen Premier for the Q3 push"})

    assert response.status_code == 409
    words = text(response)
    assert "out of date — nothing was applied" in words
    assert "preview again" in words.lower()
    assert 'data-testid="stale-preview"' in response.content.decode()
    # The proposed values wait in the form for "Preview again".
    assert str(response.context["form"][f"s{scene.premier.pk}-min_annual_revenue"].value()) == "300000"
    assert world() == before

    fresh = _preview(client, scene, premier=LOWER_PREMIER)
    assert client.post(APPLY, {**fresh, "reason": "Widen Premier for the Q3 push"}).status_code == 302
    assert Customer.objects.filter(segment=scene.premier).count() == 5


def test_apply_needs_a_reason(scene, browse):
    client = browse(scene.oscar)
    posted = _preview(client, scene, premier=LOWER_PREMIER)
    before = world()
    response = client.post(APPLY, {**posted, "reason": "ok"})
    assert response.status_code == 400
    assert "at least 10 characters" in text(response)
    assert 'data-testid="apply-dialog" aria-labelledby="apply-title" open' in response.content.decode()
    assert world() == before


def test_only_operations_leads_apply(scene, browse):
    posted = _preview(browse(scene.oscar), scene, premier=LOWER_PREMIER)
    before = world()
    for who in ("alice", "ada"):
        response = browse(getattr(scene, who)).post(
            APPLY, {**posted, "reason": "Widen Premier for the Q3 push"}
        )
        assert response.status_code == 403
    assert world() == before


# --- SLA policies ---------------------------------------------------------------------------------------------


def test_sla_matrix_shows_every_tier_and_priority_editable_by_operations_leads_only(scene, browse):
    response = browse(scene.alice).get(SLA)
    rows = response.context["rows"]
    assert [row["segment"].name for row in rows] == ["Strategic", "Premier", "Standard"]
    premier_p2 = rows[1]["cells"][1]
    shown = (premier_p2.priority, premier_p2.first_response, premier_p2.resolution)
    assert tuple(value.replace("\u00a0", " ") for value in shown) == ("P2", "4 h", "1 d 8 h")
    assert "24×7" in text(response)
    assert 'data-testid="edit-policy"' not in response.content.decode()
    assert browse(scene.alice).get(f"{SLA}{scene.premier.pk}/P2/").status_code == 403
    assert browse(scene.oscar).get(SLA).content.decode().count('data-testid="edit-policy"') == 12


def test_operations_lead_edits_one_policy(scene, browse):
    client = browse(scene.oscar)
    url = f"{SLA}{scene.premier.pk}/P3/"
    form = client.get(url)
    assert form.status_code == 200 and form.context["form"]["first_response_minutes"].value() == "8 h"
    response = client.post(
        url,
        {
            "first_response_minutes": "400",
            "resolution_minutes": "3000",
            "clock": "business_hours",
            "update_interval_minutes": "120",
            "step_1_after": "240",
            "step_1_role": "operations lead",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0].startswith(SLA)
    assert "Saved the SLA policy for Premier P3." in text(response)
    policy = SlaPolicy.objects.get(segment=scene.premier, priority="P3")
    assert (policy.first_response_minutes, policy.resolution_minutes, policy.clock) == (
        400,
        3000,
        "business_hours",
    )
    assert policy.escalation_ladder == [{"after_minutes": 240, "role": "operations lead"}]
    assert AuditEvent.objects.filter(verb="sla_policy.changed").count() == 1


def test_policy_form_names_bad_fields(scene, browse):
    url = f"{SLA}{scene.premier.pk}/P3/"
    response = browse(scene.oscar).post(
        url,
        {"first_response_minutes": "600", "resolution_minutes": "60", "clock": "24x7", "step_2_after": "30"},
    )
    assert response.status_code == 400
    words = text(response)
    assert "Resolution cannot be due before the first response." in words
    assert "Choose who the case escalates to." in words
    assert SlaPolicy.objects.get(segment=scene.premier, priority="P3").first_response_minutes == 480


def test_equity_guard_refuses_then_saves_with_a_confirmed_reason(scene, browse):
    client = browse(scene.oscar)
    url = f"{SLA}{scene.premier.pk}/P2/"
    faster_than_strategic = {"first_response_minutes": "30", "resolution_minutes": "1920", "clock": "24x7"}

    refused = client.post(url, faster_than_strategic)

    assert refused.status_code == 400
    words = text(refused)
    assert "This policy breaks tier equity" in words
    assert "Premier (rank 2) would get a faster first response target for P2 (30 min) than Strategic" in words
    assert 'name="equity_reason"' in refused.content.decode()
    assert SlaPolicy.objects.get(segment=scene.premier, priority="P2").first_response_minutes == 240

    short = client.post(url, {**faster_than_strategic, "equity_reason": "because"})
    assert short.status_code == 400 and "at least 15 characters" in text(short)

    reason = "Premier pilot: contractual 30-minute response for Q3"
    saved = client.post(url, {**faster_than_strategic, "equity_reason": reason}, follow=True)

    assert "confirmed exception to tier equity" in text(saved)
    policy = SlaPolicy.objects.get(segment=scene.premier, priority="P2")
    assert (policy.first_response_minutes, policy.equity_exception_reason) == (30, reason)
    event = AuditEvent.objects.filter(verb="sla_policy.changed").latest("id")
    assert reason in event.comment
    assert 'data-testid="equity-exception"' in client.get(SLA).content.decode()


def test_unknown_policy_cell_is_404(scene, browse):
    client = browse(scene.oscar)
    assert client.get(f"{SLA}{scene.premier.pk}/P9/").status_code == 404
    assert client.get(f"{SLA}987654/P1/").status_code == 404


# --- case list ----------------------------------------------------------------------------------------------


def test_case_list_shows_open_cases_of_the_users_regions_by_default(scene, browse):
    assert case_titles(browse(scene.alice).get(CASES)) == {
        "Acme is down",
        "Borealis invoice query",
        "Cobalt returns",
    }
    assert case_titles(browse(scene.bob).get(CASES)) == {"Delta late delivery"}
    assert case_titles(browse(scene.bob).get(CASES, {"status": "all"})) == {
        "Delta late delivery",
        "Evergreen portal login",
    }
    assert case_titles(browse(scene.bob).get(CASES, {"status": "resolved"})) == {"Evergreen portal login"}


def test_case_list_filters_by_breach_priority_queue_and_waiting(scene, browse):
    client = browse(scene.ada)
    assert case_titles(client.get(CASES, {"breached": "yes"})) == {"Acme is down", "Delta late delivery"}
    assert case_titles(client.get(CASES, {"breached": "no"})) == {"Borealis invoice query", "Cobalt returns"}
    assert case_titles(client.get(CASES, {"priority": "P1"})) == {"Acme is down"}
    assert case_titles(client.get(CASES, {"queue": "Premier support"})) == {
        "Borealis invoice query",
        "Delta late delivery",
    }
    assert case_titles(client.get(CASES, {"waiting": "yes"})) == {"Cobalt returns"}
    assert case_titles(client.get(CASES, {"waiting": "no", "breached": "no"})) == {"Borealis invoice query"}
    assert case_titles(client.get(CASES, {"q": "delta"})) == {"Delta late delivery"}
    assert case_titles(client.get(CASES, {"customer": scene.customers["acme"].pk})) == {"Acme is down"}
    assert case_titles(client.get(CASES, {"q": "nothing like this"})) == set()
    counts = client.get(CASES).context["counts"]
    assert (counts["open_count"], counts["breached_count"], counts["waiting_count"]) == (4, 2, 1)


def test_case_list_shows_due_times_in_words_breach_pills_and_the_queue(scene, browse):
    response = browse(scene.alice).get(CASES)
    rows = {row.case.title: row for row in response.context["rows"]}
    acme, borealis, cobalt = rows["Acme is down"], rows["Borealis invoice query"], rows["Cobalt returns"]
    assert (acme.status, acme.label, acme.pill) == ("breached", "Breached", "pill-bad")
    assert acme.response.text.startswith("overdue by 1\u00a0d")
    assert borealis.status in ("on_track", "due_soon") and borealis.response.text.startswith("due in")
    assert cobalt.status == "waiting"
    words = text(response)
    assert "Strategic accounts desk" in words and "Premier support" in words
    # Most urgent first: the breached case, then the ones still running; the paused one last.
    assert [row.case.title for row in response.context["rows"]][0] == "Acme is down"
    assert [row.case.title for row in response.context["rows"]][-1] == "Cobalt returns"


def test_case_list_says_so_when_nothing_is_open(scene, browse):
    ServiceCase.objects.filter(customer__region=scene.amer).update(resolved_at=timezone.now())
    response = browse(scene.bob).get(CASES)
    assert "No open cases in your regions" in text(response)


def test_home_pages_show_the_segments_cards(client):
    am = user_with(Role.ACCOUNT_MANAGER, regions=["EMEA"], username="home.am")
    client.force_login(am)
    page = client.get("/home/account-manager/").content.decode()
    assert 'data-testid="home-card-accounts"' in page
    assert "customers you manage" in page
    lead = user_with(Role.OPERATIONS_LEAD, regions=["EMEA"], username="home.lead")
    client.force_login(lead)
    page = client.get("/home/operations-lead/").content.decode()
    assert 'data-testid="home-card-service"' in page and 'data-testid="home-card-tiers"' in page
    assert 'data-testid="home-card-accounts"' not in page
