"""A customer link's lifecycle: active → revoked (keyaccounts/models.py). Expiry needs no transition: a link
past `expires_at` is refused by its page like a revoked one. No transition log: the audit trail keeps it."""

from intimacy_ops import lifecycle
from intimacy_ops.lifecycle import Row, Who
from keyaccounts.models import CustomerLink

LINK = CustomerLink.Status


def _enter(link: CustomerLink, row: Row, at) -> None:
    link.status = row.target
    link.revoked_at = at
    link.save(update_fields=["status", "revoked_at", "revoked_by"])


TABLE = lifecycle.register(
    CustomerLink,
    rows=[
        Row(
            "revoke",
            {LINK.ACTIVE},
            LINK.REVOKED,
            Who(
                "the issuer, the customer's account manager, a data steward of its region or an administrator",
                rule="revoke",
            ),
            "Revoke",
        ),
    ],
    verb="customer_link",
    enter=_enter,
    states=[choice.value for choice in LINK],
    note="Expiry is not a transition: past `expires_at` the link's page answers 404 like a revoked one.",
)

from keyaccounts.playbooks import lifecycle as _plays  # noqa: E402, F401  (a play due's table)
