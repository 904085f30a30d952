"""Deeply nested JSON is refused with a 400 that says why, never a RecursionError (issue 13, defect 3)."""

import pytest

from intimacy_ops import parsers

pytestmark = pytest.mark.django_db

DEEP = "[" * 50000 + "]" * 50000


def test_deep_json_to_the_token_endpoint_is_a_400_without_signing_in(api):
    response = api.post("/api/v1/auth/token/", DEEP, content_type="application/json")

    assert response.status_code == 400
    assert "nested 50000 levels deep" in response.json()["detail"]


def test_deep_json_to_a_resource_is_a_400_naming_the_limit(make_user, signed_in_api):
    client = signed_in_api(make_user("account manager", regions=["EMEA"]))
    body = '{"title": ' + "{" * 40 + "}" * 40 + "}"

    response = client.post("/api/v1/exceptions/", body, content_type="application/json")

    assert response.status_code == 400
    assert f"at most {parsers.MAX_DEPTH} levels" in response.json()["detail"]


def test_json_at_the_limit_still_parses_and_brackets_in_strings_do_not_count(api):
    nested = "[" * (parsers.MAX_DEPTH - 1) + "]" * (parsers.MAX_DEPTH - 1)  # + the object: MAX_DEPTH
    body = '{"username": "' + "[" * 100 + '\\"{", "password": ' + nested + "}"

    response = api.post("/api/v1/auth/token/", body, content_type="application/json")

    assert response.status_code == 400  # wrong credentials, not a parse error
    assert "JSON parse error" not in response.content.decode()


@pytest.mark.parametrize("reason", ["A reason long enough.", ""])
def test_a_deep_tier_proposal_posted_to_the_page_is_refused_not_a_500(make_user, browse, reason):
    client = browse(make_user("operations lead", regions=["EMEA"]))
    client.raise_request_exception = False

    response = client.post("/segments/tiers/apply/", {"proposal": DEEP, "fingerprint": "x", "reason": reason})

    assert response.status_code == 400
