"""Who changes consent and who exports a data subject's records (registered from SegmentsConfig.ready())."""

from intimacy_ops import access
from intimacy_ops.accounts.roles import Role
from segments.models import Customer, RetentionPolicy


@access.register_rule(Customer, "change_consent")
def _may_change_consent(user, customer):
    if customer.account_manager_id == user.pk or user.has_role(Role.DATA_STEWARD, Role.ADMINISTRATOR):
        return access.ALLOW
    return access.Decision(False, "Only the customer's account manager or a data steward records consent.")


@access.register_rule(Customer, "subject_export")
def _may_export_subject(user, customer):
    if user.has_role(Role.DATA_STEWARD):
        return access.ALLOW
    return access.Decision(False, "Only a data steward exports everything held about a customer.")


@access.register_scope(RetentionPolicy)
def _retention_policies(user, queryset):
    # Data stewards own retention; auditors and administrators read it. Policies are global, not regional.
    if user.has_role(Role.DATA_STEWARD, Role.AUDITOR, Role.ADMINISTRATOR) or user.is_superuser:
        return queryset
    return queryset.none()


@access.register_rule(RetentionPolicy, "view")
def _may_view_retention(user, policy):
    return True


def may_read_retention(user) -> bool:
    return bool(
        user.is_authenticated
        and (user.is_superuser or user.has_role(Role.DATA_STEWARD, Role.AUDITOR, Role.ADMINISTRATOR))
    )
