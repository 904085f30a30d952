"""/api/v1/escalations/: scoped to the user's regions, mine first, acknowledge and resolve with 400/403/404/409."""

import pytest

from intimacy_ops.escalations.models import Escalation
from tests.escalations.factories import breached_case, cast, escalate

URL = "/api/v1/escalations/"


@pytest.fixture
def people(db):
    return cast()


@pytest.fixture
def emea(people):
    return escalate(breached_case(people.alice))[0]


def test_the_list_shows_the_contract_fields_and_the_subject(people, emea, signed_in_api):
    response = signed_in_api(people.oscar).get(URL)
    assert response.status_code == 200
    (row,) = response.json()["results"]
    assert {"id", "reason", "level", "subject", "target", "acknowledged_at", "resolved_at"} <= set(row)
    assert row["subject"] == {"type": "segments.servicecase", "id": emea.object_id}
    assert row["target"] == "am.alice" and row["target_role"] == "account manager"
    assert row["region"] == "EMEA" and row["level"] == 1 and row["mine"] is False
    assert row["subject_link"].startswith("/segments/cases/") and "Checkout down" in row["subject_label"]


def test_an_account_manager_never_sees_another_regions_escalation(people, emea, signed_in_api):
    bob = signed_in_api(people.bob)
    assert bob.get(URL).json()["count"] == 0
    assert bob.get(f"{URL}{emea.pk}/").status_code == 404
    assert bob.post(f"{URL}{emea.pk}/acknowledge/", {}, format="json").status_code == 404
    assert bob.post(f"{URL}{emea.pk}/resolve/", {"resolution": "x"}, format="json").status_code == 404
    emea.refresh_from_db()
    assert emea.acknowledged_at is None and emea.resolved_at is None


def test_an_account_manager_sees_what_is_raised_to_them_and_the_auditor_sees_all(people, emea, signed_in_api):
    amer = escalate(breached_case(people.bob, region="AMER"))[0]
    unscoped = escalate(breached_case(people.bob, region="AMER", title="No region"), region=None)[0]
    assert [row["id"] for row in signed_in_api(people.alice).get(URL).json()["results"]] == [emea.pk]
    assert [row["id"] for row in signed_in_api(people.bob).get(URL).json()["results"]] == [
        amer.pk,
        unscoped.pk,
    ]
    assert signed_in_api(people.ada).get(URL).json()["count"] == 3
    # An escalation without a region: only those who see every region (and whoever it names).
    assert unscoped.pk not in [row["id"] for row in signed_in_api(people.otto).get(URL).json()["results"]]


def test_mine_comes_first_and_the_filters_narrow(people, emea, signed_in_api):
    unnamed = escalate(breached_case(people.alice, title="Invoice wrong"), named=False)[0]
    oscar = signed_in_api(people.oscar)
    Escalation.objects.filter(pk=unnamed.pk).update(level=2, target_role="operations lead", target_user=None)
    rows = oscar.get(URL).json()["results"]
    assert [(row["id"], row["mine"]) for row in rows] == [(unnamed.pk, True), (emea.pk, False)]
    assert [row["id"] for row in oscar.get(URL, {"mine": "true"}).json()["results"]] == [unnamed.pk]
    assert [row["id"] for row in oscar.get(URL, {"level": 1}).json()["results"]] == [emea.pk]
    assert [row["id"] for row in oscar.get(URL, {"ordering": "raised_at"}).json()["results"]] == [
        emea.pk,
        unnamed.pk,
    ]
    oscar.post(f"{URL}{emea.pk}/resolve/", {"resolution": "Gateway fixed."}, format="json")
    assert [row["id"] for row in oscar.get(URL, {"open": "true"}).json()["results"]] == [unnamed.pk]
    assert [row["id"] for row in oscar.get(URL, {"open": "false"}).json()["results"]] == [emea.pk]


def test_the_target_acknowledges_once_then_409(people, emea, signed_in_api):
    alice = signed_in_api(people.alice)
    response = alice.post(f"{URL}{emea.pk}/acknowledge/", {"note": "Calling the customer."}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["acknowledged_by"] == "am.alice" and body["acknowledged_at"] and body["next_level_at"] is None
    again = signed_in_api(people.oscar).post(f"{URL}{emea.pk}/acknowledge/", {}, format="json")
    assert again.status_code == 409 and "already acknowledged" in again.json()["detail"]


def test_someone_who_sees_it_but_is_not_its_target_gets_403(people, emea, signed_in_api):
    olivia = signed_in_api(people.olivia)  # a process owner of EMEA: sees it, may not act on it
    assert olivia.get(f"{URL}{emea.pk}/").status_code == 200
    response = olivia.post(f"{URL}{emea.pk}/acknowledge/", {}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert olivia.post(f"{URL}{emea.pk}/resolve/", {"resolution": "x"}, format="json").status_code == 403
    emea.refresh_from_db()
    assert emea.acknowledged_at is None


def test_resolving_needs_a_resolution_and_happens_once(people, emea, signed_in_api):
    oscar = signed_in_api(people.oscar)
    for payload, field in [
        ({}, "resolution"),
        ({"resolution": "   "}, "resolution"),
        ({"resolution": "ok", "why": 1}, "why"),
    ]:
        response = oscar.post(f"{URL}{emea.pk}/resolve/", payload, format="json")
        assert response.status_code == 400 and field in response.json(), (payload, response.content)
    emea.refresh_from_db()
    assert emea.resolved_at is None
    response = oscar.post(f"{URL}{emea.pk}/resolve/", {"resolution": "Gateway fixed."}, format="json")
    assert response.status_code == 200
    assert response.json()["resolution"] == "Gateway fixed." and response.json()["resolved_by"] == "ops.oscar"
    assert oscar.post(f"{URL}{emea.pk}/resolve/", {"resolution": "again"}, format="json").status_code == 409
    assert oscar.post(f"{URL}{emea.pk}/acknowledge/", {}, format="json").status_code == 409


def test_the_api_needs_a_sign_in(emea, api):
    assert api.get(URL).status_code == 401


@pytest.mark.parametrize("rows", [3, 50])
def test_listing_costs_the_same_queries_for_3_and_50_escalations(
    people, signed_in_api, rows, django_assert_max_num_queries
):
    for n in range(rows):
        escalate(breached_case(people.alice, title=f"Case {n}"), named=n % 2 == 0)
    Escalation.objects.filter(pk__in=Escalation.objects.values("pk")[:2]).update(acknowledged_by=people.oscar)
    oscar = signed_in_api(people.oscar)
    with django_assert_max_num_queries(5):
        response = oscar.get(URL, {"page_size": 100})
    assert response.json()["count"] == rows
