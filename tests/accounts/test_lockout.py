"""One lockout for every door: failures at /admin/login/, the sign-in form and the token endpoint count
together, and /admin/login/ refuses a locked username with 429 like the others (issue 13, defect 2)."""

import pytest
from rest_framework.test import APIClient

from tests.factories import PASSWORD, user_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator():
    return user_with("administrator", username="admin.ann", is_staff=True, is_superuser=True)


def test_five_wrong_passwords_at_the_admin_login_lock_it_with_429(client, administrator):
    for _ in range(4):
        response = client.post("/admin/login/", {"username": administrator.username, "password": "bad"})
        assert response.status_code == 200 and "correct username and password" in response.content.decode()
    assert (
        client.post("/admin/login/", {"username": administrator.username, "password": "bad"}).status_code
        == 429
    )

    response = client.post("/admin/login/", {"username": administrator.username, "password": PASSWORD})

    assert response.status_code == 429
    assert "locked for 15 minutes" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302  # still sent to the login page


def test_failures_at_every_door_count_together(client, administrator):
    api = APIClient()
    wrong = {"username": administrator.username, "password": "bad"}
    client.post("/admin/login/", wrong)
    client.post("/admin/login/", wrong)
    client.post("/accounts/login/", wrong)
    client.post("/accounts/login/", wrong)
    assert api.post("/api/v1/auth/token/", wrong, format="json").status_code == 429  # the fifth

    right = {"username": administrator.username, "password": PASSWORD}
    assert api.post("/api/v1/auth/token/", right, format="json").status_code == 429
    assert client.post("/accounts/login/", right).status_code == 429
    assert client.post("/admin/login/", right).status_code == 429
    assert "_auth_user_id" not in client.session
