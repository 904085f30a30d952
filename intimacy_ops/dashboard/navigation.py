"""The dashboard's entry in the navigation: for the roles its access rule lets in."""

from intimacy_ops.accounts import navigation
from intimacy_ops.dashboard.access_rules import READERS

navigation.register(
    key="dashboard", label="Dashboard", url_name="dashboard:page", roles=set(READERS), order=40
)
