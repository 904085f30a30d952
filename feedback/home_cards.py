"""What feedback puts on the role home pages: an account manager's sentiments waiting to be confirmed, a process
owner's root-cause analyses and actions due."""

from feedback import selectors_rca
from feedback.selectors import items as selectors
from intimacy_ops.accounts.roles import Role
from intimacy_ops.accounts.selectors import head_and_count, register_home_card


@register_home_card(
    key="feedback-to-confirm",
    title="Sentiments to confirm",
    roles={Role.ACCOUNT_MANAGER},
    template="feedback/home/_to_confirm.html",
    order=18,
)
def _to_confirm(user) -> dict:
    return head_and_count(selectors.to_confirm_for(user))


@register_home_card(
    key="rcas-due",
    title="Root-cause analyses and actions due",
    roles={Role.PROCESS_OWNER},
    template="feedback/home/_rcas_due.html",
    order=12,
)
def _rcas_due(user) -> dict:
    return selectors_rca.due_for_owner(user)
