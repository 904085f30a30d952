"""Who sees and does what in the privacy part (DESIGN.md: data stewards own it, auditors read the log).

The rows of the access log, grants and break-glass sessions are scoped through their subject, in SQL:
a steward sees those whose subject is in their scope as the owning app defines it (`access.visible`).
The per-subject rules (grant, break-glass, consent, export) are registered for each declared subject
model by `privacy.declare.subject`.
"""

from intimacy_ops import access
from intimacy_ops.accounts.roles import Role
from privacy import subjects
from privacy.models import AccessLogEntry, BreakGlassSession, RetentionPolicy, SensitiveAccessGrant


def may_read_access_log(user) -> access.Decision:
    """The access log is for data stewards and auditors (DESIGN.md); everyone else gets a 403."""
    if user.is_authenticated and user.has_role(Role.DATA_STEWARD, Role.AUDITOR):
        return access.ALLOW
    return access.Decision(False, "Only data stewards and auditors read the access log.")


def may_manage_grants(user) -> access.Decision:
    if user.is_authenticated and user.has_role(Role.DATA_STEWARD):
        return access.ALLOW
    return access.Decision(False, "Only data stewards grant, revoke and review access to sensitive data.")


def may_read_retention(user) -> bool:
    return bool(
        user.is_authenticated
        and (user.is_superuser or user.has_role(Role.DATA_STEWARD, Role.AUDITOR, Role.ADMINISTRATOR))
    )


@access.register_scope(AccessLogEntry)
def _access_log(user, queryset):
    return queryset if may_read_access_log(user) else queryset.none()


@access.register_scope(SensitiveAccessGrant)
@access.register_scope(BreakGlassSession)
def _grants(user, queryset):
    # Stewards see every grant and session about the subjects in their scope; anyone else, their own.
    if may_manage_grants(user):
        return subjects.rows_about(queryset, lambda subject: access.visible(user, subject.model))
    return queryset.filter(user=user)


@access.register_rule(BreakGlassSession, "review")
def _may_review_session(user, session):
    """The break-glass lifecycle's *who*: a data steward, never the one who opened the session."""
    decision = may_manage_grants(user)
    if decision and session.user_id == user.pk:
        return access.Decision(False, "Another data steward reviews your own break-glass session.")
    return decision


@access.register_scope(RetentionPolicy)
def _retention_policies(user, queryset):
    # Data stewards own retention; auditors and administrators read it. Policies are global, not regional.
    return queryset if may_read_retention(user) else queryset.none()


@access.register_rule(RetentionPolicy, "view")
def _may_view_retention(user, policy):
    return True


# --- rules on a declared subject's records (registered per model by privacy.declare.subject) ----------


def may_grant(user, subject_obj):
    """grant_sensitive_access, review_break_glass: data stewards."""
    return may_manage_grants(user)


def may_break_glass(user, subject_obj):
    return True  # anyone who sees the subject, justified and time-boxed; a steward reviews it afterwards


def may_change_consent(user, subject_obj):
    declaration = subjects.of(subject_obj)
    owner = getattr(subject_obj, declaration.owner_field, None) if declaration else None
    if (owner is not None and owner == user.pk) or user.has_role(Role.DATA_STEWARD, Role.ADMINISTRATOR):
        return access.ALLOW
    noun = declaration.verbose_name if declaration else "record"
    return access.Decision(False, f"Only the {noun}'s account manager or a data steward records consent.")


def may_export_subject(user, subject_obj):
    if user.has_role(Role.DATA_STEWARD):
        return access.ALLOW
    noun = subjects.of(subject_obj).verbose_name if subjects.of(subject_obj) else "record"
    return access.Decision(False, f"Only a data steward exports everything held about a {noun}.")


def register_subject_rules(model) -> None:
    access.register_rule(model, "grant_sensitive_access", "review_break_glass")(may_grant)
    access.register_rule(model, "break_glass")(may_break_glass)
    access.register_rule(model, "change_consent")(may_change_consent)
    access.register_rule(model, "subject_export")(may_export_subject)
