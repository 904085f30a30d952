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


@access.register_model_rule(AuditEvent, "read_trail")
def _may_read_trail(user):
    if user.has_role(Role.AUDITOR, Role.ADMINISTRATOR):
        return access.ALLOW
    return access.Decision(False, "The audit trail is for auditors and administrators.")


@access.register_model_rule(CheckRun, "view")
def _may_view_checks(user):
    if user.has_role(Role.ADMINISTRATOR, Role.OPERATIONS_LEAD):
        return access.ALLOW
    return access.Decision(False, "Background checks are for administrators and operations leads.")


@access.register_model_rule(CheckRun, "create")
def _may_run_check(user):
    if user.has_role(Role.ADMINISTRATOR):
        return access.ALLOW
    return access.Decision(False, "Only administrators run a check by hand.")
