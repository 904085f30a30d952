"""seed_demo creates CONTRACT.md's demo people, idempotently."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group
from django.core.management import call_command

from intimacy_ops.accounts.models import Region, User
from intimacy_ops.audit import AuditEvent

pytestmark = pytest.mark.django_db

EXPECTED = {
    "am.alice": ({"account manager"}, {"EMEA"}),
    "am.bob": ({"account manager"}, {"AMER"}),
    "owner.olivia": ({"process owner"}, {"EMEA", "AMER"}),
    "ccb.carol": ({"board chair", "board member"}, {"EMEA", "AMER"}),
    "ccb.dan": ({"board member"}, {"EMEA", "AMER"}),
    "ccb.erin": ({"board member"}, {"EMEA", "AMER"}),
    "ops.oscar": ({"operations lead"}, {"EMEA"}),
    "steward.sam": ({"data steward"}, {"EMEA", "AMER"}),
    "audit.ada": ({"auditor"}, {"EMEA", "AMER"}),
    "admin": ({"administrator"}, set()),
}


def snapshot() -> dict:
    people = User.objects.exclude(username="AnonymousUser").prefetch_related("groups", "regions")
    return {
        "users": sorted(
            (
                u.username,
                u.password,
                u.is_superuser,
                tuple(sorted(g.name for g in u.groups.all())),
                tuple(sorted(r.code for r in u.regions.all())),
            )
            for u in people
        ),
        "regions": sorted(Region.objects.values_list("code", "name")),
        "groups": sorted(Group.objects.values_list("name", flat=True)),
        "audit": AuditEvent.objects.count(),
    }


def test_eight_roles_exist_as_groups_from_migrations():
    assert set(Group.objects.values_list("name", flat=True)) >= {
        "account manager",
        "process owner",
        "board member",
        "board chair",
        "operations lead",
        "data steward",
        "auditor",
        "administrator",
    }


def test_seed_demo_creates_the_contract_people():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "intimacy-demo" in out.getvalue()
    for username, (roles, regions) in EXPECTED.items():
        user = User.objects.get(username=username)
        assert {g.name for g in user.groups.all()} == roles, username
        assert {r.code for r in user.regions.all()} == regions, username
        assert authenticate(username=username, password="intimacy-demo") == user
    assert User.objects.get(username="admin").is_superuser


def test_seed_demo_twice_leaves_the_same_rows():
    call_command("seed_demo", stdout=StringIO())
    first = snapshot()
    call_command("seed_demo", stdout=StringIO())
    assert snapshot() == first


def test_seed_demo_never_resets_a_changed_password():
    call_command("seed_demo", stdout=StringIO())
    alice = User.objects.get(username="am.alice")
    alice.set_password("alice-own-secret-42")
    alice.save()
    call_command("seed_demo", stdout=StringIO())
    assert authenticate(username="am.alice", password="alice-own-secret-42") is not None
    assert authenticate(username="am.alice", password="intimacy-demo") is None
