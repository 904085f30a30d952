"""`/api/v1/incidents/` (CONTRACT.md): declaring (operations leads for their regions, administrators; others
403; a region outside the lead's a 400 naming `regions`), the lifecycle table's answers (every step outside it
a 409, nothing changed), the timeline, scope (another region's incident is a 404), and a list whose query
count does not grow with rows."""

import datetime

import pytest
from django.utils import timezone

from incidents.lifecycles import TABLE
from incidents.models import Incident, IncidentUpdate
from intimacy_ops.accounts.roles import Role
from intimacy_ops.audit.models import AuditEvent
from tests.exceptions.factories import scenario
from tests.factories import user_with
from tests.incidents.factories import incident

pytestmark = pytest.mark.django_db
STATES = [choice.value for choice in Incident.Status]


def _at(hours: float = 0) -> str:
    return (timezone.now() + datetime.timedelta(hours=hours)).isoformat()


@pytest.fixture
def s():
    world = scenario()
    world.admin = user_with(Role.ADMINISTRATOR, regions=[], username="admin.incidents")
    world.lead_amer = user_with(Role.OPERATIONS_LEAD, regions=["AMER"], username="ops.amer")
    return world


def _body(**overrides) -> dict:
    return {
        "title": "Carrier strike: deliveries late",
        "kind": "delay",
        "severity": "major",
        "regions": ["EMEA"],
        "started_at": _at(-5),
        **overrides,
    }


