"""The threshold policies API: who reads and keeps policies, validation naming the fields, evaluate now,
the board's revocation, and the list's query count."""

import pytest

from exceptions.models import ExceptionRequest
from governance.models import Review, ThresholdPolicy
from tests.exceptions.factories import scenario
from tests.governance.policy_helpers import active, policy
from tests.segments.factories import SegmentFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/threshold-policies/"


@pytest.fixture
def s():
    return scenario()


def test_readers_list_policies_with_their_open_reviews_and_others_see_none(s, signed_in_api):
    active(s, started_days_ago=400, runs_days=800)
    line = policy("Age", max_age_days=365)
    policy("Lead", sunset_lead_days=5)
    signed_in_api(s.carol).post(f"{URL}evaluate/")
    for reader in (s.carol, s.dan, s.olivia, s.oscar, s.ada):
        body = signed_in_api(reader).get(URL).json()
        assert [row["name"] for row in body["results"]] == ["Age", "Lead"], reader
        assert body["results"][0]["open_reviews"] == 1
    assert signed_in_api(s.alice).get(URL).json()["results"] == []
    assert signed_in_api(s.alice).get(f"{URL}{line.pk}/").status_code == 404
    assert signed_in_api(s.dan).get(f"{URL}{line.pk}/").json()["max_age_days"] == 365


