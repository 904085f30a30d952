"""Reads of the privacy part, for its API and its pages alike, scoped by `access`."""

from django.db import connections, router
from django.db.models import QuerySet
from django.utils import timezone

from intimacy_ops import access, sensitive
from privacy import subjects
from privacy.models import AccessLogEntry, BreakGlassSession, SensitiveAccessGrant


def active_access(subject: subjects.Subject, user, ids: list[int]) -> dict[int, str]:
    """{subject id: purpose} of those among `ids` that an active grant or break-glass opens to `user` (one query).

    A grant counts while its guardian permission exists AND its term holds (not revoked, not expired):
    an expired grant is masked at once, before the periodic check removes its guardian row.

    Written out (`_active_access_sql`) rather than built as an ORM union with an EXISTS: Django compiled that
    again for every list page that masks, ~4 ms of a 25-customer page's 20 (bench/README.md).
    """
    if not ids:
        return {}
    ids = list(ids)
    connection = connections[router.db_for_read(SensitiveAccessGrant)]
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    content_type = subject.content_type().pk
    params = [
        *(user.pk, content_type, *ids, now, now),
        *(*ids, subject.codename, user.pk),
        *(user.pk, content_type, *ids, now, now),
    ]
    with connection.cursor() as cursor:
        cursor.execute(_active_access_sql(subject, len(ids)), params)
        rows = cursor.fetchall()
    found: dict[int, str] = {}
    for kind, subject_id, purpose in rows:
        why = sensitive.GRANT_PREFIX + (purpose or "") if kind == "g" else sensitive.BREAK_GLASS
        # A grant's stated purpose says more than break-glass; either opens the subject.
        if subject_id not in found or found[subject_id] == sensitive.BREAK_GLASS:
            found[subject_id] = why
    return found


def _active_access_sql(subject: subjects.Subject, count: int) -> str:
    """`active_access`' statement for `count` ids: table and column names from the models, every value a
    parameter. The ids are repeated inside the EXISTS so the planner walks guardian's (user, permission,
    object) index for this page only, however many grants the user holds."""
    grant, glass = SensitiveAccessGrant._meta, BreakGlassSession._meta
    permitted = subject.user_permission_model._meta
    permission = permitted.get_field("permission").related_model._meta
    column = {name: permitted.get_field(name).column for name in ("content_object", "permission", "user")}
    ids = ", ".join(["%s"] * count)
    return (
        f"SELECT 'g', g.subject_id, g.purpose FROM {grant.db_table} g"  # noqa: S608
        f" WHERE g.user_id = %s AND g.subject_type_id = %s AND g.subject_id IN ({ids})"
        " AND g.revoked_at IS NULL AND g.granted_at <= %s AND g.expires_at > %s"
        f" AND EXISTS (SELECT 1 FROM {permitted.db_table} p"
        f" JOIN {permission.db_table} a ON a.id = p.{column['permission']}"
        f" WHERE p.{column['content_object']} = g.subject_id AND p.{column['content_object']} IN ({ids})"
        f" AND a.codename = %s AND p.{column['user']} = %s)"
        f" UNION ALL SELECT 'b', b.subject_id, '' FROM {glass.db_table} b"
        f" WHERE b.user_id = %s AND b.subject_type_id = %s AND b.subject_id IN ({ids})"
        " AND b.opened_at <= %s AND b.expires_at > %s AND b.closed_at IS NULL"
    )


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
