"""Issue 18, defect 7: "no discard draft". The requester discards a draft after a confirmation: it is gone, the
audit trail keeps that it existed; nobody else may; a submitted request is withdrawn, not discarded (409)."""

import pytest

from exceptions.models import ExceptionRequest
from exceptions.services import lifecycle
from intimacy_ops.audit.models import AuditEvent
from tests.exceptions.factories import ExceptionRequestFactory, scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def s():
    s = scenario()
    s.draft = ExceptionRequestFactory(customer=s.acme, process=s.fulfilment, title="Sunday picks")
    return s


def test_the_requester_discards_a_draft_after_confirming(s, browse):
    client = browse(s.alice)
    assert 'data-testid="discard-link"' in client.get(f"/exceptions/{s.draft.pk}/").content.decode()
    page = client.get(f"/exceptions/{s.draft.pk}/discard/")
    assert page.status_code == 200 and 'data-testid="discard-confirm"' in page.content.decode()
    unconfirmed = client.post(f"/exceptions/{s.draft.pk}/discard/", {})
    assert unconfirmed.status_code == 400 and 'data-testid="error-confirm"' in unconfirmed.content.decode()
    assert ExceptionRequest.objects.filter(pk=s.draft.pk).exists()
    done = client.post(f"/exceptions/{s.draft.pk}/discard/", {"confirm": "on"}, follow=True)
    assert done.status_code == 200 and "The draft Sunday picks is discarded." in done.content.decode()
    assert not ExceptionRequest.objects.filter(pk=s.draft.pk).exists()
    event = AuditEvent.objects.get(verb="exception.discarded")
    assert event.object_id == str(s.draft.pk) and event.before["title"] == "Sunday picks"
    assert client.get(f"/exceptions/{s.draft.pk}/").status_code == 404


@pytest.mark.parametrize("who", ["amy", "oscar", "carol"])
def test_nobody_else_discards_it(s, browse, who):
    client = browse(getattr(s, who))
    assert client.get(f"/exceptions/{s.draft.pk}/discard/").status_code == 404
    assert client.post(f"/exceptions/{s.draft.pk}/discard/", {"confirm": "on"}).status_code == 404
    assert ExceptionRequest.objects.filter(pk=s.draft.pk).exists()


def test_a_submitted_request_is_not_discarded(s, browse):
    lifecycle.submit_request(exception=s.draft, actor=s.alice)
    client = browse(s.alice)
    assert client.get(f"/exceptions/{s.draft.pk}/discard/").status_code == 409
    assert client.post(f"/exceptions/{s.draft.pk}/discard/", {"confirm": "on"}).status_code == 409
    s.draft.refresh_from_db()
    assert s.draft.status == "submitted"
    assert 'data-testid="discard-link"' not in client.get(f"/exceptions/{s.draft.pk}/").content.decode()
