"""The cast of CONTRACT.md's demo people, and two customers: Acme (EMEA, Alice's) and Delta (AMER, Bob's)."""

from types import SimpleNamespace

import pytest
from rest_framework.test import APIClient

from intimacy_ops.accounts.demo import DEMO_PASSWORD
from intimacy_ops.accounts.models import User
from tests.segments.factories import CustomerFactory, region

DEMO_USERNAMES = [
    "am.alice",
    "am.bob",
    "owner.olivia",
    "ccb.carol",
    "ccb.dan",
    "ops.oscar",
    "steward.sam",
    "audit.ada",
    "admin",
]


@pytest.fixture
def world(db):
    from intimacy_ops.accounts.demo import seed_people

    seed_people()
    people = {user.username: user for user in User.objects.filter(username__in=DEMO_USERNAMES)}
    emea, amer = region("EMEA"), region("AMER")
    acme = CustomerFactory(
        name="Acme Logistics",
        region=emea,
        account_manager=people["am.alice"],
        contact_email="ceo@acme.example",
        personal_notes="Prefers calls on Monday mornings.",
    )
    delta = CustomerFactory(
        name="Delta Retail",
        region=amer,
        account_manager=people["am.bob"],
        contact_email="ops@delta.example",
        personal_notes="Board meets in March.",
    )
    return SimpleNamespace(people=people, acme=acme, delta=delta, customers={"acme": acme, "delta": delta})


@pytest.fixture
def as_user(world):
    """`as_user("ops.oscar")` → an APIClient signed in with that demo user's real API token."""
    clients = {}

    def sign_in(username: str) -> APIClient:
        if username not in clients:
            client = APIClient()
            response = client.post(
                "/api/v1/auth/token/", {"username": username, "password": DEMO_PASSWORD}, format="json"
            )
            assert response.status_code == 200, response.content
            client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
            clients[username] = client
        return clients[username]

    return sign_in
