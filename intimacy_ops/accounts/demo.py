"""Demo regions and users of CONTRACT.md ("Demo data"). Never in a migration."""

from intimacy_ops import seeding
from intimacy_ops.accounts import services
from intimacy_ops.accounts.roles import Role

DEMO_PASSWORD = "intimacy-demo"  # noqa: S105  (the published demo password, CONTRACT.md)

REGIONS = {"EMEA": "Europe, Middle East and Africa", "AMER": "The Americas"}

# username: (first name, last name, roles, regions)
USERS = {
    "am.alice": ("Alice", "Martin", [Role.ACCOUNT_MANAGER], ["EMEA"]),
    "am.bob": ("Bob", "Alvarez", [Role.ACCOUNT_MANAGER], ["AMER"]),
    "owner.olivia": ("Olivia", "Owens", [Role.PROCESS_OWNER], ["EMEA", "AMER"]),
    "ccb.carol": ("Carol", "Chen", [Role.BOARD_CHAIR, Role.BOARD_MEMBER], ["EMEA", "AMER"]),
    "ccb.dan": ("Dan", "Diaz", [Role.BOARD_MEMBER], ["EMEA", "AMER"]),
    "ccb.erin": ("Erin", "Evans", [Role.BOARD_MEMBER], ["EMEA", "AMER"]),
    "ops.oscar": ("Oscar", "Olsen", [Role.OPERATIONS_LEAD], ["EMEA"]),
    "steward.sam": ("Sam", "Sato", [Role.DATA_STEWARD], ["EMEA", "AMER"]),
    "audit.ada": ("Ada", "Adams", [Role.AUDITOR], ["EMEA", "AMER"]),
}


@seeding.register(name="regions and users", order=0)
def seed_people() -> str:
    regions = {code: services.ensure_region(code=code, name=name) for code, name in REGIONS.items()}
    created = 0
    for username, (first, last, roles, codes) in USERS.items():
        _, was_created = services.ensure_user(
            username=username,
            password=DEMO_PASSWORD,
            roles=roles,
            regions=[regions[code] for code in codes],
            first_name=first,
            last_name=last,
            email=f"{username}@example.com",
            comment="demo data",
        )
        created += was_created
    _, admin_created = services.ensure_user(
        username="admin",
        password=DEMO_PASSWORD,
        roles=[Role.ADMINISTRATOR],
        regions=[],
        first_name="Ada",
        last_name="Min",
        email="admin@example.com",
        is_superuser=True,
        comment="demo data",
    )
    created += admin_created
    return f"{len(regions)} regions, {len(USERS) + 1} users ({created} new)"