@pytest.mark.parametrize("who", ["carol", "oscar"])
def test_chairs_and_leads_create_change_and_switch_off_policies(s, signed_in_api, who):
    client = signed_in_api(getattr(s, who))
    created = client.post(
        URL,
        {
            "name": "Fulfilment budget",
            "scope": "process",
            "process": s.fulfilment.pk,
            "max_active_exceptions": 10,
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["created_by"] == getattr(s, who).username
    changed = client.patch(f"{URL}{pk}/", {"max_monthly_cost": "25000.00"}, format="json")
    assert changed.status_code == 200, changed.content
    assert (changed.json()["max_active_exceptions"], changed.json()["max_monthly_cost"]) == (10, "25000.00")
    off = client.post(f"{URL}{pk}/deactivate/")
    assert (off.status_code, off.json()["is_active"]) == (200, False)
    assert client.post(f"{URL}{pk}/deactivate/").status_code == 409


@pytest.mark.parametrize("who", ["dan", "olivia", "ada"])
def test_other_roles_may_read_but_not_keep_policies(s, signed_in_api, who):
    line = policy("Age", max_age_days=365)
    client = signed_in_api(getattr(s, who))
    assert (
        client.post(URL, {"name": "X", "scope": "global", "max_age_days": 1}, format="json").status_code
        == 403
    )
    assert client.patch(f"{URL}{line.pk}/", {"max_age_days": 1}, format="json").status_code == 403
    assert client.post(f"{URL}{line.pk}/deactivate/").status_code == 403
    assert client.post(f"{URL}evaluate/").status_code == 403
    line.refresh_from_db()
    assert (line.max_age_days, line.is_active, ThresholdPolicy.objects.count()) == (365, True, 1)


@pytest.mark.parametrize(
    "body, fields",
    [
        ({"name": "X", "scope": "process", "max_age_days": 5}, {"process"}),
        ({"name": "X", "scope": "global", "process": "FULFILMENT", "max_age_days": 5}, {"process"}),
        ({"name": "X", "scope": "segment", "max_age_days": 5}, {"segment"}),
        ({"name": "X", "scope": "global", "segment": "SEGMENT", "max_age_days": 5}, {"segment"}),
        ({"name": "X", "scope": "global"}, {"limits"}),
        ({"name": "X", "scope": "global", "max_active_exceptions": -1}, {"max_active_exceptions"}),
        ({"name": "X", "scope": "global", "max_monthly_cost": "-5"}, {"max_monthly_cost"}),
        ({"name": "X", "scope": "global", "min_similar_customers": 0}, {"min_similar_customers"}),
        ({"name": "X", "scope": "everywhere", "max_age_days": 5}, {"scope"}),
        ({"name": " ", "scope": "global", "max_age_days": 5}, {"name"}),
        ({"name": "X", "scope": "global", "max_age_days": 5, "colour": "red"}, {"colour"}),
    ],
)
def test_bad_policies_are_400_naming_the_field_and_nothing_is_saved(s, signed_in_api, body, fields):
    segment = SegmentFactory()
    body = {
        key: (s.fulfilment.pk if value == "FULFILMENT" else segment.pk if value == "SEGMENT" else value)
        for key, value in body.items()
    }
    response = signed_in_api(s.carol).post(URL, body, format="json")
    assert response.status_code == 400, response.content
    assert fields <= set(response.json()), response.json()
    assert not ThresholdPolicy.objects.exists()


def test_a_change_that_leaves_no_limit_or_breaks_the_scope_is_refused(s, signed_in_api):
    line = policy("Age", max_age_days=365)
    client = signed_in_api(s.oscar)
    assert "limits" in client.patch(f"{URL}{line.pk}/", {"max_age_days": None}, format="json").json()
    assert "process" in client.patch(f"{URL}{line.pk}/", {"scope": "process"}, format="json").json()
    line.refresh_from_db()
    assert (line.scope, line.max_age_days) == ("global", 365)


def test_a_duplicate_name_is_400_on_name(s, signed_in_api):
    policy("Age", max_age_days=365)
    response = signed_in_api(s.carol).post(
        URL, {"name": "Age", "scope": "global", "max_age_days": 3}, format="json"
    )
    assert response.status_code == 400 and "name" in response.json()


def test_evaluate_now_answers_the_counts(s, signed_in_api):
    active(s, started_days_ago=400, runs_days=800)
    policy("Age", max_age_days=365)
    policy("Similar", min_similar_customers=3)
    client = signed_in_api(s.oscar)
    first = client.post(f"{URL}evaluate/").json()
    second = client.post(f"{URL}evaluate/").json()
    assert (first["policies_evaluated"], first["reviews_opened"], first["already_open"]) == (2, 1, 0)
    assert first["opened"][0]["kind"] == "sunset" and first["opened"][0]["board"] == s.board.name
    assert (second["reviews_opened"], second["already_open"]) == (0, 1)
    assert Review.objects.count() == 1


def test_the_boards_chair_revokes_through_the_api(s, signed_in_api):
    exception = active(s, customer=s.acme)
    url = "/api/v1/board-revocations/"
    assert (
        signed_in_api(s.dan)
        .post(url, {"exception": exception.pk, "reason": "No."}, format="json")
        .status_code
        == 403
    )
    assert (
        signed_in_api(s.oscar)
        .post(url, {"exception": exception.pk, "reason": "No."}, format="json")
        .status_code
        == 403
    )
    missing = signed_in_api(s.carol).post(url, {"exception": exception.pk, "reason": ""}, format="json")
    assert missing.status_code == 400 and "reason" in missing.json()
    assert (
        signed_in_api(s.carol).post(url, {"exception": 999999, "reason": "x"}, format="json").status_code
        == 404
    )
    done = signed_in_api(s.carol).post(
        url, {"exception": exception.pk, "reason": "Costs ran away."}, format="json"
    )
    assert (done.status_code, done.json()["status"]) == (200, "revoked")
    again = signed_in_api(s.carol).post(url, {"exception": exception.pk, "reason": "Again."}, format="json")
    assert again.status_code == 409
    assert ExceptionRequest.objects.get(pk=exception.pk).status == "revoked"


def test_a_board_revocation_outside_the_chairs_scope_is_404(s, signed_in_api, make_user):
    outsider_chair = make_user("board chair", regions=["APAC"], username="ccb.other")
    exception = active(s, customer=s.acme)
    response = signed_in_api(outsider_chair).post(
        "/api/v1/board-revocations/", {"exception": exception.pk, "reason": "x"}, format="json"
    )
    assert response.status_code == 404


@pytest.mark.parametrize("rows", [3, 50])
def test_the_policy_list_takes_a_fixed_number_of_queries(
    s, signed_in_api, django_assert_max_num_queries, rows
):
    for index in range(rows):
        line = policy(
            f"Policy {index:02d}", scope="process", process=s.fulfilment, max_active_exceptions=index
        )
        line.created_by = s.carol
        line.save()
    client = signed_in_api(s.carol)
    with django_assert_max_num_queries(8):
        response = client.get(f"{URL}?page_size=50")
    assert response.status_code == 200
    assert response.json()["count"] == rows
