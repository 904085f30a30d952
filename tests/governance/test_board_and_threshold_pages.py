"""Screens to run the governance (issue 17, item 6): boards and routing thresholds are edited in pages by
administrators (thresholds also by the region's operations lead), validated per field, audited, and
effective for new reviews only: an open review keeps the quorum and rule it opened with, shown on it."""

import pytest

from governance.models import Board, Review
from intimacy_ops.accounts.roles import Role
from intimacy_ops.audit import AuditEvent
from tests.exceptions.factories import scenario
from tests.factories import user_with
from tests.governance.policy_helpers import active

pytestmark = pytest.mark.django_db


@pytest.fixture
def s():
    s = scenario()
    s.admin = user_with(Role.ADMINISTRATOR, regions=["EMEA", "AMER"], username="the.admin")
    return s


def _board_post(s, **changes):
    body = {
        "name": s.board.name,
        "chair": s.carol.pk,
        "members": [s.dan.pk, s.erin.pk],
        "categories": [],
        "regions": [s.emea.pk, s.amer.pk],
        "quorum": 2,
        "rule": "simple_majority",
        "review_days": 10,
    }
    body.update(changes)
    return body


def _open_review(s) -> Review:
    from governance.services.restandardization import open_restandardization_reviews

    s.fulfilment.controlled = True
    s.fulfilment.save()
    active(s, customer=s.acme)
    open_restandardization_reviews()
    return Review.objects.get(kind="restandardization")


def test_a_quorum_larger_than_the_members_is_a_form_error_and_nothing_changes(s, browse):
    client = browse(s.admin)

    response = client.post(f"/governance/boards/{s.board.pk}/edit/", _board_post(s, quorum=4, regions=[]))

    assert response.status_code == 400
    assert 'data-testid="error-quorum"' in response.text and "between 1 and the 3 people" in response.text
    assert "Choose at least one region" in response.text
    s.board.refresh_from_db()
    assert s.board.quorum == 2
    assert not AuditEvent.objects.filter(verb="board.changed").exists()


def test_a_board_change_is_audited_and_applies_to_new_reviews_only(s, browse, signed_in_api):
    opened_before = _open_review(s)
    client = browse(s.admin)

    response = client.post(
        f"/governance/boards/{s.board.pk}/edit/", _board_post(s, quorum=3, rule="unanimous", review_days=20)
    )

    assert response.status_code == 302
    event = AuditEvent.objects.get(verb="board.changed")
    assert (event.before["quorum"], event.after["quorum"]) == (2, 3)
    assert event.after["rule"] == "unanimous"
    # The open review keeps quorum 2 and simple majority: two votes decide it.
    page = browse(s.dan).get(f"/governance/reviews/{opened_before.pk}/")
    assert "quorum 2, simple majority" in page.text
    for member in (s.dan, s.erin):
        signed_in_api(member).post(
            f"/api/v1/reviews/{opened_before.pk}/votes/",
            {"choice": "approve", "rationale": "Ok."},
            format="json",
        )
    decided = signed_in_api(s.carol).post(
        f"/api/v1/reviews/{opened_before.pk}/decide/",
        {"outcome": "approve", "rationale": "Ok."},
        format="json",
    )
    assert decided.status_code == 200, decided.content
    # A review opened now follows the new rules.
    from governance.services.restandardization import open_restandardization_reviews

    s.billing.controlled = True
    s.billing.save()
    active(s, customer=s.acme, process=s.billing)
    open_restandardization_reviews()
    new = Review.objects.get(kind="restandardization", process=s.billing)
    assert new.rules == {"quorum": 3, "rule": "unanimous", "review_days": 20}
    assert "quorum 3, unanimity" in browse(s.dan).get(f"/governance/reviews/{new.pk}/").text


def test_only_administrators_keep_boards(s, browse):
    assert browse(s.carol).get(f"/governance/boards/{s.board.pk}/edit/").status_code == 403
    assert browse(s.carol).get("/governance/boards/").status_code == 200
    created = browse(s.admin).post(
        "/governance/boards/new/", _board_post(s, name="Billing board", categories=["billing"])
    )
    assert created.status_code == 302
    assert Board.objects.get(name="Billing board").categories == ["billing"]
    assert AuditEvent.objects.filter(verb="board.created").exists()


def test_a_lead_edits_their_region_s_threshold_per_field_and_audited(s, browse):
    threshold = s.emea.routing_threshold
    client = browse(s.oscar)  # an operations lead of EMEA
    body = {
        "monthly_cost_below": "-1",
        "one_off_cost_below": "20000",
        "risk_below": "high",
        "max_duration_days": "365",
        "max_extensions": "2",
    }

    refused = client.post(f"/exceptions/thresholds/{threshold.pk}/edit/", body)
    body["monthly_cost_below"] = "8000"
    saved = client.post(f"/exceptions/thresholds/{threshold.pk}/edit/", body)
    other = client.get(f"/exceptions/thresholds/{s.amer.routing_threshold.pk}/edit/")

    assert refused.status_code == 400 and 'data-testid="error-monthly_cost_below"' in refused.text
    assert saved.status_code == 302
    threshold.refresh_from_db()
    assert str(threshold.monthly_cost_below) == "8000.00"
    event = AuditEvent.objects.get(verb="routing_threshold.set")
    assert str(event.after["monthly_cost_below"]).startswith("8000")
    assert other.status_code == 403  # AMER is not oscar's
    listing = client.get("/exceptions/thresholds/")
    assert listing.status_code == 200 and "8,000" in listing.text


@pytest.mark.parametrize("boards", [1, 12])
def test_the_boards_and_thresholds_pages_take_a_fixed_number_of_queries(
    s, browse, django_assert_max_num_queries, boards
):
    from tests.exceptions.factories import RoutingThresholdFactory
    from tests.factories import RegionFactory

    for index in range(boards):
        board = Board.objects.create(name=f"Board {index:02d}", chair=s.carol, quorum=1)
        board.members.set([s.dan, s.erin])
        region = RegionFactory(code=f"R{index:02d}")
        board.regions.set([region, s.emea])
        RoutingThresholdFactory(region=region)
    client = browse(s.admin)
    client.get("/governance/boards/")  # the session and the user's roles, once

    with django_assert_max_num_queries(14):
        boards_page = client.get("/governance/boards/")
    with django_assert_max_num_queries(12):
        thresholds_page = client.get("/exceptions/thresholds/")

    assert boards_page.text.count('data-testid="board-row"') == boards + 1
    assert thresholds_page.text.count('data-testid="threshold-row"') == boards + 2
