"""What segments puts on the home pages reads what it says, and a scope follows a change of regions at once.

The cards' queries were rewritten for speed (bench/README.md, "Where a request's time goes"): the tier load
counts the customers grouped by tier, the case figures read the open cases only, and scopes filter by the
user's region ids read once per request."""

import datetime

import pytest
from django.utils import timezone

from intimacy_ops.accounts.models import Region
from intimacy_ops.accounts.roles import Role
from tests.factories import PASSWORD, RegionFactory, user_with
from tests.segments.factories import CustomerFactory, ServiceCaseFactory, tiers

pytestmark = pytest.mark.django_db


def card(response, key: str) -> dict:
    return next(card["data"] for card in response.context["panels"]["cards"] if card["key"] == key)


def test_the_tier_load_counts_every_tier_with_those_in_my_regions_and_those_locked(client):
    strategic, premier, standard = tiers()
    emea, amer = RegionFactory(code="EMEA"), RegionFactory(code="AMER")
    CustomerFactory(region=emea, segment=standard)
    CustomerFactory(region=emea, segment=standard, segment_locked=True, segment_lock_reason="Board decision")
    CustomerFactory(region=amer, segment=premier)
    CustomerFactory(region=amer, segment=None)  # not classified yet: in no tier
    lead = user_with(Role.OPERATIONS_LEAD, regions=["EMEA"], username="lead.tiers")
    client.login(username=lead.username, password=PASSWORD)

    response = client.get("/home/operations-lead/")

    counted = [(t.name, t.total, t.in_my_regions, t.locked) for t in card(response, "tiers")["tiers"]]
    assert counted == [("Strategic", 0, 0, 0), ("Premier", 1, 0, 0), ("Standard", 2, 2, 1)]
    assert f"2 / {standard.capacity}" in response.content.decode()


def test_the_case_figures_count_open_cases_in_my_regions_only(client):
    emea, amer = RegionFactory(code="EMEA"), RegionFactory(code="AMER")
    mine, theirs = CustomerFactory(region=emea), CustomerFactory(region=amer)
    now = timezone.now()
    ServiceCaseFactory(customer=mine)
    ServiceCaseFactory(customer=mine, breached=True)
    ServiceCaseFactory(customer=mine, resolved_at=now, breached=True)  # resolved: in no figure
    ServiceCaseFactory(customer=theirs, breached=True)  # another region
    ServiceCaseFactory(
        customer=mine, first_response_at=None, response_due_at=now - datetime.timedelta(hours=1)
    )
    member = user_with(Role.BOARD_MEMBER, regions=["EMEA"], username="member.cases")
    client.login(username=member.username, password=PASSWORD)

    figures = card(client.get("/home/board-member/"), "service")["cases"]

    assert (figures["open_count"], figures["breached_count"], figures["within_count"]) == (3, 2, 1)


def test_a_region_taken_away_is_out_of_scope_on_the_next_request(client):
    emea, amer = RegionFactory(code="EMEA"), RegionFactory(code="AMER")
    CustomerFactory(region=emea, name="Kept Ltd")
    CustomerFactory(region=amer, name="Faraway Inc")
    lead = user_with(Role.OPERATIONS_LEAD, regions=["EMEA", "AMER"], username="lead.moves")
    client.login(username=lead.username, password=PASSWORD)
    names = [c["name"] for c in client.get("/api/v1/customers/").json()["results"]]
    assert sorted(names) == ["Faraway Inc", "Kept Ltd"]

    lead.regions.remove(Region.objects.get(code="AMER"))

    names = [c["name"] for c in client.get("/api/v1/customers/").json()["results"]]
    assert names == ["Kept Ltd"]
    page = client.get("/home/operations-lead/").content.decode()
    assert ">EMEA<" in page and ">AMER<" not in page
