"""The access kernel: region scoping in SQL, 404 outside scope, reasons for refusals."""

import pytest

from intimacy_ops import access
from intimacy_ops.accounts.models import Region, User
from intimacy_ops.accounts.roles import Role
from tests.factories import UserFactory, user_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def regions_with_people():
    return {
        "emea_am": user_with(Role.ACCOUNT_MANAGER, regions=["EMEA"], username="emea.am"),
        "emea_ops": user_with(Role.OPERATIONS_LEAD, regions=["EMEA"], username="emea.ops"),
        "amer_am": user_with(Role.ACCOUNT_MANAGER, regions=["AMER"], username="amer.am"),
        "both": user_with(Role.PROCESS_OWNER, regions=["EMEA", "AMER"], username="both.owner"),
        "auditor": user_with(Role.AUDITOR, regions=["EMEA"], username="the.auditor"),
    }


def usernames(response):
    return {row["username"] for row in response.json()["results"]}


def test_emea_user_cannot_see_an_amer_only_user(regions_with_people, signed_in_api):
    client = signed_in_api(regions_with_people["emea_am"])
    listed = usernames(client.get("/api/v1/users/"))
    assert "amer.am" not in listed
    assert {"emea.am", "emea.ops", "both.owner", "the.auditor"} <= listed
    # Direct access by id is a 404, exactly as for an id that does not exist (no existence leak).
    hidden = client.get(f"/api/v1/users/{regions_with_people['amer_am'].pk}/")
    assert hidden.status_code == 404
    assert hidden.json() == client.get("/api/v1/users/987654/").json()


def test_emea_user_sees_only_emea_region(regions_with_people, signed_in_api):
    client = signed_in_api(regions_with_people["emea_am"])
    assert [row["code"] for row in client.get("/api/v1/regions/").json()["results"]] == ["EMEA"]
    amer = Region.objects.get(code="AMER")
    assert client.get(f"/api/v1/regions/{amer.pk}/").status_code == 404


def test_user_in_two_regions_sees_both(regions_with_people, signed_in_api):
    client = signed_in_api(regions_with_people["both"])
    assert {"emea.am", "amer.am"} <= usernames(client.get("/api/v1/users/"))
    assert {row["code"] for row in client.get("/api/v1/regions/").json()["results"]} == {"EMEA", "AMER"}


def test_auditor_reads_across_regions(regions_with_people, signed_in_api):
    client = signed_in_api(regions_with_people["auditor"])
    assert "amer.am" in usernames(client.get("/api/v1/users/"))


def test_user_without_region_sees_only_themselves(regions_with_people, signed_in_api):
    loner = user_with(Role.ACCOUNT_MANAGER, regions=[], username="loner")
    assert usernames(signed_in_api(loner).get("/api/v1/users/")) == {"loner"}


def test_filters_by_region_and_role(regions_with_people, signed_in_api):
    client = signed_in_api(regions_with_people["auditor"])
    assert usernames(client.get("/api/v1/users/?region=AMER")) == {"amer.am", "both.owner"}
    assert usernames(client.get("/api/v1/users/?role=account manager")) == {"emea.am", "amer.am"}
    assert usernames(client.get("/api/v1/users/?search=owner")) == {"both.owner"}


def test_scope_is_one_sql_query_not_a_python_filter(regions_with_people, django_assert_num_queries):
    user = regions_with_people["emea_am"]
    assert user.roles  # the roles are read once per request and cached on the user
    with django_assert_num_queries(1):
        list(access.visible(user, User))
    assert "EXISTS" in str(access.visible(user, User).query).upper()


def test_inactive_or_anonymous_users_see_nothing(regions_with_people):
    from django.contrib.auth.models import AnonymousUser

    assert not access.visible(AnonymousUser(), User).exists()
    gone = regions_with_people["emea_ops"]
    gone.is_active = False
    gone.save()
    assert not access.visible(gone, User).exists()


def test_allowed_gives_reasons(regions_with_people):
    am = regions_with_people["emea_am"]
    assert access.allowed(am, "view", regions_with_people["emea_ops"])
    outside = access.allowed(am, "view", regions_with_people["amer_am"])
    assert not outside and "outside your scope" in outside.reason
    refused = access.allowed(am, "manage_roles", regions_with_people["emea_ops"])
    assert not refused and "administrator" in refused.reason
    unknown = access.allowed(am, "launch", regions_with_people["emea_ops"])
    assert not unknown and "Nobody may launch" in unknown.reason


@pytest.mark.parametrize("rows", [3, 50])
def test_user_list_query_count_does_not_grow(rows, signed_in_api, django_assert_max_num_queries):
    auditor = user_with(Role.AUDITOR, regions=["EMEA"])
    UserFactory.create_batch(rows, regions=["EMEA"], roles=[Role.ACCOUNT_MANAGER])
    client = signed_in_api(auditor)
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/users/?page_size=200")
    assert response.status_code == 200
    assert response.json()["count"] == rows + 1


def test_a_scope_is_built_once_per_user_object_and_each_caller_gets_its_own_copy(regions_with_people):
    """`visible(user, Model)` builds the scope's filter once per user object (a request's user) — building it
    was a fifth of a board member's `/governance/` CPU — and hands each caller a copy: narrowing one does not
    narrow the next, and the rows are read anew each time."""
    from segments.models import Customer
    from tests.segments.factories import CustomerFactory

    emea = Region.objects.get(code="EMEA")
    lead = User.objects.get(username="emea.ops")
    CustomerFactory(region=emea, name="First")
    narrowed = access.visible(lead, Customer).filter(name="Nobody")
    assert list(narrowed) == []
    assert lead.__dict__["_visible_scopes"][Customer] is not narrowed
    CustomerFactory(region=emea, name="Second")
    CustomerFactory(region=Region.objects.get(code="AMER"), name="Elsewhere")

    assert sorted(access.visible(lead, Customer).values_list("name", flat=True)) == ["First", "Second"]
    assert str(access.visible(lead, Customer).query) == str(access.visible(lead, Customer).query)
