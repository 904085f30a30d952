"""The exceptions app's entry in the navigation (registered from ExceptionsConfig.ready())."""

from intimacy_ops.accounts import navigation
from intimacy_ops.accounts.roles import Role

navigation.register(
    key="exceptions",
    label="Exceptions",
    url_name="exceptions:list",
    roles={
        Role.ACCOUNT_MANAGER,
        Role.OPERATIONS_LEAD,
        Role.PROCESS_OWNER,
        Role.BOARD_MEMBER,
        Role.BOARD_CHAIR,
        Role.AUDITOR,
    },
    order=50,
)

# Process owners keep the catalog (issue 18, defect 9: they had no menu entry for it).
navigation.register(
    key="processes",
    label="Processes",
    url_name="exceptions:process-list",
    roles={Role.PROCESS_OWNER, Role.ADMINISTRATOR},
    order=52,
)
# An operations lead's queue of small requests waiting for their decision (defect 6: it had no menu entry).
navigation.register(
    key="waiting",
    label="Waiting for me",
    url_name="exceptions:waiting",
    roles={Role.OPERATIONS_LEAD},
    order=48,
)
navigation.register(
    key="routing-thresholds",
    label="Routing",
    url_name="exceptions:thresholds",
    roles={Role.ADMINISTRATOR, Role.OPERATIONS_LEAD},
    order=77,
)
