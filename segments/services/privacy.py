"""Sensitive customer data beyond the role: grants, break-glass, their review, and the access log.

segments registers Customer as a subject of `intimacy_ops.sensitive` (`register()`, from
SegmentsConfig.ready()): the kernel asks `active_access` which customers a user's grants or
break-glass sessions open (one query for a whole page), and hands `write_access_log` the rows to
insert (one bulk insert per response).
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import CharField, Exists, OuterRef, Value
from django.db.models.functions import Concat
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from intimacy_ops import access, audit, checks, errors, sensitive
from intimacy_ops.accounts.models import User
from intimacy_ops.accounts.roles import Role
from intimacy_ops.notifications import notify
from segments.models import Customer
from segments.privacy_models import (
    VIEW_SENSITIVE,
    AccessLogEntry,
    BreakGlassSession,
    CustomerUserObjectPermission,
    SensitiveAccessGrant,
)

PERMISSION = f"segments.{VIEW_SENSITIVE}"
MIN_PURPOSE = 10


# --- what the kernel asks ------------------------------------------------------------------------------


def active_access(user, ids: list[int]) -> dict[int, str]:
    """{customer id: purpose} of those among `ids` that an active grant or break-glass opens to `user` (one query).

    A grant counts while its guardian permission exists AND its term holds (not revoked, not expired):
    an expired grant is masked at once, before the periodic check removes its guardian row.
    """
    if not ids:
        return {}
    now = timezone.now()
    # The ids are repeated inside so the planner walks guardian's (user, permission, customer) index for
    # this page only, however many grants the user holds.
    permitted = CustomerUserObjectPermission.objects.filter(
        user_id=user.pk,
        permission__codename=VIEW_SENSITIVE,
        content_object_id__in=ids,
        content_object_id=OuterRef("customer_id"),
    )
    grants = (
        SensitiveAccessGrant.objects.filter(
            user_id=user.pk,
            customer_id__in=ids,
            revoked_at__isnull=True,
            granted_at__lte=now,
            expires_at__gt=now,
        )
        .filter(Exists(permitted))
        .annotate(why=Concat(Value(sensitive.GRANT_PREFIX), "purpose", output_field=CharField()))
        .values_list("customer_id", "why")
        .order_by()
    )
    glass = (
        BreakGlassSession.objects.filter(
            user_id=user.pk, customer_id__in=ids, opened_at__lte=now, expires_at__gt=now
        )
        .annotate(why=Value(sensitive.BREAK_GLASS, output_field=CharField()))
        .values_list("customer_id", "why")
        .order_by()
    )
    found: dict[int, str] = {}
    for customer_id, why in grants.union(glass, all=True):
        # A grant's stated purpose says more than break-glass; either opens the customer.
        if customer_id not in found or found[customer_id] == sensitive.BREAK_GLASS:
            found[customer_id] = why
    return found


def write_access_log(rows: list[sensitive.AccessRow]) -> None:
    AccessLogEntry.objects.bulk_create(
        [
            AccessLogEntry(
                user=row.user,
                customer_id=row.object_id,
                fields=row.fields,
                at=row.at,
                purpose=row.purpose[:250],
                channel=row.channel,
            )
            for row in rows
        ]
    )


def register() -> None:
    sensitive.register_subject(
        Customer, owner_field="account_manager_id", active_access=active_access, write_log=write_access_log
    )


# --- grants ---------------------------------------------------------------------------------------------


def _stewards():
    return User.objects.filter(is_active=True, groups__name=Role.DATA_STEWARD.value).distinct()


def grant_access(
    *, actor, user: User, customer: Customer, purpose: str, expires_at: datetime.datetime
) -> SensitiveAccessGrant:
    """A data steward lets one user read one customer's sensitive fields, for a stated purpose, until a time."""
    access.require(actor, "grant_sensitive_access", customer)
    purpose = (purpose or "").strip()
    now = timezone.now()
    problems = {}
    if len(purpose) < MIN_PURPOSE:
        problems["purpose"] = [f"Say why, in at least {MIN_PURPOSE} characters: the access log quotes it."]
    if expires_at <= now:
        problems["expires_at"] = ["The grant must end in the future."]
    if user.pk == actor.pk:
        problems["user"] = ["A steward does not grant access to themselves; ask another data steward."]
    elif not user.is_active:
        problems["user"] = [f"{user.username} is not active."]
    elif not access.visible(user, Customer).filter(pk=customer.pk).exists():
        problems["user"] = [f"{customer.name} is outside {user.username}'s scope: a grant would not show it."]
    if problems:
        raise errors.ValidationFailed(problems)
    with transaction.atomic():
        grant = SensitiveAccessGrant.objects.create(
            user=user,
            customer=customer,
            purpose=purpose,
            granted_by=actor,
            granted_at=now,
            expires_at=expires_at,
        )
        assign_perm(PERMISSION, user, customer)
        audit.record(
            actor=actor,
            verb="sensitive.grant",
            obj=customer,
            after={"grant": grant.pk, "user": user.username, "purpose": purpose, "expires_at": expires_at},
        )
    return grant


