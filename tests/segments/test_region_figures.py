"""The home cards' per-region figures (issue 14): the tier load and the open cases' headline are read from
tables the check `segments.region_figures` refreshes, not from every customer and case on every request.
They equal the live computation at the refresh's instant for every kind of scope, say how fresh they are,
and two refreshes at once leave one set of figures."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from intimacy_ops.accounts.roles import Role
from segments.figures import selectors as figures
from segments.figures.models import CaseFigure
from segments.figures.refresh import refresh
from segments.selectors import cases
from segments.selectors import tiers as tier_selectors
from tests.concurrency import twice_at_once
from tests.factories import PASSWORD, RegionFactory, user_with
from tests.segments.factories import CustomerFactory, ServiceCaseFactory, WaitingIntervalFactory, tiers

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


def world(now):
    """Three regions; customers in every tier, locked, unclassified; cases open, resolved, flagged late, late
    but not swept yet, due soon, waiting on the customer."""
    strategic, premier, standard = tiers()
    emea, amer, apac = RegionFactory(code="EMEA"), RegionFactory(code="AMER"), RegionFactory(code="APAC")
    for region, segment, locked in [
        (emea, standard, False),
        (emea, standard, True),
        (emea, premier, False),
        (amer, premier, True),
        (amer, strategic, False),
        (apac, standard, False),
        (apac, None, False),  # not classified yet: in no tier
    ]:
        customer = CustomerFactory(
            region=region,
            segment=segment,
            segment_locked=locked,
            segment_lock_reason="Board" if locked else "",
        )
        ServiceCaseFactory(customer=customer, opened_at=now - 3 * HOUR, resolution_due_at=now + 5 * HOUR)
        ServiceCaseFactory(customer=customer, opened_at=now - 3 * HOUR, breached=True)
        ServiceCaseFactory(customer=customer, opened_at=now - 3 * HOUR, resolved_at=now - HOUR)
        ServiceCaseFactory(
            customer=customer, opened_at=now - 3 * HOUR, response_due_at=now - HOUR
        )  # not swept
        ServiceCaseFactory(
            customer=customer, opened_at=now - 3 * HOUR, resolution_due_at=now + HOUR
        )  # due soon
        WaitingIntervalFactory(case=ServiceCaseFactory(customer=customer, opened_at=now - 3 * HOUR))
    return {"emea": emea, "amer": amer}


def people():
    return [
        user_with(Role.OPERATIONS_LEAD, regions=["EMEA"], username="lead.emea"),
        user_with(Role.OPERATIONS_LEAD, regions=["EMEA", "AMER"], username="lead.two"),
        user_with(Role.BOARD_MEMBER, regions=["AMER"], username="member.amer"),
        user_with(Role.ACCOUNT_MANAGER, regions=["APAC"], username="am.apac"),
        user_with(Role.AUDITOR, regions=["EMEA"], username="auditor"),  # reads every region
    ]


def tier_rows(segments):
    return [(t.name, t.total, t.in_my_regions, t.locked) for t in segments]


def test_the_figures_equal_the_live_computation_for_every_scope():
    now = timezone.now()
    world(now)
    written = refresh(now=now)
    assert written == {"tierfigure": 5, "casefigure": 3}

    for user in people():
        live = cases.case_counts(user, now)
        assert figures.case_counts(user) == live, user.username
        assert tier_rows(figures.tiers(user)) == tier_rows(tier_selectors.tiers(user)), user.username
    lead = people()[0]
    assert figures.case_counts(lead) == {
        "open_count": 15,  # 3 customers × 5 open cases
        "breached_count": 6,
        "within_count": 9,
        "waiting_count": 3,
        "due_soon_count": 3,
    }
    assert tier_rows(figures.tiers(lead)) == [
        ("Strategic", 1, 0, 0),
        ("Premier", 2, 1, 1),
        ("Standard", 3, 2, 1),
    ]


def card(response, key: str) -> dict:
    return next(card["data"] for card in response.context["panels"]["cards"] if card["key"] == key)


def test_the_lead_home_reads_the_figures_once_refreshed_and_says_how_fresh(client):
    now = timezone.now()
    world(now)
    client.login(username=people()[0].username, password=PASSWORD)

    before = client.get("/home/operations-lead/")  # before the first refresh: live, no "as of"
    assert card(before, "service")["cases"]["open_count"] == 15
    assert 'data-testid="figures-as-of"' not in before.content.decode()

    out = io.StringIO()
    call_command("run_checks", "segments.region_figures", stdout=out)
    assert "refreshed the home cards' region figures: 8 rows" in out.getvalue()
    ServiceCaseFactory(customer=CustomerFactory(region=RegionFactory(code="EMEA")))  # after the refresh

    with CaptureQueriesContext(connection) as captured:
        after = client.get("/home/operations-lead/")
    page = after.content.decode()
    assert card(after, "service")["cases"]["open_count"] == 15  # the new case counts from the next refresh
    assert [t.total for t in card(after, "tiers")["tiers"]] == [1, 2, 3]
    assert page.count('data-testid="figures-as-of"') == 2 and "refreshed every 5 min" in page
    sql = " ".join(query["sql"] for query in captured.captured_queries)
    assert "segments_waitinginterval" not in sql  # the case figures did not count the cases
    assert 'COUNT("segments_customer"."id")' not in sql  # nor the tier load every customer

    call_command("run_checks", "segments.region_figures", stdout=io.StringIO())
    assert card(client.get("/home/operations-lead/"), "service")["cases"]["open_count"] == 16


def test_the_refresh_run_twice_gives_the_same_figures():
    now = timezone.now()
    world(now)
    refresh(now=now)
    first = sorted(
        CaseFigure.objects.values_list("region_id", "open_count", "breached_count", "waiting_count")
    )
    refresh(now=now)
    assert (
        sorted(CaseFigure.objects.values_list("region_id", "open_count", "breached_count", "waiting_count"))
        == first
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
def test_two_refreshes_at_once_leave_one_set_of_figures():
    world(timezone.now())
    results = twice_at_once(refresh)
    assert all(isinstance(result, dict) for result in results), results
    assert sorted(CaseFigure.objects.values_list("open_count", flat=True)) == [
        10,
        10,
        15,
    ]  # each once, not twice


def test_the_lead_home_parses_the_dashboards_default_filters_once(client):
    """The SLA and cost cards both show the dashboard's headlines with its default filters: the regions,
    tiers and processes they offer are read once per request (`dashboard.filters.defaults`), not per card."""
    world(timezone.now())
    client.login(username=people()[0].username, password=PASSWORD)
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/home/operations-lead/").status_code == 200
    choices = [
        q["sql"] for q in captured.captured_queries if 'FROM "exceptions_process" ORDER BY' in q["sql"]
    ]
    assert len(choices) == 1, choices


def test_the_account_managers_home_reads_the_same_figures_once_refreshed(client):
    """ "Your accounts": the open and late cases of the manager's regions, live before the first refresh,
    from the figures after it (saying how fresh), the new case counting from the next refresh."""
    now = timezone.now()
    world(now)
    manager = user_with(Role.ACCOUNT_MANAGER, regions=["EMEA"], username="am.emea")
    client.login(username=manager.username, password=PASSWORD)

    before = card(client.get("/home/account-manager/"), "accounts")
    assert (before["cases"]["open_count"], before["cases"]["breached_count"]) == (15, 6)
    assert "as_of" not in before

    call_command("run_checks", "segments.region_figures", stdout=io.StringIO())
    ServiceCaseFactory(customer=CustomerFactory(region=RegionFactory(code="EMEA")))
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/home/account-manager/")
    after = card(response, "accounts")
    assert (after["cases"]["open_count"], after["cases"]["breached_count"]) == (15, 6)
    assert 'data-testid="figures-as-of"' in response.content.decode()
    assert "segments_waitinginterval" not in " ".join(query["sql"] for query in captured.captured_queries)

    call_command("run_checks", "segments.region_figures", stdout=io.StringIO())
    assert card(client.get("/home/account-manager/"), "accounts")["cases"]["open_count"] == 16
