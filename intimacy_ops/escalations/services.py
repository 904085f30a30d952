"""Writes of escalations. `raise_escalation` is what a check calls when it sees a line crossed."""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone

from intimacy_ops import audit
from intimacy_ops.escalations.models import Escalation


def raise_escalation(
    *,
    subject,
    reason: str,
    detail: str = "",
    subject_label: str = "",
    subject_link: str = "",
    region=None,
    ladder: list[dict] | None = None,
    target_user=None,
) -> tuple[Escalation, bool]:
    """Raise an escalation on a subject for a reason, once: returns (escalation, created).

    The open escalation of the same subject and reason is returned as is when one exists (the database's
    partial unique constraint decides between two concurrent callers).
    """
    content_type = ContentType.objects.get_for_model(type(subject))
    open_one = Escalation.objects.filter(
        content_type=content_type, object_id=subject.pk, reason=reason, resolved_at__isnull=True
    )
    existing = open_one.first()
    if existing is not None:
        return existing, False
    now = timezone.now()
    ladder = list(ladder or [])
    first = ladder[0] if ladder else {}
    try:
        with transaction.atomic():
            escalation = Escalation.objects.create(
                content_type=content_type,
                object_id=subject.pk,
                subject_label=(subject_label or str(subject))[:200],
                subject_link=subject_link,
                reason=reason,
                detail=detail,
                region=region,
                ladder=ladder,
                level=1,
                target_user=target_user,
                target_role=first.get("role", ""),
                raised_at=now,
                level_raised_at=now,
                next_level_at=(
                    now + datetime.timedelta(minutes=int(ladder[1]["after_minutes"]))
                    if len(ladder) > 1
                    else None
                ),
            )
    except IntegrityError:
        return open_one.get(), False
    audit.record(actor=None, verb="escalation.raised", obj=escalation, after={"reason": reason, "level": 1})
    return escalation, True
