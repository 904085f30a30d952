"""Sensitive data beyond the role: grants, break-glass, their review, and the access log's writes.

For every declared subject the privacy part registers with `intimacy_ops.sensitive` how to find
which records a user's grants or break-glass sessions open (`selectors.active_access`, one query
for a whole page) and how to insert the access-log rows (`write_access_log`, one bulk insert).
"""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from intimacy_ops import access, audit, errors, lifecycle, sensitive
from intimacy_ops.accounts.models import User
from intimacy_ops.accounts.roles import Role
from intimacy_ops.accounts.selectors import people_with_role
from intimacy_ops.notifications import notify
from privacy import subjects
from privacy.models import AccessLogEntry, BreakGlassSession, SensitiveAccessGrant

MIN_PURPOSE = 10


# --- the access log -------------------------------------------------------------------------------------


def write_access_log(subject: subjects.Subject, rows: list[sensitive.AccessRow]) -> None:
    content_type = subject.content_type()
    AccessLogEntry.objects.bulk_create(
        [
            AccessLogEntry(
                user=row.user,
                subject_type=content_type,
                subject_id=row.object_id,
                fields=row.fields,
                at=row.at,
                purpose=row.purpose[:250],
                channel=row.channel,
            )
            for row in rows
        ]
    )


# --- grants ---------------------------------------------------------------------------------------------


def _declared(subject_obj) -> subjects.Subject:
    declaration = subjects.of(subject_obj)
    if declaration is None:
        raise errors.ValidationFailed({"subject": ["This record is not a declared data subject."]})
    return declaration


def _stewards():
    return people_with_role(Role.DATA_STEWARD)


def grant_access(
    *, actor, user: User, subject, purpose: str, expires_at: datetime.datetime
) -> SensitiveAccessGrant:
    """A data steward lets one user read one subject's sensitive fields, for a stated purpose, until a time."""
    declaration = _declared(subject)
    access.require(actor, "grant_sensitive_access", subject)
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
    elif not access.visible(user, declaration.model).filter(pk=subject.pk).exists():
        problems["user"] = [f"{subject} is outside {user.username}'s scope: a grant would not show it."]
    if problems:
        raise errors.ValidationFailed(problems)
    with transaction.atomic():
        grant = SensitiveAccessGrant.objects.create(
            user=user,
            subject=subject,
            purpose=purpose,
            granted_by=actor,
            granted_at=now,
            expires_at=expires_at,
        )
        assign_perm(declaration.permission, user, subject)
        audit.record(
            actor=actor,
            verb="sensitive.grant",
            obj=subject,
            after={"grant": grant.pk, "user": user.username, "purpose": purpose, "expires_at": expires_at},
        )
    return grant


def revoke_grant(*, actor, grant: SensitiveAccessGrant, reason: str = "") -> SensitiveAccessGrant:
    """End a grant now; the user reads the subject's sensitive fields masked from the next request."""
    access.require(actor, "grant_sensitive_access", grant.subject)
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
        _drop_permission_unless_granted(grant, now)
        audit.record(
            actor=actor,
            verb="sensitive.revoke",
            obj=grant.subject,
            before={"grant": grant.pk, "user": grant.user.username, "expires_at": grant.expires_at},
            after={"revoked_at": now},
            comment=grant.revoke_reason,
        )
    return grant


def _drop_permission_unless_granted(grant: SensitiveAccessGrant, now) -> None:
    still = SensitiveAccessGrant.objects.filter(
        user_id=grant.user_id,
        subject_type_id=grant.subject_type_id,
        subject_id=grant.subject_id,
        revoked_at__isnull=True,
        expires_at__gt=now,
    ).exists()
    if not still:
        declaration = subjects.by_content_type_id(grant.subject_type_id)
        remove_perm(declaration.permission, grant.user, declaration.model(pk=grant.subject_id))


def remove_expired_permissions() -> str:
    """Delete the guardian rows no active grant stands behind (idempotent; reads never relied on it)."""
    now = timezone.now()
    removed = 0
    for declaration in subjects.all():
        live = SensitiveAccessGrant.objects.filter(
            user_id=OuterRef("user_id"),
            subject_type=declaration.content_type(),
            subject_id=OuterRef("content_object_id"),
            revoked_at__isnull=True,
            granted_at__lte=now,
            expires_at__gt=now,
        )
        stale = declaration.user_permission_model.objects.filter(
            permission__codename=declaration.codename
        ).exclude(Exists(live))
        count, _ = stale.delete()
        removed += count
    return f"removed {removed} expired {_noun()} permission(s)"


