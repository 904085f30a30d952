"""Passwords are hashed with Argon2id at the documented strength (intimacy_ops/accounts/hashers.py); a password
stored by the PBKDF2 hasher of earlier versions still signs in, and is re-hashed with Argon2 as it does.

The suite's own settings use a fast hasher; these tests switch to the production list."""

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher, identify_hasher
from django.test import override_settings
from rest_framework.test import APIClient

from intimacy_ops import settings as production
from tests.factories import PASSWORD, user_with

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("production_hashers")]

ARGON2_PREFIX = "argon2$argon2id$v=19$m=19456,t=2,p=1$"


@pytest.fixture
def production_hashers():
    with override_settings(PASSWORD_HASHERS=production.PASSWORD_HASHERS):
        yield


def user_with_an_old_pbkdf2_hash(username: str):
    user = user_with("account manager", username=username)
    # As an earlier version stored it (Django's PBKDF2; fewer iterations only to keep the test quick).
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, "oldsaltoldsalt", iterations=10_000)
    user.save(update_fields=["password"])
    return user


def test_sign_in_with_an_old_pbkdf2_hash_works_and_upgrades_it_to_argon2(client):
    alice = user_with_an_old_pbkdf2_hash("am.pbkdf2")

    response = client.post("/accounts/login/", {"username": "am.pbkdf2", "password": PASSWORD})

    assert response.status_code == 302, response.content.decode()[:500]
    assert client.session["_auth_user_id"] == str(alice.pk)
    alice.refresh_from_db()
    assert alice.password.startswith(ARGON2_PREFIX)
    client.logout()
    # The re-hashed password signs in again.
    assert client.post("/accounts/login/", {"username": "am.pbkdf2", "password": PASSWORD}).status_code == 302


def test_the_token_endpoint_upgrades_an_old_pbkdf2_hash_too():
    bob = user_with_an_old_pbkdf2_hash("am.pbkdf2.api")

    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "am.pbkdf2.api", "password": PASSWORD}, format="json"
    )

    assert response.status_code == 200 and response.json()["token"]
    bob.refresh_from_db()
    assert identify_hasher(bob.password).algorithm == "argon2"


def test_a_wrong_password_against_an_old_hash_is_refused_and_the_hash_kept():
    carol = user_with_an_old_pbkdf2_hash("am.pbkdf2.wrong")
    before = carol.password

    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "am.pbkdf2.wrong", "password": "not-it"}, format="json"
    )

    assert response.status_code == 400
    carol.refresh_from_db()
    assert carol.password == before


def test_a_new_password_is_stored_as_argon2id_at_the_documented_strength():
    dan = user_with("account manager", username="am.new.password")
    dan.set_password("a-brand-new-passphrase")
    dan.save()

    assert dan.password.startswith(ARGON2_PREFIX)
