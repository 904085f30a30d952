"""The business acts on a request (submit, withdraw, decide, amend, end…), each applying rows of its lifecycle
table (exceptions/lifecycles.py) through the kernel's engine, `intimacy_ops.lifecycle.apply`, on a row from `lock()`."""

import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from exceptions import hooks
from exceptions.lifecycles import (
    BOARD,
    LEAD_DECISIONS,
    PERSON,
    SYSTEM,
    takes_up_first,
)
from exceptions.models import ExceptionRequest, ExtensionRequest
from exceptions.services import notifications, similar
from exceptions.services import requests as request_services
from exceptions.services.routing import follow_route, plan_route, route_request
from intimacy_ops import access, audit, checks, errors, lifecycle

Status = ExceptionRequest.Status
ENDINGS = ("sunset", "standardize", "revoke")


def lock(exception: ExceptionRequest, *, actor=None) -> ExceptionRequest:
    """The request's row, locked until the transaction ends (the customer is a non-null join; lock only ours),
    with its region's routing threshold: validation and routing read it from here (`selectors.routing_threshold`).

    With `actor`, the same statement says whether the row is in their scope (`in_actor_scope`): a person's act then
    asks the lifecycle engine for the rule alone (`_scoped`), not the scope query again."""
    rows = ExceptionRequest.objects.select_for_update(of=("self",)).select_related(
        "customer__region__routing_threshold", "process", "requested_by"
    )
    if actor is not None and actor.is_authenticated:
        seen = access.visible(actor, ExceptionRequest).filter(pk=OuterRef("pk"))
        rows = rows.annotate(in_actor_scope=Exists(seen))
    return rows.get(pk=exception.pk)


def _scoped(exception: ExceptionRequest) -> bool:
    """Must the engine still query the request's scope for the actor? Not when the lock found it in their scope;
    when it did not, the engine's own check gives its answer (409 for the state first, then the refusal)."""
    return not getattr(exception, "in_actor_scope", False)


def submit_request(
    *, exception: ExceptionRequest, actor, comment: str = "", route: bool = True
) -> ExceptionRequest:
    """Send a draft or returned request to its approver: an operations lead or a board, by threshold.

    If it cannot be routed (no threshold, no board covering it) nothing changes and the error says why.
    Board-routed: `under_review` at once. Lead-routed: stays `submitted` until a lead decides (decide_request).
    `route=False` leaves it `submitted` and unrouted (a hold before routing).
    """
    with transaction.atomic():
        exception = lock(exception, actor=actor)
        lifecycle.check(exception, "submit", actor=actor, scoped=_scoped(exception))
        request_services.check_stored(exception, actor)
        routing = plan_route(exception) if route else None
        if routing is not None:
            exception.route = routing.route  # written with the status by the submit (lifecycles._enter)
        lifecycle.apply(exception, "submit", actor=actor, comment=comment, scoped=False)  # checked above
        if routing is not None:
            follow_route(exception, routing)
    return exception


def withdraw_request(*, exception: ExceptionRequest, actor, comment: str = "") -> ExceptionRequest:
    """The requester takes back a request that is not decided yet; an open board review closes with it."""
    with transaction.atomic():
        exception = lock(exception, actor=actor)
        was_with_board = exception.route == ExceptionRequest.Route.BOARD and exception.status in (
            Status.SUBMITTED,
            Status.UNDER_REVIEW,
        )
        lifecycle.apply(exception, "withdraw", actor=actor, comment=comment, scoped=_scoped(exception))
        if was_with_board:
            hooks.review_withdrawn(exception, actor)
    return exception