def revoke_grant(*, actor, grant: SensitiveAccessGrant, reason: str = "") -> SensitiveAccessGrant:
    """End a grant now; the user reads the customer's sensitive fields masked from the next request."""
    access.require(actor, "grant_sensitive_access", grant.customer)
    with transaction.atomic():
        grant = SensitiveAccessGrant.objects.select_for_update().get(pk=grant.pk)
        now = timezone.now()
        if grant.revoked_at is not None or grant.expires_at <= now:
            raise errors.TransitionNotAllowed(
                action="revoke", status="revoked" if grant.revoked_at else "expired"
            )
        SensitiveAccessGrant.objects.filter(pk=grant.pk).update(
            revoked_at=now, revoked_by=actor, revoke_reason=(reason or "").strip()
        )
        grant.refresh_from_db()
        _drop_permission_unless_granted(grant.user_id, grant.customer_id, now)
        audit.record(
            actor=actor,
            verb="sensitive.revoke",
            obj=grant.customer,
            before={"grant": grant.pk, "user": grant.user.username, "expires_at": grant.expires_at},
            after={"revoked_at": now},
            comment=grant.revoke_reason,
        )
    return grant


def _drop_permission_unless_granted(user_id: int, customer_id: int, now) -> None:
    still = SensitiveAccessGrant.objects.filter(
        user_id=user_id, customer_id=customer_id, revoked_at__isnull=True, expires_at__gt=now
    ).exists()
    if not still:
        user = User.objects.get(pk=user_id)
        remove_perm(PERMISSION, user, Customer(pk=customer_id))


@checks.register(
    name="sensitive_grants_expiry",
    every_seconds=300,
    description="Removes the guardian permissions of grants past their end (reads already mask them).",
)
def remove_expired_permissions() -> str:
    """Delete the guardian rows no active grant stands behind (idempotent; reads never relied on it)."""
    now = timezone.now()
    live = SensitiveAccessGrant.objects.filter(
        user_id=OuterRef("user_id"),
        customer_id=OuterRef("content_object_id"),
        revoked_at__isnull=True,
        granted_at__lte=now,
        expires_at__gt=now,
    )
    stale = CustomerUserObjectPermission.objects.filter(permission__codename=VIEW_SENSITIVE).exclude(
        Exists(live)
    )
    removed, _ = stale.delete()
    return f"removed {removed} expired customer permission(s)"


# --- break-glass ----------------------------------------------------------------------------------------


def max_hours() -> int:
    return int(getattr(settings, "BREAK_GLASS_MAX_HOURS", 4))


def min_justification() -> int:
    return int(getattr(settings, "BREAK_GLASS_MIN_JUSTIFICATION", 30))


def open_break_glass(
    *, actor, customer: Customer, justification: str, hours: int | None = None
) -> BreakGlassSession:
    """Emergency access to one customer's sensitive fields, justified, for at most N hours; stewards are told at once."""
    access.require(actor, "break_glass", customer)
    justification = (justification or "").strip()
    hours = max_hours() if hours in (None, "") else hours
    problems = {}
    if len(justification) < min_justification():
        problems["justification"] = [
            f"Say why this cannot wait for a data steward's grant, in at least {min_justification()} characters."
        ]
    if not isinstance(hours, int) or not 1 <= hours <= max_hours():
        problems["hours"] = [f"Between 1 and {max_hours()} hours."]
    if not problems and all(
        sensitive.purpose(actor, customer, name) == sensitive.OWN_ACCOUNT
        for name in sensitive.sensitive_fields(customer)
    ):
        problems["customer"] = ["You already read this customer's sensitive fields: they are your account."]
    if problems:
        raise errors.ValidationFailed(problems)
    now = timezone.now()
    with transaction.atomic():
        session = BreakGlassSession.objects.create(
            user=actor,
            customer=customer,
            justification=justification,
            opened_at=now,
            expires_at=now + datetime.timedelta(hours=hours),
        )
        audit.record(
            actor=actor,
            verb="sensitive.break_glass",
            obj=customer,
            after={"session": session.pk, "hours": hours, "expires_at": session.expires_at},
            comment=justification,
        )
        notify(
            _stewards().exclude(pk=actor.pk),
            subject=f"Break-glass: {actor.username} opened {customer.name}",
            body=(
                f"{actor.display_name} opened emergency access to the sensitive fields of {customer.name} "
                f"for {hours} hour(s), until {session.expires_at:%Y-%m-%d %H:%M} UTC.\n\nJustification: {justification}"
            ),
            link=reverse("segments:privacy-break-glass"),
        )
    return session


def review_break_glass(
    *, actor, session: BreakGlassSession, outcome: str, comment: str = ""
) -> BreakGlassSession:
    """A data steward accepts a break-glass session as justified, or flags it for follow-up."""
    access.require(actor, "review_break_glass", session.customer)
    if outcome not in BreakGlassSession.Outcome.values:
        raise errors.ValidationFailed({"outcome": ["accept or flag."]})
    if session.user_id == actor.pk:
        raise errors.PermissionDenied("Another data steward reviews your own break-glass session.")
    comment = (comment or "").strip()
    if outcome == BreakGlassSession.Outcome.FLAG and not comment:
        raise errors.ValidationFailed({"comment": ["Say what is wrong with it: the flag is followed up."]})
    with transaction.atomic():
        session = BreakGlassSession.objects.select_for_update().get(pk=session.pk)
        if session.reviewed_at is not None:
            raise errors.TransitionNotAllowed(action="review", status=session.review_outcome)
        now = timezone.now()
        BreakGlassSession.objects.filter(pk=session.pk).update(
            reviewed_by=actor, reviewed_at=now, review_outcome=outcome, review_comment=comment
        )
        session.refresh_from_db()
        audit.record(
            actor=actor,
            verb=f"sensitive.break_glass_{outcome}",
            obj=session.customer,
            after={"session": session.pk, "user": session.user.username, "outcome": outcome},
            comment=comment,
        )
    return session
