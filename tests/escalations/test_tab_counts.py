"""Issue 18, defect 6: after an in-place acknowledge, the state tabs' counts follow (the row moves from
"Open" to "Acknowledged" without a reload)."""

import re

import pytest
from django.test import Client

from tests.escalations.factories import breached_case, cast, escalate


@pytest.fixture
def people(db):
    return cast()


def test_acknowledging_in_place_updates_the_tab_counts(people):
    escalation = escalate(breached_case(people.alice))[0]
    escalate(breached_case(people.alice, title="Second"))
    client = Client()
    client.force_login(people.alice)
    page = client.get("/escalations/").content.decode()
    assert re.search(r'data-testid="tab-open">Open<span class="count">2<', page)
    response = client.post(
        f"/escalations/{escalation.pk}/acknowledge/",
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="http://testserver/escalations/?state=open",
    ).content.decode()
    assert 'id="escalation-tabs" hx-swap-oob="true"' in response
    assert re.search(r'data-testid="tab-open">Open<span class="count">1<', response)
    assert re.search(r'data-testid="tab-acknowledged">Acknowledged<span class="count">1<', response)
    assert re.search(r'aria-current="true" data-testid="tab-open"', response)
