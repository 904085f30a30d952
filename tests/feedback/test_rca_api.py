"""`/api/v1/rcas/` (CONTRACT.md): the lifecycle table's answers (every step outside it a 409), closing refused
while an action is open or the loop is not closed (409 naming what is missing), cancelling with a reason,
the five whys in order, corrective actions, scope, and a list whose query count does not grow with rows."""

import datetime

import pytest
from django.utils import timezone

from feedback.lifecycles import RCA_TABLE
from feedback.models import RootCauseAnalysis
from intimacy_ops.audit.models import AuditEvent
from tests.exceptions.factories import ProcessFactory
from tests.factories import user_with
from tests.feedback.factories import RootCauseAnalysisFactory, action, why
from tests.feedback.rca_world import rca_world

pytestmark = pytest.mark.django_db
STATES = [choice.value for choice in RootCauseAnalysis.Status]


def _today(days=0) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


@pytest.fixture
def world():
    return rca_world()


def test_contract_fields(world, signed_in_api):
    rca = RootCauseAnalysisFactory(process=world.process)
    why(rca, 1, "Why late?", "The van leaves at noon.")
    action(rca, world.olivia)
    body = signed_in_api(world.olivia).get(f"/api/v1/rcas/{rca.pk}/").json()

    assert {"id", "process", "problem", "status", "whys", "root_cause", "actions"} <= set(body)
    assert body["whys"] == [
        {"id": rca.whys.get().pk, "position": 1, "question": "Why late?", "answer": "The van leaves at noon."}
    ]
    assert body["actions"][0]["owner"] == "owner.olivia" and body["actions"][0]["overdue"] is False
    assert body["allowed_actions"] == ["cancel", "start_analysis"]


def test_every_state_and_step_outside_the_table_is_a_409(world, signed_in_api):
    client = signed_in_api(world.admin)
    outside = [
        (state, name) for name, row in RCA_TABLE.rows.items() for state in STATES if state not in row.sources
    ]
    assert len(outside) == 6 * 5 - 8  # the table allows 8 (state, step) pairs: 4 steps, cancel from 4 states
    for state, name in outside:
        rca = RootCauseAnalysisFactory(
            process=world.process, status=state, cancel_reason="x" if state == "cancelled" else ""
        )
        response = client.post(
            f"/api/v1/rcas/{rca.pk}/{name.replace('_', '-')}/", {"reason": "No longer needed."}, format="json"
        )
        assert response.status_code == 409, (state, name, response.content)
        assert RootCauseAnalysis.objects.get(pk=rca.pk).status == state


def test_the_way_through_and_closing_refused_until_the_action_is_done_and_the_loop_closed(
    world, signed_in_api
):
    client = signed_in_api(world.olivia)
    rca = RootCauseAnalysisFactory(process=world.process)
    url = f"/api/v1/rcas/{rca.pk}/"
    assert client.post(url + "start-analysis/", {}, format="json").status_code == 200
    added = client.post(
        url + "actions/",
        {"description": "Second Saturday shift", "owner": "owner.olivia", "due_on": _today(7)},
        format="json",
    )
    assert added.status_code == 201, added.content
    action_id = added.json()["actions"][0]["id"]
    assert client.post(url + "plan-actions/", {}, format="json").status_code == 200
    assert client.post(url + "verify/", {}, format="json").status_code == 200

    refused = client.post(url + "close/", {}, format="json")
    assert refused.status_code == 409
    message = refused.json()["detail"] if "detail" in refused.json() else refused.content.decode()
    assert "Second Saturday shift" in str(refused.json()) and "loop is not closed" in str(refused.json()), (
        message
    )

    done = client.post(
        url + "move-action/",
        {"action": action_id, "step": "complete", "evidence": "Rota of 12 May"},
        format="json",
    )
    assert done.status_code == 200, done.content
    still = client.post(url + "close/", {}, format="json")
    assert still.status_code == 409 and "loop is not closed" in str(still.json())
    assert "still open" not in str(still.json())

    told = client.post(
        url + "loop-closures/",
        {"audience": "customer", "who": "Acme's operations manager", "told_on": _today(), "channel": "phone"},
        format="json",
    )
    assert told.status_code == 201, told.content
    closed = client.post(url + "close/", {}, format="json")
    assert closed.status_code == 200, closed.content
    assert closed.json()["status"] == "closed" and closed.json()["allowed_actions"] == []
    assert AuditEvent.objects.filter(verb="rca.close", object_id=str(rca.pk)).exists()


