"""The role × field matrix (DESIGN.md, roles table): for each demo role and each sensitive field of a customer
in and out of their scope, the API and the customer page show the value, "***", or 404 — and each unmasked
look leaves exactly one access-log row per response."""

import pytest

from privacy.models import AccessLogEntry

VALUE, MASKED, NOT_FOUND = "value", "***", 404

# Acme: EMEA, Alice's account. Delta: AMER, Bob's account.
# Written out from DESIGN.md's roles table, not computed from the code under test.
MATRIX = {
    # user            field              acme       delta
    "am.alice": {  # account manager (EMEA): own accounts in full; other regions out of scope
        "contact_email": (VALUE, NOT_FOUND),
        "personal_notes": (VALUE, NOT_FOUND),
    },
    "am.bob": {  # account manager (AMER)
        "contact_email": (NOT_FOUND, VALUE),
        "personal_notes": (NOT_FOUND, VALUE),
    },
    "owner.olivia": {  # process owner (EMEA, AMER): customers in region, sensitive masked
        "contact_email": (MASKED, MASKED),
        "personal_notes": (MASKED, MASKED),
    },
    "ccb.carol": {  # board chair: "as board member", sensitive customer fields masked
        "contact_email": (MASKED, MASKED),
        "personal_notes": (MASKED, MASKED),
    },
    "ccb.dan": {  # board member
        "contact_email": (MASKED, MASKED),
        "personal_notes": (MASKED, MASKED),
    },
    "ops.oscar": {  # operations lead (EMEA): everything in region, sensitive masked unless granted
        "contact_email": (MASKED, NOT_FOUND),
        "personal_notes": (MASKED, NOT_FOUND),
    },
    "steward.sam": {  # data steward: sensitive data only through a logged, justified grant
        "contact_email": (MASKED, MASKED),
        "personal_notes": (MASKED, MASKED),
    },
    "audit.ada": {  # auditor: everything non-sensitive, every region
        "contact_email": (MASKED, MASKED),
        "personal_notes": (MASKED, MASKED),
    },
    "admin": {  # administrator (superuser): configuration; masked unless granted, like everyone else
        "contact_email": (MASKED, MASKED),
        "personal_notes": (MASKED, MASKED),
    },
}

CASES = [
    (username, field, which, expected[0 if which == "acme" else 1])
    for username, fields in MATRIX.items()
    for field, expected in fields.items()
    for which in ("acme", "delta")
]


def _expected_value(world, which, field, expected):
    return getattr(world.customers[which], field) if expected == VALUE else expected


@pytest.mark.parametrize(
    "username, field, which, expected", CASES, ids=[f"{u}-{f}-{w}" for u, f, w, _ in CASES]
)
def test_api_role_field_matrix(world, as_user, username, field, which, expected):
    customer = world.customers[which]
    response = as_user(username).get(f"/api/v1/customers/{customer.pk}/")
    if expected == NOT_FOUND:
        assert response.status_code == 404
        assert not AccessLogEntry.objects.exists()
        return
    assert response.status_code == 200
    assert response.json()[field] == _expected_value(world, which, field, expected)
    assert isinstance(response.json()[field], str)
    logged = list(
        AccessLogEntry.objects.values_list("user__username", "subject_id", "fields", "purpose", "channel")
    )
    if expected == VALUE:
        assert logged == [(username, customer.pk, ["contact_email", "personal_notes"], "own account", "api")]
    else:
        assert logged == []


@pytest.mark.parametrize(
    "username, field, which, expected", CASES, ids=[f"{u}-{f}-{w}" for u, f, w, _ in CASES]
)
def test_api_list_matches_the_matrix(world, as_user, username, field, which, expected):
    rows = {row["id"]: row for row in as_user(username).get("/api/v1/customers/").json()["results"]}
    customer = world.customers[which]
    if expected == NOT_FOUND:
        assert customer.pk not in rows
    else:
        assert rows[customer.pk][field] == _expected_value(world, which, field, expected)


@pytest.mark.parametrize(
    "username, field, which, expected", CASES, ids=[f"{u}-{f}-{w}" for u, f, w, _ in CASES]
)
def test_customer_page_role_field_matrix(world, client, username, field, which, expected):
    customer = world.customers[which]
    client.force_login(world.people[username])
    response = client.get(f"/segments/customers/{customer.pk}/")
    if expected == NOT_FOUND:
        assert response.status_code == 404
        return
    assert response.status_code == 200
    value = getattr(customer, field)
    html = response.content.decode()
    assert response.context[field] == _expected_value(world, which, field, expected)
    if expected == VALUE:
        assert (
            value if field == "contact_email" else "Monday mornings" if which == "acme" else "March"
        ) in html
        entry = AccessLogEntry.objects.get()
        assert (entry.user.username, entry.subject_id, entry.purpose, entry.channel) == (
            username,
            customer.pk,
            "own account",
            "page",
        )
        assert entry.fields == ["contact_email", "personal_notes"]
    else:
        assert value not in html
        assert 'class="masked"' in html
        assert not AccessLogEntry.objects.exists()
