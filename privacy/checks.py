"""The privacy part's periodic checks: expired grants' permissions removed, retention applied."""

from intimacy_ops import checks
from privacy.retention import service as retention
from privacy.services import sensitive_access

checks.register(
    name="sensitive_grants_expiry",
    every_seconds=300,
    description="Removes the guardian permissions of grants past their end (reads already mask them).",
)(sensitive_access.remove_expired_permissions)

checks.register(
    name="retention",
    every_seconds=6 * 3600,
    description="Anonymizes or deletes data past its retention period, never on legal hold.",
)(retention.retention_check)
