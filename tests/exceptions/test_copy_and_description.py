"""Issue 18, defects 7 and 9: "copy this request" starts a new draft from a request the person may see; the
process page shows the description its owner edited."""

import pytest

from exceptions.services import lifecycle
from exceptions.services.catalog import update_process
from tests.exceptions.factories import ExceptionRequestFactory, scenario

pytestmark = pytest.mark.django_db


def test_alice_copies_a_submitted_request_into_a_new_form(browse):
    s = scenario()
    original = ExceptionRequestFactory(
        customer=s.acme, process=s.fulfilment, title="Saturday deliveries", deviation="Ship on Saturdays."
    )
    lifecycle.submit_request(exception=original, actor=s.alice)
    client = browse(s.alice)
    page = client.get(f"/exceptions/{original.pk}/").content.decode()
    assert f'href="/exceptions/new/?copy={original.pk}" data-testid="copy-link"' in page
    form = client.get(f"/exceptions/new/?copy={original.pk}").content.decode()
    assert 'value="Copy of Saturday deliveries"' in form and "Ship on Saturdays." in form
    # Someone who may not see it gets the 404 of any request out of their scope.
    assert browse(s.bob).get(f"/exceptions/new/?copy={original.pk}").status_code == 404


def test_the_process_page_shows_its_edited_description(browse):
    s = scenario()
    update_process(actor=s.olivia, process=s.fulfilment, description="Pick, pack and ship within 24 h.")
    page = browse(s.olivia).get(f"/exceptions/processes/{s.fulfilment.pk}/").content.decode()
    assert 'data-testid="process-description">Pick, pack and ship within 24 h.' in page