def amend_request(*, actor, exception: ExceptionRequest, **values) -> ExceptionRequest:
    """The requester edits an approved or active exception: a material change sends it back for re-approval.

    Material (requests.MATERIAL_FIELDS): `amend` → submitted, routed again like a submit; open extension
    requests are withdrawn; the earlier decision's snapshot stays on its row. Anything else: changed in place.
    """
    unknown = sorted(set(values) - set(request_services.FIELDS))
    if unknown:
        raise errors.ValidationFailed({name: ["Unknown field."] for name in unknown})
    with transaction.atomic():
        exception = lock(exception, actor=actor)
        scoped = _scoped(exception)
        if exception.status not in request_services.AMENDABLE_STATES:
            # 409, naming what the status allows
            lifecycle.check(exception, "amend", actor=actor, scoped=scoped)
        if exception.requested_by_id != actor.pk:
            raise errors.PermissionDenied("Only the person who raised this request may change it.")
        changed = request_services.changed_fields(exception, values)
        material = [name for name in changed if name in request_services.MATERIAL_FIELDS]
        if material:
            lifecycle.check(exception, "amend", actor=actor, scoped=scoped)
        request_services.validate(actor, {**request_services._values_of(exception), **values})
        before = request_services.snapshot(exception)
        regions = values.pop("scope_regions", None)
        for field, value in values.items():
            setattr(exception, field, value)
        if "process" in material:
            exception.process_version = request_services.current_version(exception.process)
        exception.save()
        if regions is not None:
            exception.scope_regions.set(regions)
        after = request_services.snapshot(exception)
        if not material:
            audit.record(actor=actor, verb="exception.changed", obj=exception, before=before, after=after)
            if "deviation_tag" in changed and exception.status == Status.ACTIVE:
                similar.signal_standard_options(
                    process_id=exception.process_id, deviation_tag=exception.deviation_tag
                )
            return exception
        labels = ", ".join(name.replace("_", " ") for name in material)
        audit.record(
            actor=actor,
            verb="exception.amended",
            obj=exception,
            before={name: before[name] for name in changed},
            after={name: after[name] for name in changed},
            comment=f"Material change: {labels}.",
        )
        was_active = exception.status == Status.ACTIVE
        lifecycle.apply(
            exception,
            "amend",
            actor=actor,
            comment=(
                f"Changed {labels} after the decision: back for re-approval."
                + (" Not in force until approved again." if was_active else "")
            ),
            scoped=scoped,
        )
        _withdraw_open_extensions(exception, actor)
        route_request(exception)
    return exception


def update_request(*, actor, exception: ExceptionRequest, **values) -> ExceptionRequest:
    """Change a draft, or a request returned for changes; it keeps deviating from the version it named.

    On an approved or active exception a material change sends it back for re-approval (amend_request).
    """
    unknown = sorted(set(values) - set(request_services.FIELDS))
    if unknown:
        raise errors.ValidationFailed({name: ["Unknown field."] for name in unknown})
    with transaction.atomic():
        exception = (
            ExceptionRequest.objects.select_for_update(of=("self",))
            .select_related("customer__region", "process")
            .get(pk=exception.pk)
        )
        if exception.status in request_services.AMENDABLE_STATES:
            return amend_request(actor=actor, exception=exception, **values)
        # 409 naming what the status allows
        lifecycle.require_state(exception, "edit", request_services.EDITABLE_STATES)
        if exception.requested_by_id != actor.pk:
            raise errors.PermissionDenied("Only the person who raised this request may change it.")
        before = request_services.snapshot(exception)
        merged = {**request_services._values_of(exception), **values}
        request_services.validate(actor, merged)
        regions = values.pop("scope_regions", None)
        for field, value in values.items():
            setattr(exception, field, value)
        if "process" in values:
            exception.process_version = request_services.current_version(exception.process)
        exception.save()
        if regions is not None:
            exception.scope_regions.set(regions)
        after = request_services.snapshot(exception)
        if after != before and not _recently_recorded_draft(actor, exception):
            audit.record(actor=actor, verb="exception.changed", obj=exception, before=before, after=after)
    return exception


# Autosave changes a draft every few seconds. A draft is its requester's alone until submitted (and the
# submission records what is submitted), so its edits are recorded at most once per window of typing.
DRAFT_AUDIT_WINDOW = datetime.timedelta(minutes=15)


