"""Access rules of the kernel's own records: the audit trail and the background checks' runs."""

from intimacy_ops import access
from intimacy_ops.accounts.roles import Role
from intimacy_ops.audit import AuditEvent
from intimacy_ops.health import CheckRun


@access.register_scope(AuditEvent)
def _audit_events(user, queryset):
    """Auditors and administrators read the whole trail; anyone else only what they did themselves."""
    return queryset if access.sees_all_regions(user) else queryset.filter(actor=user)


@access.register_rule(AuditEvent, "view")
def _may_view_event(user, obj):
    return True


access.allow_roles(
    AuditEvent,
    "read_trail",
    roles=(Role.AUDITOR, Role.ADMINISTRATOR),
    refusal="The audit trail is for auditors and administrators.",
)

access.allow_roles(
    CheckRun,
    "view",
    roles=(Role.ADMINISTRATOR, Role.OPERATIONS_LEAD),
    refusal="Background checks are for administrators and operations leads.",
)

access.allow_roles(
    CheckRun, "create", roles=(Role.ADMINISTRATOR,), refusal="Only administrators run a check by hand."
)
