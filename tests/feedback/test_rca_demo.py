"""The demo's RCAs: one mid-analysis opened by the check, one closed with its effectiveness recorded; a second
seed adds nothing."""

import pytest
from django.core.management import call_command

from feedback.models import FeedbackItem, RootCauseAnalysis

pytestmark = pytest.mark.django_db


def test_the_demo_has_an_rca_mid_analysis_and_a_closed_one_with_its_effect():
    call_command("seed_demo", verbosity=0)
    mid = RootCauseAnalysis.objects.get(process__name="Warehouse picking and shipping", trigger="recurring")
    assert mid.status == "analysing" and mid.owner.username == "owner.olivia"
    assert mid.whys.count() == 4 and mid.triggering_items.count() >= 5
    assert sorted(mid.actions.values_list("status", flat=True)) == ["in_progress", "planned"]
    closed = RootCauseAnalysis.objects.get(status="closed", process__name="Invoicing and payment terms")
    # Its own ten answers (3 of 5 negative before, 1 of 5 after) and whatever the demo's 200 items add there.
    assert closed.effectiveness_recorded_at is not None
    assert closed.before_total >= 5 and closed.after_total >= 5 and closed.before_negative >= 3

    counts = (RootCauseAnalysis.objects.count(), FeedbackItem.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (RootCauseAnalysis.objects.count(), FeedbackItem.objects.count()) == counts