def _recently_recorded_draft(actor, exception: ExceptionRequest) -> bool:
    if exception.status != ExceptionRequest.Status.DRAFT:
        return False
    return audit.AuditEvent.objects.filter(
        object_type=exception._meta.label_lower,
        object_id=str(exception.pk),
        actor_id=actor.pk,
        verb__in=("exception.created", "exception.changed"),
        at__gte=timezone.now() - DRAFT_AUDIT_WINDOW,
    ).exists()


def _withdraw_open_extensions(exception: ExceptionRequest, actor) -> None:
    open_extensions = list(
        ExtensionRequest.objects.select_for_update().filter(
            exception=exception, status=ExtensionRequest.Status.OPEN
        )
    )
    for extension in open_extensions:
        extension.decision_comment = "Withdrawn: the exception was changed and goes back for re-approval."
        lifecycle.apply(extension, "withdraw", comment=extension.decision_comment, authority=SYSTEM)
    if any(extension.needs_board for extension in open_extensions):
        hooks.review_withdrawn(exception, actor)  # closes the board's open extension review


def _require_reason(action: str, comment: str) -> None:
    if action in ("reject", "return_for_changes") and not (comment or "").strip():
        word = "rejecting" if action == "reject" else "returning it"
        raise errors.ValidationFailed({"comment": [f"Say why you are {word}: the requester reads it."]})


def decide_request(*, exception: ExceptionRequest, actor, action: str, comment: str = "") -> ExceptionRequest:
    """An operations lead of the region approves, rejects or returns a request routed to them.

    A lead-routed request waits `submitted`: the lead takes it up (`route` → under_review, the lead as
    actor) and decides, in one transaction; the timeline shows both rows.
    """
    if action not in LEAD_DECISIONS:
        raise ValueError(action)
    with transaction.atomic():
        exception = lock(exception, actor=actor)
        take_up = takes_up_first(exception, action)
        lifecycle.check(exception, "route" if take_up else action, actor=actor, scoped=_scoped(exception))
        _require_reason(action, comment)
        if take_up:
            who = actor.get_full_name() or actor.username
            behalf = access.allowed_in_scope(actor, "route", exception).on_behalf_of  # a delegate's take-up
            who += f" on behalf of {behalf.display_name}" if behalf else ""
            lifecycle.apply(
                exception,
                "route",
                actor=actor,
                comment=(
                    f"Below the {exception.customer.region.code} threshold: taken up by {who}, "
                    f"operations lead of {exception.customer.region.code}."
                ),
                scoped=False,  # checked above, under the lock
            )
        lifecycle.apply(exception, action, actor=actor, comment=comment, scoped=False)  # as above
    return exception


def record_decision(
    *, exception: ExceptionRequest, outcome: str, actor, rationale: str = ""
) -> ExceptionRequest:
    """A change-control board's decision on a request it reviewed (governance calls this; `actor` is the chair).

    `outcome`: approve, reject or return_for_changes.
    """
    if outcome not in LEAD_DECISIONS:
        raise ValueError(outcome)
    with transaction.atomic():
        exception = lock(exception)
        lifecycle.apply(exception, outcome, actor=actor, comment=rationale, authority=BOARD)
    return exception


def end_exception(
    *, exception: ExceptionRequest, action: str, actor=None, comment: str = "", authority: str = PERSON
) -> ExceptionRequest:
    """End an active exception early: sunset, standardize (folded into the standard) or revoke."""
    if action not in ENDINGS:
        raise ValueError(action)
    with transaction.atomic():
        exception = lock(exception, actor=actor if authority == PERSON else None)
        scoped = _scoped(exception)
        lifecycle.check(exception, action, actor=actor, authority=authority, scoped=scoped)
        if authority == PERSON and not (comment or "").strip():
            raise errors.ValidationFailed(
                {"comment": ["Say why this exception ends now: the account manager reads it."]}
            )
        lifecycle.apply(exception, action, actor=actor, comment=comment, authority=authority, scoped=scoped)
    return exception


