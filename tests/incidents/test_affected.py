"""Affected customers (issue 19, item 2): chosen by rule (segment, region, process — every criterion given holds)
against a fixture, or from a CSV list; only customers of the incident's regions the person sees; added once;
shown with tier, account manager and open cases (an account manager: their own only); the list's query count
does not grow with rows; the account manager sees the incident on their home and on the customer's page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from incidents.models import AffectedCustomer, IncidentUpdate
from intimacy_ops.accounts.roles import Role
from tests.exceptions.factories import ExceptionRequestFactory, scenario
from tests.factories import user_with
from tests.incidents.factories import incident
from tests.segments.factories import CustomerFactory, ServiceCaseFactory, tiers

pytestmark = pytest.mark.django_db


@pytest.fixture
def s():
    world = scenario()
    world.strategic, world.premier, world.standard = tiers()
    # EMEA: alice's two strategic customers (one running a fulfilment variation), amy's premier one, an
    # unmanaged standard one; AMER: bob's strategic one (outside an EMEA incident whatever the rule).
    world.acme.segment = world.strategic
    world.acme.save()
    world.borealis.segment = world.premier
    world.borealis.save()
    world.cobalt = CustomerFactory(
        name="Cobalt", region=world.emea, account_manager=world.alice, segment=world.strategic
    )
    world.dune = CustomerFactory(name="Dune", region=world.emea, segment=world.standard)
    world.zenith.segment = world.strategic
    world.zenith.save()
    ExceptionRequestFactory(
        customer=world.acme, process=world.fulfilment, status="active", requested_by=world.alice
    )
    ExceptionRequestFactory(
        customer=world.dune, process=world.fulfilment, status="draft", requested_by=world.alice
    )
    ServiceCaseFactory(customer=world.acme)
    ServiceCaseFactory(customer=world.acme)
    world.incident = incident(world.oscar, [world.emea])
    return world


def _affected(incident) -> set[str]:
    return set(AffectedCustomer.objects.filter(incident=incident).values_list("customer__name", flat=True))


def _add(client, incident, **body):
    return client.post(f"/api/v1/incidents/{incident.pk}/customers/", body, format="json")


def test_by_segment_only_the_incidents_regions(s, signed_in_api):
    response = _add(signed_in_api(s.oscar), s.incident, segments=[s.strategic.pk])

    assert response.status_code == 201, response.content
    assert response.json() == {"added": 2, "total": 2}
    assert _affected(s.incident) == {"Acme", "Cobalt"}  # Zenith is strategic too, but in AMER
    line = IncidentUpdate.objects.filter(incident=s.incident, kind="note").get()
    assert line.text == "2 customers added by rule: segment Strategic."


def test_by_process_customers_running_a_variation_of_it(s, signed_in_api):
    _add(signed_in_api(s.oscar), s.incident, processes=[s.fulfilment.pk])
    assert _affected(s.incident) == {"Acme"}  # Dune's request is a draft


def test_criteria_together_and_by_region(s, signed_in_api):
    client = signed_in_api(s.oscar)
    _add(client, s.incident, segments=[s.strategic.pk, s.premier.pk], processes=[s.fulfilment.pk])
    assert _affected(s.incident) == {"Acme"}
    _add(client, s.incident, regions=["EMEA"])
    assert _affected(s.incident) == {"Acme", "Borealis", "Cobalt", "Dune"}


def test_adding_twice_adds_nothing_more(s, signed_in_api):
    client = signed_in_api(s.oscar)
    _add(client, s.incident, segments=[s.strategic.pk])
    again = _add(client, s.incident, segments=[s.strategic.pk])
    assert again.json() == {"added": 0, "total": 2}
    assert AffectedCustomer.objects.count() == 2


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "segments"),
        ({"regions": ["AMER"]}, "regions"),
        ({"segments": [999999]}, "segments"),
        ({"csv": ""}, "csv"),
    ],
)
def test_a_bad_rule_is_a_400_naming_the_field_nothing_added(s, signed_in_api, body, field):
    response = _add(signed_in_api(s.oscar), s.incident, **body)
    assert response.status_code == 400 and field in response.json(), response.content
    assert not AffectedCustomer.objects.exists()


def test_from_a_list_by_id_or_external_id(s, signed_in_api):
    client = signed_in_api(s.oscar)
    by_id = _add(client, s.incident, csv=f"id\r\n{s.acme.pk}\r\n{s.dune.pk}\r\n")
    by_external = _add(client, s.incident, csv=f"\ufeffname,external_id\nB,{s.borealis.external_id}\n")

    assert by_id.json()["added"] == 2 and by_external.json()["added"] == 1
    assert _affected(s.incident) == {"Acme", "Dune", "Borealis"}
    assert set(AffectedCustomer.objects.values_list("via", flat=True)) == {"list"}


def test_a_list_naming_a_customer_you_may_not_add_refuses_the_whole_file(s, signed_in_api):
    client = signed_in_api(s.oscar)
    other_region = _add(client, s.incident, csv=f"id\n{s.acme.pk}\n{s.zenith.pk}\n")
    unknown = _add(client, s.incident, csv="external_id\nNOPE-1\n")
    no_column = _add(client, s.incident, csv="name\nAcme\n")

    assert other_region.status_code == 400 and str(s.zenith.pk) in other_region.json()["file"][0]
    assert unknown.status_code == 400 and "NOPE-1" in unknown.json()["file"][0]
    assert no_column.status_code == 400 and "file" in no_column.json()
    assert not AffectedCustomer.objects.exists()


def test_only_who_runs_the_incident_adds_and_only_while_it_is_active(s, signed_in_api):
    assert _add(signed_in_api(s.alice), s.incident, segments=[s.strategic.pk]).status_code == 403
    resolved = incident(s.oscar, [s.emea], "resolved")
    assert _add(signed_in_api(s.oscar), resolved, segments=[s.strategic.pk]).status_code == 409
    assert not AffectedCustomer.objects.exists()


def test_shown_with_tier_account_manager_open_cases_an_account_manager_sees_their_own(s, signed_in_api):
    _add(signed_in_api(s.oscar), s.incident, regions=["EMEA"])

    lead = signed_in_api(s.oscar).get(f"/api/v1/incidents/{s.incident.pk}/customers/").json()
    alice = signed_in_api(s.alice).get(f"/api/v1/incidents/{s.incident.pk}/customers/").json()
    amy = signed_in_api(s.amy).get(f"/api/v1/incidents/{s.incident.pk}/customers/").json()

    assert [row["name"] for row in lead["results"]] == [
        "Acme",
        "Cobalt",
        "Borealis",
        "Dune",
    ]  # by tier, then name
    acme = lead["results"][0]
    assert (acme["tier"], acme["tier_rank"], acme["account_manager"], acme["open_cases"], acme["region"]) == (
        "Strategic",
        1,
        "am.alice",
        2,
        "EMEA",
    )
    assert [row["name"] for row in alice["results"]] == ["Acme", "Cobalt"]
    assert [row["name"] for row in amy["results"]] == ["Borealis"]
    assert signed_in_api(s.bob).get(f"/api/v1/incidents/{s.incident.pk}/customers/").status_code == 404


@pytest.mark.parametrize("more", [1, 40])
def test_the_customers_list_costs_the_same_queries_for_few_or_many(
    s, signed_in_api, django_assert_max_num_queries, more
):
    for n in range(more):
        CustomerFactory(region=s.emea, account_manager=s.amy, segment=s.premier, name=f"More {n:02d}")
    client = signed_in_api(s.oscar)
    _add(client, s.incident, regions=["EMEA"])
    with django_assert_max_num_queries(8):
        body = client.get(f"/api/v1/incidents/{s.incident.pk}/customers/?page_size=50").json()
    assert body["count"] == more + 4 and len(body["results"]) == more + 4


def test_the_page_lists_them_and_adds_by_rule_or_file(s, browse):
    client = browse(s.oscar)
    added = client.post(
        f"/incidents/{s.incident.pk}/customers/", {"how": "rule", "segments": [s.strategic.pk]}
    )
    assert added.status_code == 302
    upload = SimpleUploadedFile("list.csv", f"id\n{s.dune.pk}\n".encode(), content_type="text/csv")
    assert (
        client.post(f"/incidents/{s.incident.pk}/customers/", {"how": "list", "file": upload}).status_code
        == 302
    )
    bad = client.post(f"/incidents/{s.incident.pk}/customers/", {"how": "rule"})
    assert bad.status_code == 400 and 'data-testid="rule-error"' in bad.content.decode()
    page = client.get(f"/incidents/{s.incident.pk}/").content.decode()
    assert page.count('data-testid="affected-row"') == 3


@pytest.mark.parametrize("more", [3, 40])
def test_the_incident_page_costs_the_same_queries_for_few_or_many_customers(
    s, browse, signed_in_api, django_assert_max_num_queries, more
):
    for n in range(more):
        CustomerFactory(region=s.emea, account_manager=s.amy, segment=s.premier, name=f"More {n:02d}")
    _add(signed_in_api(s.oscar), s.incident, regions=["EMEA"])
    client = browse(s.oscar)
    with django_assert_max_num_queries(30):
        page = client.get(f"/incidents/{s.incident.pk}/").content.decode()
    assert page.count('data-testid="affected-row"') == min(more + 4, 25)


def test_the_account_manager_sees_it_on_their_home_and_on_the_customers_page(s, browse, signed_in_api):
    _add(signed_in_api(s.oscar), s.incident, segments=[s.strategic.pk])
    client = browse(s.alice)

    home = client.get("/home/account-manager/").content.decode()
    customer = client.get(f"/segments/customers/{s.acme.pk}/").content.decode()
    unaffected = client.get(f"/segments/customers/{s.borealis.pk}/").content.decode()

    assert (
        'data-testid="incidents-card"' in home and s.incident.title in home and "2 of your customers" in home
    )
    assert 'data-testid="customer-incident"' in customer and s.incident.title in customer
    assert 'data-testid="customer-incidents"' not in unaffected
    amy_home = browse(user_with(Role.ACCOUNT_MANAGER, regions=["EMEA"], username="am.other")).get(
        "/home/account-manager/"
    )
    assert s.incident.title not in amy_home.content.decode()
