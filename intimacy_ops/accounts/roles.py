"""The eight roles of DESIGN.md. Each is a Django group of the same name, created by a migration."""

from django.db import models


class Role(models.TextChoices):
    # value: the Django group's name; label: what people read
    ACCOUNT_MANAGER = "account manager", "Account manager"
    PROCESS_OWNER = "process owner", "Process owner"
    BOARD_MEMBER = "board member", "Board member"
    BOARD_CHAIR = "board chair", "Board chair"
    OPERATIONS_LEAD = "operations lead", "Operations lead"
    DATA_STEWARD = "data steward", "Data steward"
    AUDITOR = "auditor", "Auditor"
    ADMINISTRATOR = "administrator", "Administrator"

    @property
    def slug(self) -> str:
        return self.value.replace(" ", "-")

    @classmethod
    def from_slug(cls, slug: str) -> "Role":
        for role in cls:
            if role.slug == slug:
                return role
        raise ValueError(slug)


# When a person holds several roles, their home page is the first of these they hold.
HOME_PRECEDENCE = [
    Role.ADMINISTRATOR,
    Role.OPERATIONS_LEAD,
    Role.BOARD_CHAIR,
    Role.BOARD_MEMBER,
    Role.PROCESS_OWNER,
    Role.ACCOUNT_MANAGER,
    Role.DATA_STEWARD,
    Role.AUDITOR,
]