def schedule_sunset(
    *,
    exception: ExceptionRequest,
    sunset_on: datetime.date,
    actor=None,
    comment: str = "",
    authority: str = BOARD,
) -> ExceptionRequest:
    """Set the date an active exception ends as `sunset` (a board's sunset decision); its account manager hears.

    Never after the exception's own expiry date, never before today. 409 unless active; the start/expiry
    check moves it to `sunset` on that date (`sunset_due_exceptions`).
    """
    with transaction.atomic():
        exception = lock(exception)
        lifecycle.check(exception, "sunset", actor=actor, authority=authority)
        today = timezone.localdate()
        date = max(sunset_on, today)
        if exception.expires_on is not None:
            date = min(date, exception.expires_on)
        before = exception.sunset_on
        exception.sunset_on = date
        exception.save(update_fields=["sunset_on", "updated_at"])
        audit.record(
            actor=actor if authority != SYSTEM else None,
            verb="exception.sunset_scheduled",
            obj=exception,
            before={"sunset_on": before},
            after={"sunset_on": date, "authority": authority},
            comment=comment,
        )
        notifications.sunset_scheduled(exception, comment)
    return exception


DUE_BATCH_SIZE = 200
DUE_FIELDS = (
    "status",
    "status_changed_at",
    "updated_at",
    "title",
    "route",
    "starts_on",
    "expires_on",
    "process",
    "deviation_tag",
    "customer__name",
    "customer__region__code",
    "requested_by__username",
    "requested_by__email",
    "requested_by__is_active",
)


def _run_due(status: str, action: str, due, comment: str) -> int:
    """Apply `action` to the `status` requests that are `due`, set-based: their ids in one indexed query (by
    requester, so a person's requests share a batch and they hear once per run), then in batches, each one
    transaction whose rows are locked (rows another run holds are skipped, never waited for) and moved by
    `lifecycle.apply_many` (one guarded UPDATE, one insert of transitions, one audit batch, one of notices)."""
    pairs = list(
        ExceptionRequest.objects.filter(due, status=status)
        .order_by("requested_by_id", "pk")
        .values_list("requested_by_id", "pk")
    )

    def move(batch: list[ExceptionRequest]) -> int:
        return len(lifecycle.apply_many(batch, action, comment=comment, authority=SYSTEM))

    # Another run of the same check may hold or have moved some: skipped, never waited for or repeated.
    # Only what the move, its audit event and the requesters' notices read (DUE_FIELDS): a batch of 200 full
    # rows of four tables costs more to build than to move.
    still_due = (
        ExceptionRequest.objects.filter(status=status)
        .select_related("customer__region", "requested_by")
        .only(*DUE_FIELDS)
    )
    # A requester's rows never straddle two batches: they hear once per run.
    return sum(
        checks.in_locked_batches(
            still_due, [pk for _, pk in pairs], move, size=DUE_BATCH_SIZE, keys=[who for who, _ in pairs]
        )
    )


def activate_due_exceptions(*, today: datetime.date) -> int:
    """Approved requests whose start date has come become active. Idempotent."""
    from django.db.models import Q

    return _run_due(
        Status.APPROVED, "activate", Q(starts_on__lte=today), f"Start date reached ({today:%Y-%m-%d})."
    )


def sunset_due_exceptions(*, today: datetime.date) -> int:
    """Active exceptions whose sunset date (a board's sunset decision) has come end as `sunset`. Idempotent."""
    from django.db.models import Q

    return _run_due(
        Status.ACTIVE,
        "sunset",
        Q(sunset_on__isnull=False, sunset_on__lte=today),
        f"Sunset date reached ({today:%Y-%m-%d}), as the change-control board decided.",
    )


def expire_due_exceptions(*, today: datetime.date) -> int:
    """Active exceptions whose expiry date has come end as expired. Idempotent."""
    from django.db.models import Q

    return _run_due(
        Status.ACTIVE,
        "expire",
        Q(expires_on__isnull=False, expires_on__lte=today),
        f"Expiry date reached ({today:%Y-%m-%d}).",
    )
