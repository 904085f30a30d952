"""Issue 18, defect 4: figures that mislead. A data steward's customer page does not say "None recorded yet"
when the customer has requests she may not open; the similar-requests panel says how many of its count it
does not list, and why."""

import pytest

from exceptions.models import ExceptionRequest
from intimacy_ops.accounts.roles import Role
from tests.exceptions.factories import ExceptionRequestFactory, ProcessFactory
from tests.factories import PASSWORD, user_with
from tests.segments.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_a_steward_is_told_the_customer_has_requests_out_of_her_scope(client):
    alice = user_with(Role.ACCOUNT_MANAGER, username="am.figures")
    acme = CustomerFactory(account_manager=alice)
    ExceptionRequestFactory.create_batch(2, customer=acme, status=ExceptionRequest.Status.ACTIVE)
    ExceptionRequestFactory(customer=acme)  # a draft: alice's alone, never counted for others
    sam = user_with(Role.DATA_STEWARD, username="steward.figures")
    assert client.login(username=sam.username, password=PASSWORD)
    html = client.get(f"/segments/customers/{acme.pk}/").content.decode()
    assert "None recorded yet" not in html
    assert "2 exception requests for this customer outside what your role may open" in html


def test_the_similar_panel_says_how_many_it_does_not_list_and_why(client):
    alice = user_with(Role.ACCOUNT_MANAGER, username="am.similar")
    process = ProcessFactory()
    mine = CustomerFactory(account_manager=alice)
    ExceptionRequestFactory(customer=mine, process=process, status=ExceptionRequest.Status.ACTIVE)
    bob = user_with(Role.ACCOUNT_MANAGER, regions=["AMER"], username="am.amer")
    amer = CustomerFactory(region=bob.regions.get(), account_manager=bob)
    ExceptionRequestFactory(customer=amer, process=process, status=ExceptionRequest.Status.ACTIVE)
    assert client.login(username=alice.username, password=PASSWORD)
    html = client.get(f"/exceptions/similar/?process={process.pk}").content.decode()
    assert 'data-testid="similar-count">2<' in html
    assert html.count('data-testid="similar-row"') == 1
    assert "1 of them is in regions or accounts you cannot see" in html
