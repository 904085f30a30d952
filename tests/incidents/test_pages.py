"""The incident pages: the list (scoped, filtered by the API's filters, a constant number of queries), an
incident's page (facts, buttons the table and the rules allow, the timeline), the declare form (bad input and
a region not yours come back on the same page, nothing written), steps and updates from the page."""

import datetime

import pytest
from django.utils import timezone

from incidents.models import Incident
from intimacy_ops.accounts.roles import Role
from tests.exceptions.factories import scenario
from tests.factories import user_with
from tests.incidents.factories import incident

pytestmark = pytest.mark.django_db


@pytest.fixture
def s():
    world = scenario()
    world.lead_amer = user_with(Role.OPERATIONS_LEAD, regions=["AMER"], username="ops.amer")
    return world


def _local(hours: float) -> str:
    return timezone.localtime(timezone.now() + datetime.timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")


def test_the_list_shows_the_incidents_of_your_regions(s, browse):
    incident(s.oscar, [s.emea], title="Picking robots stopped")
    incident(s.lead_amer, [s.amer], title="Billing run failed")

    page = browse(s.alice).get("/incidents/")

    assert page.status_code == 200
    html = page.content.decode()
    assert "Picking robots stopped" in html and "Billing run failed" not in html
    assert "Declare an incident" not in html  # an account manager does not declare


def test_a_bad_filter_is_a_400_on_the_page(s, browse):
    page = browse(s.oscar).get("/incidents/?status=burning")
    assert page.status_code == 400 and "Fix the filters" in page.content.decode()


@pytest.mark.parametrize("rows", [2, 30])
def test_the_list_costs_the_same_queries_for_few_or_many_rows(s, browse, django_assert_max_num_queries, rows):
    for _ in range(rows):
        incident(s.oscar, [s.emea, s.amer])
    client = browse(s.oscar)
    with django_assert_max_num_queries(20):
        page = client.get("/incidents/").content.decode()
    assert page.count('data-testid="incident-row"') == min(rows, 25)


def test_a_lead_declares_from_the_form_and_lands_on_its_page(s, browse):
    client = browse(s.oscar)
    assert client.get("/incidents/new/").status_code == 200

    response = client.post(
        "/incidents/new/",
        {
            "title": "Carrier strike",
            "kind": "delay",
            "severity": "critical",
            "regions": ["EMEA"],
            "processes": [s.fulfilment.pk],
            "started_at": _local(-3),
            "description": "Trucks held at the depot.",
        },
    )

    made = Incident.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/incidents/{made.pk}/"
    assert (made.owner, made.severity, list(made.regions.values_list("code", flat=True))) == (
        s.oscar,
        "critical",
        ["EMEA"],
    )
    page = client.get(response["Location"]).content.decode()
    assert (
        "Carrier strike" in page
        and "Trucks held at the depot." in page
        and 'data-testid="step-mitigate"' in page
    )


def test_bad_input_comes_back_on_the_form_nothing_written(s, browse):
    client = browse(s.oscar)

    future = client.post(
        "/incidents/new/",
        {"title": "x", "kind": "delay", "severity": "minor", "regions": ["EMEA"], "started_at": _local(3)},
    )
    not_mine = client.post(
        "/incidents/new/",
        {"title": "x", "kind": "delay", "severity": "minor", "regions": ["AMER"], "started_at": _local(-3)},
    )

    assert future.status_code == 400 and "cannot start in the future" in future.content.decode()
    assert not_mine.status_code == 400 and 'data-testid="regions-error"' in not_mine.content.decode()
    assert not Incident.objects.exists()


def test_the_declare_form_is_refused_to_an_account_manager(s, browse):
    assert browse(s.alice).get("/incidents/new/").status_code == 403


def test_steps_and_updates_from_the_page(s, browse):
    made = incident(s.oscar, [s.emea])
    client = browse(s.oscar)

    assert (
        client.post(f"/incidents/{made.pk}/updates/", {"text": "Workaround: manual picking."}).status_code
        == 302
    )
    assert client.post(f"/incidents/{made.pk}/step/", {"action": "mitigate"}).status_code == 302
    no_reason = client.post(f"/incidents/{made.pk}/step/", {"action": "cancel", "comment": ""})
    wrong_state = client.post(f"/incidents/{made.pk}/step/", {"action": "review"})

    assert no_reason.status_code == 400 and "Say why the incident is cancelled." in no_reason.content.decode()
    assert wrong_state.status_code == 409
    made.refresh_from_db()
    assert made.status == "mitigated"
    page = client.get(f"/incidents/{made.pk}/").content.decode()
    assert "Workaround: manual picking." in page and page.count('data-testid="timeline-line"') == 2


def test_an_account_manager_reads_the_page_without_buttons_and_may_not_post(s, browse):
    made = incident(s.oscar, [s.emea])
    client = browse(s.alice)

    page = client.get(f"/incidents/{made.pk}/").content.decode()

    assert 'data-testid="incident-steps"' not in page and 'data-testid="update-form"' not in page
    assert client.post(f"/incidents/{made.pk}/step/", {"action": "resolve"}).status_code == 403
    assert client.post(f"/incidents/{made.pk}/updates/", {"text": "x"}).status_code == 403
    assert browse(s.bob).get(f"/incidents/{made.pk}/").status_code == 404
