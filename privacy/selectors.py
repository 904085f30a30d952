"""Reads of the privacy part, for its API and its pages alike, scoped by `access`."""

from django.db.models import CharField, Exists, OuterRef, QuerySet, Value
from django.db.models.functions import Concat
from django.utils import timezone

from intimacy_ops import access, sensitive
from privacy import subjects
from privacy.models import AccessLogEntry, BreakGlassSession, SensitiveAccessGrant


def active_access(subject: subjects.Subject, user, ids: list[int]) -> dict[int, str]:
    """{subject id: purpose} of those among `ids` that an active grant or break-glass opens to `user` (one query).

    A grant counts while its guardian permission exists AND its term holds (not revoked, not expired):
    an expired grant is masked at once, before the periodic check removes its guardian row.
    """
    if not ids:
        return {}
    now = timezone.now()
    content_type = subject.content_type()
    # The ids are repeated inside so the planner walks guardian's (user, permission, object) index for
    # this page only, however many grants the user holds.
    permitted = subject.user_permission_model.objects.filter(
        user_id=user.pk,
        permission__codename=subject.codename,
        content_object_id__in=ids,
        content_object_id=OuterRef("subject_id"),
    )
    grants = (
        SensitiveAccessGrant.objects.filter(
            user_id=user.pk,
            subject_type=content_type,
            subject_id__in=ids,
            revoked_at__isnull=True,
            granted_at__lte=now,
            expires_at__gt=now,
        )
        .filter(Exists(permitted))
        .annotate(why=Concat(Value(sensitive.GRANT_PREFIX), "purpose", output_field=CharField()))
        .values_list("subject_id", "why")
        .order_by()
    )
    glass = (
        BreakGlassSession.objects.filter(
            user_id=user.pk,
            subject_type=content_type,
            subject_id__in=ids,
            opened_at__lte=now,
            expires_at__gt=now,
            closed_at__isnull=True,
        )
        .annotate(why=Value(sensitive.BREAK_GLASS, output_field=CharField()))
        .values_list("subject_id", "why")
        .order_by()
    )
    found: dict[int, str] = {}
    for subject_id, why in grants.union(glass, all=True):
        # A grant's stated purpose says more than break-glass; either opens the subject.
        if subject_id not in found or found[subject_id] == sensitive.BREAK_GLASS:
            found[subject_id] = why
    return found


def access_log(
    user, *, username: str = "", subject_ids: dict | None = None, since=None, until=None
) -> QuerySet:
    """The access log as this user may read it (stewards and auditors: all of it), newest first."""
    entries = access.visible(user, AccessLogEntry.objects.select_related("user").prefetch_related("subject"))
    if username:
        entries = entries.filter(user__username=username.strip())
    for subject, subject_id in (subject_ids or {}).items():
        entries = entries.filter(subject_type=subject.content_type(), subject_id=subject_id)
    if since is not None:
        entries = entries.filter(at__gte=since)
    if until is not None:
        entries = entries.filter(at__lt=until)
    return entries.order_by("-at", "-id")


def grants(user) -> tuple[QuerySet, QuerySet]:
    """(active grants by end, the 25 last ended) that the user sees."""
    now = timezone.now()
    scoped = access.visible(
        user, SensitiveAccessGrant.objects.select_related("user", "granted_by").prefetch_related("subject")
    )
    active = scoped.filter(revoked_at__isnull=True, expires_at__gt=now).order_by("expires_at")
    ended = scoped.exclude(revoked_at__isnull=True, expires_at__gt=now).order_by("-granted_at")[:25]
    return active, ended


def break_glass_sessions(user) -> tuple[QuerySet, QuerySet]:
    """(sessions waiting for review, oldest first; the 25 last reviewed) that the user sees."""
    sessions = access.visible(
        user, BreakGlassSession.objects.select_related("user", "reviewed_by").prefetch_related("subject")
    )
    waiting = sessions.filter(reviewed_at__isnull=True).order_by("opened_at")
    reviewed = sessions.filter(reviewed_at__isnull=False).order_by("-reviewed_at")[:25]
    return waiting, reviewed


def subject_access_log(subject_obj) -> QuerySet:
    """Who looked at this subject's sensitive fields, oldest first (the subject export's section)."""
    declaration = subjects.of(subject_obj)
    return (
        AccessLogEntry.objects.filter(subject_type=declaration.content_type(), subject_id=subject_obj.pk)
        .select_related("user")
        .order_by("at", "id")
    )
