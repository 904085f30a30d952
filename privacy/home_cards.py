"""What privacy puts on the data stewards' home page: the counts they act on (break-glass sessions waiting
for review, grants ending soon, sensitive views today), one aggregate query per table."""

import datetime

from django.db.models import Count, Q
from django.utils import timezone

from intimacy_ops import access
from intimacy_ops.accounts.roles import Role
from intimacy_ops.accounts.selectors import register_home_card
from privacy.models import AccessLogEntry, BreakGlassSession, SensitiveAccessGrant

EXPIRING_WITHIN = datetime.timedelta(days=7)


@register_home_card(
    key="privacy-counts",
    title="Sensitive data: what needs you",
    roles={Role.DATA_STEWARD},
    template="privacy/home/_counts.html",
    order=5,
)
def _counts(user) -> dict:
    now = timezone.now()
    sessions = access.visible(user, BreakGlassSession).aggregate(
        to_review=Count("pk", filter=Q(reviewed_at__isnull=True)),
        to_review_by_me=Count("pk", filter=Q(reviewed_at__isnull=True) & ~Q(user=user)),
    )
    live = Q(revoked_at__isnull=True, granted_at__lte=now, expires_at__gt=now)
    grants = access.visible(user, SensitiveAccessGrant).aggregate(
        active=Count("pk", filter=live),
        expiring=Count("pk", filter=live & Q(expires_at__lte=now + EXPIRING_WITHIN)),
    )
    views = access.visible(user, AccessLogEntry).filter(at__gte=now - datetime.timedelta(days=1)).count()
    return {**sessions, **grants, "views_today": views, "expiring_days": EXPIRING_WITHIN.days}
