"""Home pages tell the truth (issue 15, item 8): the operations lead's home shows the dashboard's headline
figures for their regions and links into it; board members and auditors get a link."""

import datetime

import pytest
from django.utils import timezone

from exceptions.models import ExceptionRequest
from intimacy_ops.accounts.roles import Role
from tests.dashboard.panels_fixture import people, sla_fixture
from tests.exceptions.factories import ExceptionRequestFactory, ProcessFactory
from tests.factories import user_with
from tests.segments.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    s = people()
    s.sla = sla_fixture(s)
    return s


def home(client, user, role: str) -> str:
    client.force_login(user)
    response = client.get(f"/home/{role}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_operations_lead_reads_the_sla_compliance_of_their_regions(client, world):
    text = home(client, world.oscar, "operations-lead")
    assert 'data-testid="sla-compliance-figure">83.3 %' in text  # 5 of 6 EMEA cases; AMER's 3 late ones not
    assert "6 cases closed" in text
    assert 'href="/dashboard/#panel-sla-compliance"' in text


def test_the_decisions_waiting_say_how_long_they_have_waited(client, world):
    customer = CustomerFactory(region=world.emea, account_manager=world.alice)
    ExceptionRequestFactory(
        customer=customer,
        title="Saturday deliveries",
        status=ExceptionRequest.Status.SUBMITTED,
        route=ExceptionRequest.Route.LEAD,
        status_changed_at=timezone.now() - datetime.timedelta(days=3, hours=2),
    )
    text = home(client, world.oscar, "operations-lead")
    assert "Saturday deliveries" in text
    assert 'data-testid="waiting-age">waiting 3\xa0days' in text


@pytest.mark.parametrize("role", [Role.BOARD_MEMBER, Role.AUDITOR])
def test_board_members_and_auditors_get_a_link_to_the_dashboard(client, world, role):
    user = user_with(role, regions=["EMEA", "AMER"])
    text = home(client, user, role.slug)
    assert 'data-testid="dashboard-link"' in text and 'href="/dashboard/"' in text


def test_the_operations_lead_reads_the_monthly_cost_of_the_exceptions_active_in_their_regions(client, world):
    for region, manager, monthly in (
        (world.emea, world.alice, "1200"),
        (world.emea, world.alice, "300"),
        (world.amer, world.bob, "9000"),
    ):
        ExceptionRequestFactory(
            customer=CustomerFactory(region=region, account_manager=manager),
            status=ExceptionRequest.Status.ACTIVE,
            estimated_monthly_cost=monthly,
        )
    text = home(client, world.oscar, "operations-lead")
    assert 'data-testid="exception-monthly-cost">EUR 1,500<' in text  # AMER's 9,000 not counted
    assert 'href="/dashboard/#panel-exceptions-by-process"' in text


def test_the_monthly_cost_comes_from_the_summary_once_refreshed_and_says_how_fresh(client, world):
    """Live before the first refresh; then the summary's figure (a request activated after the refresh is
    not in it yet, and the card says as of when), without summing the requests themselves."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.dashboard.world import refresh

    def active(monthly):
        ExceptionRequestFactory(
            customer=CustomerFactory(region=world.emea, account_manager=world.alice),
            status=ExceptionRequest.Status.ACTIVE,
            estimated_monthly_cost=monthly,
        )

    active("1200")
    text = home(client, world.oscar, "operations-lead")
    assert 'data-testid="exception-monthly-cost">EUR 1,200<' in text
    assert "figures-as-of" not in text

    refresh()
    active("300")  # after the refresh: the next one counts it
    with CaptureQueriesContext(connection) as queries:
        text = home(client, world.oscar, "operations-lead")
    assert 'data-testid="exception-monthly-cost">EUR 1,200<' in text
    assert 'data-testid="figures-as-of">As of' in text
    assert not [
        q for q in queries if 'SUM("exceptions_exceptionrequest"."estimated_monthly_cost")' in q["sql"]
    ]

    refresh()
    assert 'data-testid="exception-monthly-cost">EUR 1,500<' in home(client, world.oscar, "operations-lead")


def test_the_operations_lead_reads_the_three_processes_most_drifted_from(client, world):
    """Drift: the share of the lead's customers holding an active exception against the process."""
    customers = [  # with the two of the SLA fixture: 10 customers in EMEA
        CustomerFactory(region=world.emea, account_manager=world.alice) for _ in range(8)
    ]
    amer = CustomerFactory(region=world.amer, account_manager=world.bob)
    held = {"Shipping": customers[:4], "Billing": customers[:2], "Returns": customers[:1], "Onboarding": []}
    for name, holders in held.items():
        process = ProcessFactory(name=name)
        for customer in [*holders, amer, amer]:  # AMER's holders count in AMER only
            ExceptionRequestFactory(customer=customer, process=process, status=ExceptionRequest.Status.ACTIVE)
    text = home(client, world.oscar, "operations-lead")
    top = text.split('data-testid="drift-top"')[1].split("</ol>")[0]
    names = [name for name in held if name in top]
    assert names == ["Shipping", "Billing", "Returns"]
    assert "40.0 %" in top and "20.0 %" in top and "10.0 %" in top
