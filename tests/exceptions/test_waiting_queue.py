"""Issue 18, defect 6: "Waiting for me" says oldest first; it now shows each request's age (how long it has
waited), its risk and its costs in the currency."""

import pytest
from django.conf import settings

from exceptions.services import lifecycle
from tests.exceptions.factories import ExceptionRequestFactory, scenario

pytestmark = pytest.mark.django_db


def test_the_leads_queue_shows_age_risk_and_cost(browse):
    s = scenario()
    draft = ExceptionRequestFactory(customer=s.acme, process=s.fulfilment, risk_rating="medium")
    lifecycle.submit_request(exception=draft, actor=s.alice)
    html = browse(s.oscar).get("/exceptions/waiting/").content.decode()
    assert 'data-testid="risk">Medium<' in html
    assert 'data-testid="waiting-since"' in html and "<time" in html
    assert f"{settings.CURRENCY} 500" in html
