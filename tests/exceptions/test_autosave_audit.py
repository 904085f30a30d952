"""Issue 18, defect 8: autosave wrote an audit event every few seconds (eight for one draft). A draft's edits
while typing are recorded once per window; a save that changes nothing records nothing; the submission is
recorded as always."""

import pytest

from exceptions.models import ExceptionRequest
from intimacy_ops.audit import AuditEvent
from tests.exceptions.factories import scenario
from tests.exceptions.test_pages import AUTOSAVE, HTMX, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def s():
    return scenario()


def test_typing_a_draft_writes_a_handful_of_audit_events_not_one_per_autosave(s, browse):
    client = browse(s.alice)
    client.post(AUTOSAVE, form_data(s), **HTMX)
    draft = ExceptionRequest.objects.get()
    for n in range(8):
        client.post(AUTOSAVE, form_data(s, draft=draft.pk, title=f"Saturday deliveries, take {n}"), **HTMX)
        client.post(AUTOSAVE, form_data(s, draft=draft.pk, title=f"Saturday deliveries, take {n}"), **HTMX)
    draft.refresh_from_db()
    assert draft.title == "Saturday deliveries, take 7"  # every autosave still saved
    events = AuditEvent.objects.filter(object_id=str(draft.pk), object_type="exceptions.exceptionrequest")
    assert list(events.order_by("id").values_list("verb", flat=True)) == ["exception.created"]

    client.post(f"/exceptions/{draft.pk}/submit/")
    assert events.filter(verb__icontains="submit").exists() or events.count() == 2