def test_cancel_needs_a_reason(world, signed_in_api):
    client = signed_in_api(world.olivia)
    rca = RootCauseAnalysisFactory(process=world.process)
    missing = client.post(f"/api/v1/rcas/{rca.pk}/cancel/", {}, format="json")
    assert missing.status_code == 400 and "reason" in missing.json()
    ok = client.post(f"/api/v1/rcas/{rca.pk}/cancel/", {"reason": "A duplicate of RCA 7."}, format="json")
    assert ok.status_code == 200 and ok.json()["cancel_reason"] == "A duplicate of RCA 7."


def test_whys_are_added_edited_and_reordered_in_order_at_most_five(world, signed_in_api):
    client = signed_in_api(world.olivia)
    rca = RootCauseAnalysisFactory(process=world.process, status="analysing")
    url = f"/api/v1/rcas/{rca.pk}/whys/"
    for n in range(1, 6):
        assert client.post(url, {"question": f"Why {n}?"}, format="json").status_code == 200
    sixth = client.post(url, {"question": "Why 6?"}, format="json")
    assert sixth.status_code == 400 and "question" in sixth.json()
    ids = [w["id"] for w in client.get(f"/api/v1/rcas/{rca.pk}/").json()["whys"]]

    edited = client.patch(
        url, {"id": ids[0], "question": "Why 1?", "answer": "The van leaves at noon."}, format="json"
    )
    assert edited.json()["whys"][0]["answer"] == "The van leaves at noon."
    reordered = client.post(f"/api/v1/rcas/{rca.pk}/reorder-whys/", {"order": ids[::-1]}, format="json")
    assert [w["question"] for w in reordered.json()["whys"]] == [
        "Why 5?",
        "Why 4?",
        "Why 3?",
        "Why 2?",
        "Why 1?",
    ]
    assert [w["position"] for w in reordered.json()["whys"]] == [1, 2, 3, 4, 5]
    bad = client.post(f"/api/v1/rcas/{rca.pk}/reorder-whys/", {"order": ids[:2]}, format="json")
    assert bad.status_code == 400 and "order" in bad.json()


def test_who_sees_and_who_works_on_an_rca(world, signed_in_api):
    amer_owner = user_with("process owner", regions=["AMER"], username="owner.amer")
    elsewhere = RootCauseAnalysisFactory(process=ProcessFactory(owner=amer_owner))
    mine = RootCauseAnalysisFactory(process=world.process)
    olivia = signed_in_api(world.olivia)
    assert olivia.get(f"/api/v1/rcas/{elsewhere.pk}/").status_code == 404
    assert [r["id"] for r in olivia.get("/api/v1/rcas/").json()["results"]] == [mine.pk]
    auditor = signed_in_api(user_with("auditor", username="aud.ann"))
    assert auditor.get(f"/api/v1/rcas/{mine.pk}/").status_code == 200
    assert (
        auditor.post(f"/api/v1/rcas/{mine.pk}/whys/", {"question": "Why?"}, format="json").status_code == 403
    )
    assert auditor.post(f"/api/v1/rcas/{mine.pk}/start-analysis/", {}, format="json").status_code == 403


@pytest.mark.parametrize("rows", [3, 50])
def test_the_list_costs_the_same_queries_for_3_and_50_rcas(
    world, signed_in_api, django_assert_max_num_queries, rows
):
    for n in range(rows):
        rca = RootCauseAnalysisFactory(process=world.process, problem=f"Problem {n}")
        why(rca, 1)
        action(rca, world.olivia)
    client = signed_in_api(world.lead)
    with django_assert_max_num_queries(12):
        response = client.get("/api/v1/rcas/?page_size=50")
    assert response.status_code == 200 and response.json()["count"] == 0  # the lead sees no region's RCA yet
    client = signed_in_api(world.olivia)
    with django_assert_max_num_queries(12):
        response = client.get("/api/v1/rcas/?page_size=50")
    assert response.json()["count"] == rows and len(response.json()["results"]) == rows
