"""Tier changes respect regions (issue 17, item 7): segments are shared across regions, so a threshold change
moving customers of a region the user does not lead is refused (403 naming the regions); an administrator
(or a lead of every affected region) applies it; the moved customers' account managers are told, one grouped
notice each; the change can be reverted from its history entry, through the same preview."""

from collections import Counter

import pytest

from intimacy_ops.notifications.models import Notification
from segments.models import Customer, Segment, ThresholdChange
from tests.segments.factories import five_customers

pytestmark = pytest.mark.django_db

# Lowering Premier: Cobalt (EMEA, amy) and Evergreen (AMER, bob) rise from Standard to Premier.
LOWER_PREMIER = {"min_annual_revenue": "300000", "min_strategic_value": 2, "min_lifetime_value": "500000"}


@pytest.fixture
def scene():
    return five_customers()


def _preview_and_apply(client, proposal, reason="Q3 tier review"):
    shown = client.post("/api/v1/segments/preview/", proposal, format="json").json()
    return client.post(
        "/api/v1/segments/apply/",
        proposal | {"fingerprint": shown["fingerprint"], "reason": reason},
        format="json",
    )


def _counts() -> dict[str, int]:
    return dict(Counter(Customer.objects.values_list("segment__name", flat=True)))


def test_a_one_region_lead_moving_another_region_s_customers_is_refused_naming_it(scene, signed_in_api):
    before = _counts()

    response = _preview_and_apply(
        signed_in_api(scene.oscar), {"segments": [{"id": scene.premier.pk, **LOWER_PREMIER}]}
    )

    assert response.status_code == 403
    assert response.json()["regions"] == ["AMER"] and "AMER" in response.json()["detail"]
    assert _counts() == before
    assert Segment.objects.get(pk=scene.premier.pk).min_strategic_value == 3
    assert not ThresholdChange.objects.exists()


def test_a_change_within_the_lead_s_own_region_is_theirs(scene, signed_in_api):
    # Raising Strategic's lifetime value drops only Acme (EMEA) to Premier.
    proposal = {"segments": [{"id": scene.strategic.pk, "min_lifetime_value": "30000000"}]}

    response = _preview_and_apply(signed_in_api(scene.oscar), proposal)

    assert response.status_code == 200, response.json()
    assert ThresholdChange.objects.get().regions == ["EMEA"]


def test_an_administrator_applies_it_and_each_account_manager_hears_once(scene, signed_in_api):
    response = _preview_and_apply(
        signed_in_api(scene.admin), {"segments": [{"id": scene.premier.pk, **LOWER_PREMIER}]}
    )

    assert response.status_code == 200, response.json()
    assert response.json()["moved"] == 2
    change = ThresholdChange.objects.get()
    assert (change.regions, change.moved, change.applied_by) == (["AMER", "EMEA"], 2, scene.admin)
    notices = Notification.objects.filter(subject__contains="changed tier")
    assert Counter(notices.values_list("recipient__username", flat=True)) == {"am.amy": 1, "am.bob": 1}
    bobs = notices.get(recipient=scene.bob)
    assert "Evergreen Energy: Standard → Premier" in bobs.body and "Cobalt" not in bobs.body
    assert not notices.filter(recipient=scene.alice).exists()  # none of alice's customers moved


def test_revert_from_the_history_entry_restores_the_previous_counts(scene, signed_in_api, browse):
    before = _counts()
    _preview_and_apply(signed_in_api(scene.admin), {"segments": [{"id": scene.premier.pk, **LOWER_PREMIER}]})
    assert _counts() != before
    change = ThresholdChange.objects.get()
    client = browse(scene.admin)
    tiers = client.get("/segments/tiers/")
    assert (
        'data-testid="threshold-change"' in tiers.text
        and f"/segments/tiers/changes/{change.pk}/revert/" in tiers.text
    )

    page = client.get(f"/segments/tiers/changes/{change.pk}/revert/")

    assert page.status_code == 200
    apply_form = page.context["apply_form"]
    assert f"Revert of change {change.batch}" in apply_form.initial["reason"]
    applied = client.post(
        "/segments/tiers/apply/",
        {
            "proposal": apply_form.initial["proposal"],
            "fingerprint": apply_form.initial["fingerprint"],
            "reason": apply_form.initial["reason"],
        },
    )
    assert applied.status_code == 302
    assert _counts() == before
    premier = Segment.objects.get(pk=scene.premier.pk)
    assert premier.min_strategic_value == 3
    assert ThresholdChange.objects.count() == 2  # the revert is a change of its own, in the history
