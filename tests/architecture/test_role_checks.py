"""Access is the only door (issue 12, item 1): roles are asked about in the access rules and the accounts
package, nowhere else. Services call `access.require`, pages and templates ask `access.allowed`."""

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
APPS = [
    "intimacy_ops",
    *settings.BUSINESS_APPS,
    "privacy",
]  # every business app: a new one is scanned at once

# What a hand-written role check looks like.
ROLE_CHECK = re.compile(
    r"has_role\(|groups__name|\.chair\s*[!=]=|chair_id\s*[!=]=|[!=]=\s*\w+\.chair(_id)?\b|\.is_superuser\b|is_superuser="
)


def _is_rule_module(path: Path) -> bool:
    relative = path.relative_to(ROOT).as_posix()
    return (
        path.name == "access_rules.py"
        or "/access_rules/" in relative
        or relative == "intimacy_ops/access.py"
        or relative.startswith("intimacy_ops/accounts/")
        or "/migrations/" in relative
    )


def role_checks_outside_rules() -> list[str]:
    found = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if _is_rule_module(path):
                continue
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                if ROLE_CHECK.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    return found


def test_roles_are_checked_only_in_access_rules_and_accounts():
    found = role_checks_outside_rules()
    assert not found, "Role checks outside the access rules (ask access.allowed/require):\n" + "\n".join(
        found
    )


def test_the_guard_sees_a_role_check(tmp_path):
    """The pattern really finds what it forbids (a guard that cannot fail guards nothing)."""
    for line in (
        "if user.has_role(Role.OPERATIONS_LEAD):",
        "User.objects.filter(groups__name='auditor')",
        "if review.board.chair_id == user.pk:",
        "if board.chair == actor:",
        "if actor.pk != board.chair_id:",
        "if user.is_superuser:",
    ):
        assert ROLE_CHECK.search(line), line
    for line in ("access.require(user, 'decide', review)", "chaired_boards(user)", "board.chair_id"):
        assert not ROLE_CHECK.search(line), line