def test_a_lead_declares_an_incident_of_their_region(s, signed_in_api):
    response = signed_in_api(s.oscar).post(
        "/api/v1/incidents/", _body(processes=[s.fulfilment.pk], detected_at=_at(-4)), format="json"
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert {
        "id",
        "title",
        "kind",
        "severity",
        "status",
        "regions",
        "started_at",
        "resolved_at",
        "owner",
    } <= set(body)
    assert (body["status"], body["regions"], body["owner"], body["resolved_at"]) == (
        "open",
        ["EMEA"],
        "ops.oscar",
        None,
    )
    assert body["processes"] == [s.fulfilment.pk]
    assert body["allowed_actions"] == ["cancel", "mitigate", "resolve"]
    made = Incident.objects.get(pk=body["id"])
    assert list(made.updates.values_list("kind", "to_status")) == [("step", "open")]
    assert AuditEvent.objects.filter(verb="incident.declared", object_id=str(made.pk)).count() == 1


@pytest.mark.parametrize("who", ["alice", "olivia", "ada", "sam", "carol"])
def test_anyone_but_a_lead_or_an_administrator_is_refused_403(s, signed_in_api, who):
    response = signed_in_api(getattr(s, who)).post("/api/v1/incidents/", _body(), format="json")

    assert response.status_code == 403, response.content
    assert not Incident.objects.exists()


def test_a_region_outside_the_leads_is_a_400_naming_regions(s, signed_in_api):
    response = signed_in_api(s.oscar).post(
        "/api/v1/incidents/", _body(regions=["EMEA", "AMER"]), format="json"
    )

    assert response.status_code == 400
    assert response.json()["regions"] == ["Not one of your regions: AMER."]
    assert not Incident.objects.exists() and not AuditEvent.objects.filter(verb="incident.declared").exists()


def test_an_administrator_declares_anywhere_naming_a_lead_of_the_region_as_owner(s, signed_in_api):
    client = signed_in_api(s.admin)

    no_owner = client.post("/api/v1/incidents/", _body(regions=["AMER"]), format="json")
    wrong_owner = client.post("/api/v1/incidents/", _body(regions=["AMER"], owner="ops.oscar"), format="json")
    made = client.post("/api/v1/incidents/", _body(regions=["AMER"], owner="ops.amer"), format="json")

    assert no_owner.status_code == 400 and "owner" in no_owner.json()
    assert wrong_owner.status_code == 400 and "owner" in wrong_owner.json()
    assert made.status_code == 201 and made.json()["owner"] == "ops.amer"
    assert Incident.objects.count() == 1


@pytest.mark.parametrize(
    "change, field",
    [
        ({"title": "  "}, "title"),
        ({"kind": "meteor"}, "kind"),
        ({"severity": "apocalyptic"}, "severity"),
        ({"regions": []}, "regions"),
        ({"regions": ["MARS"]}, "regions"),
        ({"started_at": "yesterday"}, "started_at"),
        ({"started_at": _at(2)}, "started_at"),
        ({"detected_at": _at(-6)}, "detected_at"),
        ({"processes": [999999]}, "processes"),
        ({"owner": "nobody.here"}, "owner"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_nothing_is_written(s, signed_in_api, change, field):
    response = signed_in_api(s.oscar).post("/api/v1/incidents/", _body(**change), format="json")

    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Incident.objects.exists()


def test_every_state_and_step_outside_the_table_is_a_409_and_changes_nothing(s, signed_in_api):
    client = signed_in_api(s.oscar)
    outside = [
        (state, name) for name, row in TABLE.rows.items() for state in STATES if state not in row.sources
    ]
    assert len(outside) == 5 * 4 - 6  # the table allows 6 (state, step) pairs

    for state, name in outside:
        made = incident(s.oscar, [s.emea], state)
        lines = made.updates.count()
        response = client.post(f"/api/v1/incidents/{made.pk}/{name}/", {"comment": "Because."}, format="json")
        assert response.status_code == 409, (state, name, response.content)
        assert response.json()["allowed_actions"] == TABLE.actions_from(state)
        assert Incident.objects.get(pk=made.pk).status == state
        assert made.updates.count() == lines


def test_the_table_walked_open_mitigated_resolved_reviewed_each_step_on_the_timeline(s, signed_in_api):
    made = incident(s.oscar, [s.emea])
    client = signed_in_api(s.oscar)

    for name, status in [("mitigate", "mitigated"), ("resolve", "resolved"), ("review", "reviewed")]:
        if name == "review":  # reviewed needs the post-mortem's trust impact assessment (test_post_mortem.py)
            written = {"trust_assessment": "Little harm.", "lessons": "Page the carrier earlier."}
            client.put(f"/api/v1/incidents/{made.pk}/post-mortem/", written, format="json")
        response = client.post(f"/api/v1/incidents/{made.pk}/{name}/", {"comment": f"{name}d"}, format="json")
        assert response.status_code == 200, response.content
        assert response.json()["status"] == status

    made.refresh_from_db()
    assert made.resolved_at is not None and made.resolved_at <= timezone.now()
    steps = list(
        made.updates.filter(kind="step").order_by("at", "pk").values_list("from_status", "to_status")
    )
    assert steps == [("open", "mitigated"), ("mitigated", "resolved"), ("resolved", "reviewed")]
    assert client.get(f"/api/v1/incidents/{made.pk}/").json()["allowed_actions"] == []


def test_cancelling_needs_a_comment(s, signed_in_api):
    made = incident(s.oscar, [s.emea])
    client = signed_in_api(s.oscar)

    refused = client.post(f"/api/v1/incidents/{made.pk}/cancel/", {}, format="json")
    done = client.post(f"/api/v1/incidents/{made.pk}/cancel/", {"comment": "Declared twice."}, format="json")

    assert refused.status_code == 400 and "comment" in refused.json()
    assert done.status_code == 200 and done.json()["cancel_reason"] == "Declared twice."


def test_who_runs_it_the_owner_a_lead_of_its_region_an_administrator(s, signed_in_api):
    made = incident(s.oscar, [s.emea])
    other_lead = user_with(Role.OPERATIONS_LEAD, regions=["EMEA"], username="ops.emea2")

    assert (
        signed_in_api(s.alice).post(f"/api/v1/incidents/{made.pk}/mitigate/", {}, format="json").status_code
        == 403
    )
    assert (
        signed_in_api(s.lead_amer)
        .post(f"/api/v1/incidents/{made.pk}/mitigate/", {}, format="json")
        .status_code
        == 404
    )
    assert (
        signed_in_api(other_lead)
        .post(f"/api/v1/incidents/{made.pk}/mitigate/", {}, format="json")
        .status_code
        == 200
    )
    assert (
        signed_in_api(s.admin).post(f"/api/v1/incidents/{made.pk}/resolve/", {}, format="json").status_code
        == 200
    )
    assert Incident.objects.get(pk=made.pk).status == "resolved"


def test_scope_everyone_of_its_regions_sees_it_another_regions_incident_is_a_404(s, signed_in_api):
    emea = incident(s.oscar, [s.emea], title="EMEA outage")
    amer = incident(s.lead_amer, [s.amer], title="AMER outage")

    alice = signed_in_api(s.alice)
    assert [row["title"] for row in alice.get("/api/v1/incidents/").json()["results"]] == ["EMEA outage"]
    assert alice.get(f"/api/v1/incidents/{amer.pk}/").status_code == 404
    assert alice.get(f"/api/v1/incidents/{emea.pk}/").status_code == 200
    assert signed_in_api(s.ada).get("/api/v1/incidents/").json()["count"] == 2
    assert signed_in_api(s.bob).get(f"/api/v1/incidents/{emea.pk}/").status_code == 404


def test_the_timeline_who_runs_it_posts_others_read(s, signed_in_api):
    made = incident(s.oscar, [s.emea])
    posted = signed_in_api(s.oscar).post(
        f"/api/v1/incidents/{made.pk}/updates/",
        {"text": "Carrier confirms trucks roll at 14:00."},
        format="json",
    )
    refused = signed_in_api(s.alice).post(
        f"/api/v1/incidents/{made.pk}/updates/", {"text": "Hi"}, format="json"
    )
    empty = signed_in_api(s.oscar).post(f"/api/v1/incidents/{made.pk}/updates/", {"text": ""}, format="json")
    timeline = signed_in_api(s.alice).get(f"/api/v1/incidents/{made.pk}/updates/")

    assert posted.status_code == 201 and posted.json()["author"] == "ops.oscar"
    assert refused.status_code == 403 and empty.status_code == 400 and "text" in empty.json()
    assert [line["text"] for line in timeline.json()] == ["Carrier confirms trucks roll at 14:00."]
    closed = incident(s.oscar, [s.emea], "reviewed")
    late = signed_in_api(s.oscar).post(
        f"/api/v1/incidents/{closed.pk}/updates/", {"text": "x"}, format="json"
    )
    assert late.status_code == 409 and IncidentUpdate.objects.filter(incident=closed).count() == 0


def test_filters_name_a_bad_value(s, signed_in_api):
    incident(s.oscar, [s.emea], "resolved")
    incident(s.oscar, [s.emea])
    client = signed_in_api(s.oscar)

    assert client.get("/api/v1/incidents/?status=resolved").json()["count"] == 1
    assert client.get("/api/v1/incidents/?active=true").json()["count"] == 1
    assert client.get("/api/v1/incidents/?region=EMEA").json()["count"] == 2
    assert "region" in client.get("/api/v1/incidents/?region=AMER").json()
    assert "status" in client.get("/api/v1/incidents/?status=burning").json()


@pytest.mark.parametrize("rows", [2, 30])
def test_the_list_costs_the_same_queries_for_few_or_many_rows(
    s, signed_in_api, django_assert_max_num_queries, rows
):
    for _ in range(rows):
        incident(s.oscar, [s.emea, s.amer])
    client = signed_in_api(s.oscar)
    with django_assert_max_num_queries(8):
        body = client.get("/api/v1/incidents/?page_size=50").json()
    assert body["count"] == rows and len(body["results"]) == rows
