"""API conventions: token auth, lockout, pagination, strict input, errors."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from intimacy_ops.accounts.models import User
from intimacy_ops.accounts.roles import Role
from tests.factories import PASSWORD, UserFactory, user_with

pytestmark = pytest.mark.django_db


def test_token_for_right_password_opens_the_api(api):
    user = user_with(Role.ACCOUNT_MANAGER)
    response = api.post(
        "/api/v1/auth/token/", {"username": user.username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = api.get("/api/v1/users/me/")
    assert me.status_code == 200
    assert me.json()["username"] == user.username
    assert me.json()["roles"] == ["account manager"]
    assert me.json()["regions"] == ["EMEA"]


def test_same_token_is_returned_on_second_sign_in(api):
    user = user_with(Role.AUDITOR)
    first = api.post("/api/v1/auth/token/", {"username": user.username, "password": PASSWORD}, format="json")
    second = api.post("/api/v1/auth/token/", {"username": user.username, "password": PASSWORD}, format="json")
    assert first.json()["token"] == second.json()["token"]


def test_wrong_password_is_400_with_a_message(api):
    user = user_with(Role.ACCOUNT_MANAGER)
    response = api.post("/api/v1/auth/token/", {"username": user.username, "password": "nope"}, format="json")
    assert response.status_code == 400
    assert "username and password" in response.json()["detail"]
    assert "token" not in response.json()


def test_no_token_is_401_naming_the_scheme(api):
    response = api.get("/api/v1/users/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["code"] == "not_authenticated"


def test_bogus_token_is_401(api):
    api.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef")
    assert api.get("/api/v1/users/").status_code == 401


def test_five_failures_lock_the_username_from_that_address_for_15_minutes(api):
    user = user_with(Role.ACCOUNT_MANAGER)
    for _ in range(4):
        assert (
            api.post("/api/v1/auth/token/", {"username": user.username, "password": "bad"}).status_code == 400
        )
    fifth = api.post("/api/v1/auth/token/", {"username": user.username, "password": "bad"})
    assert fifth.status_code == 429
    # Locked: even the right password is refused, with a message that says why and for how long.
    locked = api.post("/api/v1/auth/token/", {"username": user.username, "password": PASSWORD})
    assert locked.status_code == 429
    assert "15 minutes" in locked.json()["detail"]
    assert int(locked["Retry-After"]) > 0
    # Another address is not locked out.
    other = api.post(
        "/api/v1/auth/token/", {"username": user.username, "password": PASSWORD}, REMOTE_ADDR="10.9.8.7"
    )
    assert other.status_code == 200
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=16)):
        assert (
            api.post("/api/v1/auth/token/", {"username": user.username, "password": PASSWORD}).status_code
            == 200
        )


def test_sign_in_form_is_locked_too(client):
    user = user_with(Role.ACCOUNT_MANAGER)
    for _ in range(5):
        client.post("/accounts/login/", {"username": user.username, "password": "bad"})
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 429
    assert "locked for 15 minutes" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_success_clears_earlier_failures(api):
    user = user_with(Role.ACCOUNT_MANAGER)
    for _ in range(4):
        api.post("/api/v1/auth/token/", {"username": user.username, "password": "bad"})
    assert (
        api.post("/api/v1/auth/token/", {"username": user.username, "password": PASSWORD}).status_code == 200
    )
    for _ in range(4):
        assert (
            api.post("/api/v1/auth/token/", {"username": user.username, "password": "bad"}).status_code == 400
        )


def test_api_root_lists_resources(signed_in_api):
    client = signed_in_api(user_with(Role.AUDITOR))
    response = client.get("/api/v1/")
    assert response.status_code == 200
    assert {"users", "regions"} <= set(response.json())


def test_list_is_paginated_with_the_contract_shape(signed_in_api):
    auditor = user_with(Role.AUDITOR)
    UserFactory.create_batch(30, regions=["EMEA"])
    body = signed_in_api(auditor).get("/api/v1/users/").json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 31
    assert len(body["results"]) == 25
    assert body["previous"] is None
    assert "page=2" in body["next"]


def test_page_size_is_capped_at_200_not_refused(signed_in_api):
    auditor = user_with(Role.AUDITOR)
    User.objects.bulk_create([User(username=f"bulk{n:03d}") for n in range(205)])
    client = signed_in_api(auditor)
    body = client.get("/api/v1/users/?page_size=100000").json()
    assert body["count"] == 206
    assert len(body["results"]) == 200
    assert len(client.get("/api/v1/users/?page_size=7").json()["results"]) == 7


def test_bad_input_gets_clear_errors_never_500(api, signed_in_api):
    user = user_with(Role.AUDITOR)
    # Malformed JSON.
    malformed = api.post("/api/v1/auth/token/", data='{"username": "x", ', content_type="application/json")
    assert malformed.status_code == 400
    assert "JSON parse error" in malformed.json()["detail"]
    # Unknown fields are named, not silently dropped.
    unknown = api.post(
        "/api/v1/auth/token/",
        {"username": user.username, "password": PASSWORD, "remember": True},
        format="json",
    )
    assert unknown.status_code == 400
    assert unknown.json()["remember"] == ["Unknown field."]
    # Missing fields are named.
    missing = api.post("/api/v1/auth/token/", {"username": user.username}, format="json")
    assert missing.status_code == 400
    assert "password" in missing.json()
    # Not an object at all.
    listed = api.post("/api/v1/auth/token/", [1, 2], format="json")
    assert listed.status_code == 400
    client = signed_in_api(user)
    # Non-numeric and unknown ids are 404s in JSON.
    for path in ("/api/v1/users/abc/", "/api/v1/users/999999/", "/api/v1/regions/1%27%20OR%201=1/"):
        response = client.get(path)
        assert response.status_code == 404, path
    assert client.get("/api/v1/users/999999/").json()["code"] == "not_found"
    # Pages past the end, silly page sizes and unknown orderings don't break the list.
    assert client.get("/api/v1/users/?page=999").status_code == 404
    assert client.get("/api/v1/users/?page=abc").status_code == 404
    assert client.get("/api/v1/users/?page_size=-5").status_code == 200
    assert client.get("/api/v1/users/?ordering=password").status_code == 200
    # A role that does not exist is a 400 naming the filter.
    bad_filter = client.get("/api/v1/users/?role=wizard")
    assert bad_filter.status_code == 400
    assert "role" in bad_filter.json()
    # Writes to read-only resources are refused as such.
    assert client.post("/api/v1/regions/", {"code": "APAC"}, format="json").status_code == 405


def test_unknown_api_path_is_json_404(signed_in_api):
    client = signed_in_api(user_with(Role.AUDITOR))
    response = client.get("/api/v1/nothing-here/")
    assert response.status_code == 404


def test_openapi_schema_documents_the_api(api):
    response = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/auth/token/" in schema["paths"]
    assert "/api/v1/users/" in schema["paths"]


def test_docs_page_uses_local_assets(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/" in html
    assert "cdn" not in html.lower()
