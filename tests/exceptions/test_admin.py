"""The admin lists processes, requests and boards read-only (writes go through the services)."""

import pytest

from tests.exceptions.factories import ExceptionRequestFactory, scenario
from tests.factories import PASSWORD, user_with

pytestmark = pytest.mark.django_db

PAGES = [
    "exceptions/process",
    "exceptions/processversion",
    "exceptions/routingthreshold",
    "exceptions/exceptionrequest",
    "exceptions/exceptiontransition",
    "exceptions/costentry",
    "exceptions/extensionrequest",
    "governance/board",
    "governance/review",
]


@pytest.mark.parametrize("page", PAGES)
def test_admin_lists_read_only(client, page):
    s = scenario()
    ExceptionRequestFactory(customer=s.acme, process=s.fulfilment)
    admin = user_with("administrator", regions=[], username="root")
    client.login(username=admin.username, password=PASSWORD)
    response = client.get(f"/admin/{page}/")
    assert response.status_code == 200
    assert client.get(f"/admin/{page}/add/").status_code == 403