def _noun() -> str:
    return "/".join(declaration.verbose_name for declaration in subjects.all()) or "subject"


# --- break-glass ----------------------------------------------------------------------------------------


def max_hours() -> int:
    return int(getattr(settings, "BREAK_GLASS_MAX_HOURS", 4))


def min_justification() -> int:
    return int(getattr(settings, "BREAK_GLASS_MIN_JUSTIFICATION", 30))


def _already_open(subject, current: BreakGlassSession | None) -> errors.Conflict:
    until = f" until {current.expires_at:%Y-%m-%d %H:%M} UTC" if current else ""
    return errors.Conflict(
        f"You already have break-glass access to {subject}{until}: it is open once at a time; "
        "open another after it expires."
    )


def open_break_glass(*, actor, subject, justification: str, hours: int | None = None) -> BreakGlassSession:
    """Emergency access to one subject's sensitive fields, justified, for at most N hours; stewards are told at once.

    One open session per person and subject (a database constraint): a second open, even at the same instant, is a
    409 naming when the first expires."""
    _declared(subject)
    access.require(actor, "break_glass", subject)
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
        sensitive.purpose(actor, subject, name) == sensitive.OWN_ACCOUNT
        for name in sensitive.sensitive_fields(subject)
    ):
        problems[subjects.of(subject).key] = [
            f"You already read this {subjects.of(subject).verbose_name}'s sensitive fields: they are your account."
        ]
    if problems:
        raise errors.ValidationFailed(problems)
    now = timezone.now()
    with transaction.atomic():
        yours = BreakGlassSession.objects.about(subject).filter(user=actor, closed_at__isnull=True)
        # An expired session closes when the next opens: the database keeps one open per person and subject.
        yours.filter(expires_at__lte=now).update(closed_at=F("expires_at"))
        if current := yours.first():
            raise _already_open(subject, current)
        try:
            with transaction.atomic():
                session = BreakGlassSession.objects.create(
                    user=actor,
                    subject=subject,
                    justification=justification,
                    opened_at=now,
                    expires_at=now + datetime.timedelta(hours=hours),
                )
        except IntegrityError:  # the same person opened one at the same instant; theirs is committed
            raise _already_open(subject, yours.first()) from None
        audit.record(
            actor=actor,
            verb="sensitive.break_glass",
            obj=subject,
            after={"session": session.pk, "hours": hours, "expires_at": session.expires_at},
            comment=justification,
        )
        notify(
            _stewards().exclude(pk=actor.pk),
            subject=f"Break-glass: {actor.display_name} opened {subject}",
            body=(
                f"{actor.display_name} opened emergency access to the sensitive fields of {subject} "
                f"for {hours} hour(s), until {session.expires_at:%Y-%m-%d %H:%M} UTC.\n\nJustification: {justification}"
            ),
            link=reverse("privacy:break-glass"),
        )
    return session


def review_break_glass(
    *, actor, session: BreakGlassSession, outcome: str, comment: str = ""
) -> BreakGlassSession:
    """A data steward accepts a break-glass session as justified, or flags it for follow-up."""
    access.require(actor, "review_break_glass", session.subject)
    if outcome not in BreakGlassSession.Outcome.values:
        raise errors.ValidationFailed({"outcome": ["accept or flag."]})
    comment = (comment or "").strip()
    if outcome == BreakGlassSession.Outcome.FLAG and not comment:
        raise errors.ValidationFailed({"comment": ["Say what is wrong with it: the flag is followed up."]})
    with transaction.atomic():
        session = BreakGlassSession.objects.select_for_update().get(pk=session.pk)
        session.reviewed_by, session.review_comment = actor, comment
        lifecycle.apply(  # 409 once reviewed; 403 for your own session
            session,
            outcome,
            actor=actor,
            comment=comment,
            after={"session": session.pk, "user": session.user.username, "subject": str(session.subject)},
        )
    return session
