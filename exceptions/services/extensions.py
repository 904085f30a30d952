"""Extensions: an active exception runs longer only through a decided extension request (issue 6, item 7).

Within the region's maximum duration an operations lead of the region decides (they are notified);
beyond it, or where the region has no lead, only a board may: a review opens on the board covering the
process and region (`hooks.request_extension_review`), and governance calls `decide_extension` with
authority "board" when the chair records the board's decision. At most `max_extensions` approved extensions per exception, by region policy.
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from exceptions import hooks
from exceptions.lifecycles import PERSON
from exceptions.models import ExceptionRequest, ExtensionRequest, RoutingThreshold
from exceptions.selectors import leads_of
from exceptions.services import notifications
from exceptions.services.lifecycle import lock
from intimacy_ops import audit, errors, lifecycle


def request_extension(
    *, actor, exception: ExceptionRequest, new_expires_on: datetime.date, reason: str
) -> ExtensionRequest:
    """The requester asks to run an active exception until a later date, saying why."""
    with transaction.atomic():
        exception = lock(exception)
        if exception.requested_by_id != actor.pk:
            raise errors.PermissionDenied("Only the person who raised this exception may ask to extend it.")
        if exception.status != ExceptionRequest.Status.ACTIVE:
            raise errors.Conflict(
                f"Only an active exception can be extended; this one is '{exception.status}'."
            )
        problems = {}
        if exception.expires_on is None:
            problems["new_expires_on"] = ["A permanent exception has no expiry to extend."]
        elif new_expires_on <= exception.expires_on:
            problems["new_expires_on"] = [
                f"Choose a date after the current expiry ({exception.expires_on:%Y-%m-%d})."
            ]
        if len((reason or "").strip()) < 10:
            problems["reason"] = ["Say why the exception must run longer (a sentence at least)."]
        if problems:
            raise errors.ValidationFailed(problems)
        policy = RoutingThreshold.objects.get(region_id=exception.customer.region_id)
        used = exception.extensions.filter(status=ExtensionRequest.Status.APPROVED).count()
        if used >= policy.max_extensions:
            raise errors.Conflict(
                f"This exception was extended {used} time(s), the most {exception.customer.region.code} allows. "
                "Ask for a new exception or a standard option instead."
            )
        needs_board = (new_expires_on - exception.starts_on).days > policy.max_duration_days or not leads_of(
            exception.customer.region_id
        ).exists()
        try:
            with transaction.atomic():
                extension = ExtensionRequest.objects.create(
                    exception=exception,
                    new_expires_on=new_expires_on,
                    reason=reason,
                    requested_by=actor,
                    requested_at=timezone.now(),
                    needs_board=needs_board,
                )
        except IntegrityError:
            raise errors.Conflict(
                "An extension of this exception is already waiting for a decision."
            ) from None
        if needs_board:
            hooks.request_extension_review(extension)  # no board covers it: a 409 and nothing is kept
        else:
            notifications.extension_requested(extension)
        audit.record(
            actor=actor,
            verb="exception.extension_requested",
            obj=exception,
            after={"extension": extension.pk, "new_expires_on": new_expires_on, "needs_board": needs_board},
            comment=reason,
        )
    return extension


def decide_extension(
    *, actor, extension: ExtensionRequest, approve: bool, comment: str = "", authority: str = PERSON
) -> ExtensionRequest:
    """Approve (the exception's expiry moves) or reject an open extension request."""
    with transaction.atomic():
        extension = (
            ExtensionRequest.objects.select_for_update(of=("self",))
            .select_related("exception__customer")
            .get(pk=extension.pk)
        )
        action = "approve" if approve else "reject"
        lifecycle.check(extension, action, actor=actor, authority=authority)  # 409 unless open; 403
        if not approve and not (comment or "").strip():
            raise errors.ValidationFailed(
                {"comment": ["Say why the extension is refused: the requester reads it."]}
            )
        exception = lock(extension.exception)
        if approve and exception.status != ExceptionRequest.Status.ACTIVE:
            raise errors.Conflict(f"The exception is '{exception.status}' now; it can no longer be extended.")
        extension.decided_by = actor
        extension.decision_comment = comment
        lifecycle.apply(extension, action, actor=actor, comment=comment, authority=authority)
        if approve:
            before = exception.expires_on
            exception.expires_on = extension.new_expires_on
            exception.save(update_fields=["expires_on", "updated_at"])
            audit.record(
                actor=actor,
                verb="exception.extended",
                obj=exception,
                before={"expires_on": before},
                after={"expires_on": exception.expires_on, "extension": extension.pk, "authority": authority},
                comment=comment,
            )
        else:
            audit.record(
                actor=actor,
                verb="exception.extension_rejected",
                obj=exception,
                after={"extension": extension.pk},
                comment=comment,
            )
        extension.exception = exception
        notifications.extension_decided(extension)
    return extension
