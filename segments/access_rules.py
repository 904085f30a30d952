"""Who sees and does what in segments: region scoping in SQL (DESIGN.md, roles table)."""

from intimacy_ops import access
from intimacy_ops.accounts.roles import Role
from segments.models import (
    AccessLogEntry,
    BreakGlassSession,
    Customer,
    ImportRun,
    Segment,
    SegmentChange,
    SensitiveAccessGrant,
    ServiceCase,
    SlaPolicy,
    WorkingCalendar,
)


@access.register_scope(Customer)
def _customers(user, queryset):
    return queryset if access.sees_all_regions(user) else access.in_user_regions(user, queryset)


@access.register_scope(ServiceCase)
def _cases(user, queryset):
    return (
        queryset
        if access.sees_all_regions(user)
        else access.in_user_regions(user, queryset, "customer__region")
    )


@access.register_scope(SegmentChange)
def _segment_changes(user, queryset):
    return (
        queryset
        if access.sees_all_regions(user)
        else access.in_user_regions(user, queryset, "customer__region")
    )


@access.register_scope(Segment)
@access.register_scope(SlaPolicy)
def _reference_data(user, queryset):
    return queryset  # tiers and their service commitments are known to everyone signed in


@access.register_scope(WorkingCalendar)
def _calendars(user, queryset):
    return queryset if access.sees_all_regions(user) else access.in_user_regions(user, queryset)


@access.register_scope(ImportRun)
def _imports(user, queryset):
    if user.has_role(Role.OPERATIONS_LEAD, Role.DATA_STEWARD, Role.ADMINISTRATOR, Role.AUDITOR):
        return queryset
    return queryset.filter(started_by=user)


@access.register_rule(Customer, "view")
@access.register_rule(ServiceCase, "view")
@access.register_rule(Segment, "view")
@access.register_rule(SlaPolicy, "view")
@access.register_rule(ImportRun, "view")
def _may_view(user, obj):
    return True


@access.register_rule(Customer, "change")
def _may_change_customer(user, customer):
    if user.has_role(Role.OPERATIONS_LEAD, Role.ADMINISTRATOR) or customer.account_manager_id == user.pk:
        return access.ALLOW
    return access.Decision(
        False, "Only the customer's account manager or an operations lead of the region edits a customer."
    )


@access.register_rule(Customer, "lock_segment")
def _may_lock(user, customer):
    if user.has_role(Role.OPERATIONS_LEAD, Role.ADMINISTRATOR):
        return access.ALLOW
    return access.Decision(False, "Only an operations lead places a customer in a segment by hand.")


@access.register_rule(ServiceCase, "change")
def _may_change_case(user, case):
    # DESIGN.md: an account manager follows the SLA status of *their* accounts, not a colleague's.
    if user.has_role(Role.OPERATIONS_LEAD, Role.ADMINISTRATOR) or case.customer.account_manager_id == user.pk:
        return access.ALLOW
    return access.Decision(
        False, "Only the customer's account manager or an operations lead of the region updates its cases."
    )


@access.register_rule(Segment, "change_thresholds")
@access.register_rule(SlaPolicy, "change")
def _may_manage_tiers(user, obj):
    if user.has_role(Role.OPERATIONS_LEAD, Role.ADMINISTRATOR):
        return access.ALLOW
    return access.Decision(False, "Only operations leads manage segment thresholds and SLA policies.")


# --- sensitive data: grants, break-glass, the access log (segments/services/privacy.py) -------------


def may_read_access_log(user) -> access.Decision:
    """The access log is for data stewards and auditors (DESIGN.md); everyone else gets a 403."""
    if user.is_authenticated and user.has_role(Role.DATA_STEWARD, Role.AUDITOR):
        return access.ALLOW
    return access.Decision(False, "Only data stewards and auditors read the access log.")


def may_manage_grants(user) -> access.Decision:
    if user.is_authenticated and user.has_role(Role.DATA_STEWARD):
        return access.ALLOW
    return access.Decision(False, "Only data stewards grant, revoke and review access to sensitive data.")


@access.register_scope(AccessLogEntry)
def _access_log(user, queryset):
    return queryset if may_read_access_log(user) else queryset.none()


@access.register_scope(SensitiveAccessGrant)
@access.register_scope(BreakGlassSession)
def _grants(user, queryset):
    # Stewards see every grant and session of their regions' customers; anyone else, their own.
    if may_manage_grants(user):
        return access.in_user_regions(user, queryset, "customer__region")
    return queryset.filter(user=user)


@access.register_rule(Customer, "grant_sensitive_access")
@access.register_rule(Customer, "review_break_glass")
def _may_grant(user, customer):
    return may_manage_grants(user)


@access.register_rule(Customer, "break_glass")
def _may_break_glass(user, customer):
    return True  # anyone who sees the customer, justified and time-boxed; a steward reviews it afterwards
