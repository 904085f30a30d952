"""Feedback text is the customer's confidential data: masked for everyone but its account manager (and a
grantee), access-logged when shown, in the data-subject export, and under a retention kind."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from feedback.models import FeedbackItem
from privacy.models import AccessLogEntry, RetentionPolicy
from tests.exceptions.factories import scenario
from tests.factories import user_with
from tests.feedback.factories import FeedbackItemFactory
from tests.segments.factories import CustomerFactory

pytestmark = pytest.mark.django_db

SAID = "Our warehouse manager Jane Roe was upset by the late pallets."


@pytest.fixture
def s():
    return scenario()


def test_the_admin_masks_feedback_text_for_the_administrator(s, client):
    item = FeedbackItemFactory(customer=s.acme, text=SAID)
    client.force_login(user_with("administrator", username="admin.ann"))

    listing = client.get("/admin/feedback/feedbackitem/").content.decode()
    detail = client.get(f"/admin/feedback/feedbackitem/{item.pk}/change/").content.decode()

    for html in (listing, detail):
        assert "Jane Roe" not in html and "***" in html
    assert not AccessLogEntry.objects.exists()


def test_the_subject_export_has_the_customers_feedback_unmasked(s, signed_in_api):
    FeedbackItemFactory(customer=s.acme, text=SAID, source="nps_survey", score=3)
    FeedbackItemFactory(customer=s.zenith, text="Someone else's words.")
    steward = user_with("data steward", regions=["EMEA", "AMER"], username="steward.sam")

    response = signed_in_api(steward).get(
        f"/api/v1/customers/{s.acme.pk}/subject-export/", {"purpose": "Request DSR-118 of 20 Nov"}
    )

    assert response.status_code == 200
    [said] = response.json()["feedback"]
    assert (said["text"], said["source"], said["score"]) == (SAID, "nps_survey", 3)


def _retention(*, dry_run: bool) -> str:
    out = StringIO()
    call_command("apply_retention", *(["--dry-run"] if dry_run else []), stdout=out)
    return out.getvalue()


def test_retention_blanks_old_feedback_text_except_on_legal_hold(s):
    old = timezone.localdate() - datetime.timedelta(days=800)
    expired = FeedbackItemFactory(customer=s.acme, text=SAID, received_on=old)
    recent = FeedbackItemFactory(customer=s.acme, text=SAID)
    held = FeedbackItemFactory(customer=CustomerFactory(legal_hold=True), text=SAID, received_on=old)
    RetentionPolicy.objects.create(kind="feedback_items", action="anonymize", keep_months=24)

    assert "would anonymize 1 feedback items" in _retention(dry_run=True)
    assert FeedbackItem.objects.get(pk=expired.pk).text == SAID

    assert "anonymized 1 feedback items" in _retention(dry_run=False)
    assert FeedbackItem.objects.get(pk=expired.pk).text == ""
    assert FeedbackItem.objects.get(pk=recent.pk).text == SAID
    assert FeedbackItem.objects.get(pk=held.pk).text == SAID
