"""The lifecycle of an exception request as one table (DESIGN.md, "Lifecycle"; STYLE.md).

The kernel's engine (intimacy_ops/lifecycle.py) applies it: `intimacy_ops.lifecycle.apply`, called by the acts in
exceptions/services/lifecycle.py, is the only code that changes a request's status: the engine checks the *from* statuses
(else 409 naming what is allowed now), then the *who* (else 403 with the reason: a person is asked of
the access rules in exceptions/access_rules.py), and records actor, time, from, to and comment in an
ExceptionTransition row and the audit trail.

Who may act, and with what authority:
- person: a signed-in user acting in their own role;
- board: governance recording a change-control board's decision (the chair is the actor);
- system: routing, the start/expiry check, governance outcomes (no actor).

| action              | from                                               | to                | who                                                   |
|---------------------|----------------------------------------------------|-------------------|-------------------------------------------------------|
| submit              | draft, changes_requested                           | submitted         | the requester                                         |
| route               | submitted                                          | under_review      | board-routed: system (right after submit); lead-routed: an operations lead of the customer's region, taking it up as they decide |
| approve             | under_review                                       | approved          | lead-routed: an operations lead of the customer's region; board-routed: the board |
| reject              | under_review                                       | rejected          | as approve                                            |
| return_for_changes  | under_review                                       | changes_requested | as approve                                            |
| activate            | approved                                           | active            | system, on the start date                             |
| expire              | active                                             | expired           | system, on the expiry date                            |
| sunset              | active                                             | sunset            | an operations lead of the region, the board or system |
| standardize         | active                                             | standardized      | the board or system (a standardization outcome)       |
| revoke              | active                                             | revoked           | an operations lead of the region or the board         |
| withdraw            | draft, submitted, under_review, changes_requested  | withdrawn         | the requester                                         |
| amend               | approved, active                                   | submitted         | the requester (a material change, see below)          |

Routing (services/routing.py) picks the approver at submit. Board-routed: `route` is applied at once by
the system and the board's review opens. Lead-routed: the request stays `submitted` (its `route` says
lead) and the region's operations leads are told it waits for them; when one of them approves, rejects or
returns it, the service applies `route` first with that lead as actor (authority person: the lead taking
it up), then the decision, in one transaction — the timeline shows both rows and the lifecycle stays
submitted → under_review → decided. `actions_for` offers a lead the decisions on such a request.

`amend` is the one edge added to DESIGN.md's lifecycle (issue 6, item 7). Changing what was decided
(`MATERIAL_FIELDS` in services/requests.py: customer, process, what deviates, kind, scope, costs, risk,
dates) on an approved or active exception sends it back: `amend` → `submitted`, then routed like a
submit (lead or board by today's threshold; board: `route` → `under_review` at once). The earlier decision's row keeps
its snapshot of the request as decided. An active exception is *not* in force while re-approved (its
status says so to every list, count and check); once approved again, the start/expiry check makes it
active again on its (past) start date. Open extension requests are withdrawn with it. Edits of anything
else (title, justification, handling procedure…) change the request in place, status untouched.
"""

from exceptions.models import ExceptionRequest, ExceptionTransition, ExtensionRequest
from exceptions.services import notifications, similar
from exceptions.services import requests as request_services
from intimacy_ops import lifecycle
from intimacy_ops.bulk_insert import insert_rows
from intimacy_ops.lifecycle import AUTHORITIES, BOARD, PERSON, SYSTEM, Row, Who

__all__ = ["AUTHORITIES", "BOARD", "PERSON", "SYSTEM", "TRANSITIONS", "actions_for", "actions_from"]

REQUESTER_ONLY = "Only the person who raised this request may do this."
LEAD_DECIDES = "Only an operations lead of the customer's region decides this request."
WITH_BOARD = "This request is with the change-control board; only its decision settles it."


def _approver_refusal(request) -> str:
    return WITH_BOARD if request.route == "board" else LEAD_DECIDES


def _route_refusal(request) -> str:
    return LEAD_DECIDES if request.route == "lead" else lifecycle.AUTOMATIC


def _board_routed(request) -> bool:
    return request.route == "board"


REQUESTER = "the requester"
APPROVER = "lead-routed: an operations lead of the customer's region; board-routed: the board"


def _requester(action: str) -> Who:
    return Who(REQUESTER, rule=action, refusal=REQUESTER_ONLY)


def _approver(action: str) -> Who:
    return Who(APPROVER, rule=action, board=_board_routed, refusal=_approver_refusal)


OPEN_STATES = {"draft", "submitted", "under_review", "changes_requested"}

ROWS = [
    # action, from statuses, to, who, button
    Row("submit", {"draft", "changes_requested"}, "submitted", _requester("submit"), "Submit"),
    Row(
        "route",
        {"submitted"},
        "under_review",
        Who(
            "board-routed: system (right after submit); lead-routed: an operations lead of the customer's "
            "region, taking it up as they decide",
            rule="route",
            system=True,
            refusal=_route_refusal,
        ),
        "Route for review",
    ),
    Row("approve", {"under_review"}, "approved", _approver("approve"), "Approve"),
    Row("reject", {"under_review"}, "rejected", _approver("reject"), "Reject"),
    Row(
        "return_for_changes",
        {"under_review"},
        "changes_requested",
        _approver("return_for_changes"),
        "Return for changes",
    ),
    Row("activate", {"approved"}, "active", lifecycle.system_only("system, on the start date"), "Activate"),
    Row("expire", {"active"}, "expired", lifecycle.system_only("system, on the expiry date"), "Expire"),
    Row(
        "sunset",
        {"active"},
        "sunset",
        Who("an operations lead of the region, the board or system", rule="sunset", board=True, system=True),
        "Sunset",
    ),
    Row(
        "standardize",
        {"active"},
        "standardized",
        Who(
            "the board or system (a standardization outcome)",
            board=True,
            system=True,
            refusal="Only a board's standardization outcome folds an exception into the standard.",
        ),
        "Standardize",
    ),
    Row(
        "revoke",
        {"active"},
        "revoked",
        Who(
            "an operations lead of the region or the board",
            rule="revoke",
            board=True,
            refusal="Only an operations lead of the customer's region or the board may revoke this exception.",
        ),
        "Revoke",
    ),
    Row("withdraw", OPEN_STATES, "withdrawn", _requester("withdraw"), "Withdraw"),
    Row("amend", {"approved", "active"}, "submitted", _requester("amend"), "Change and re-submit"),
]

LEAD_DECISIONS = ("approve", "reject", "return_for_changes")
DECISIONS = set(LEAD_DECISIONS)


def _enter(exception: ExceptionRequest, row: Row, at) -> None:
    exception.status = row.target
    exception.status_changed_at = at
    # Routing sets `route` just before the transition that follows it: saved together.
    exception.save(update_fields=["status", "status_changed_at", "route", "updated_at"])


def _transition(exception, row, before, actor, authority, at, comment, on_behalf_of=None):
    return ExceptionTransition(
        exception=exception,
        action=row.action,
        from_status=before,
        to_status=row.target,
        actor=actor,
        authority=authority,
        on_behalf_of=on_behalf_of,
        at=at,
        comment=comment,
        # A decision keeps the request as it was decided, whatever is edited later.
        snapshot=request_services.snapshot(exception) if row.action in DECISIONS else None,
    )


def _log(exception, row, before, actor, authority, at, comment, on_behalf_of=None) -> ExceptionTransition:
    transition = _transition(exception, row, before, actor, authority, at, comment, on_behalf_of)
    transition.save()
    return transition


TRANSITION_FIELDS = [
    "exception_id",
    "action",
    "from_status",
    "to_status",
    "actor_id",
    "authority",
    "at",
    "comment",
]


def _log_many(exceptions, row, befores, actor, authority, at, comment) -> list[ExceptionTransition]:
    """A check's batch: the transitions in one multi-row insert of plain values (no decision: no snapshot)."""
    if row.action in DECISIONS:
        return ExceptionTransition.objects.bulk_create(
            _transition(exception, row, before, actor, authority, at, comment)
            for exception, before in zip(exceptions, befores, strict=True)
        )
    actor_id = actor.pk if actor else None
    values = [
        (exception.pk, row.action, before, row.target, actor_id, authority, at, comment)
        for exception, before in zip(exceptions, befores, strict=True)
    ]
    ids = insert_rows(ExceptionTransition, TRANSITION_FIELDS, values)
    return [
        ExceptionTransition(pk=pk, **dict(zip(TRANSITION_FIELDS, value, strict=True)))
        for pk, value in zip(ids, values, strict=True)
    ]


def _tell_many(exceptions, row, transitions) -> None:
    """A check's batch: each requester hears once; the standard-option signal once per process and tag."""
    notifications.statuses_changed(exceptions, transitions)
    if row.target == ExceptionRequest.Status.ACTIVE:
        for process_id, tag in sorted(
            {(e.process_id, e.deviation_tag) for e in exceptions if e.deviation_tag}
        ):
            similar.signal_standard_options(process_id=process_id, deviation_tag=tag)


def _tell(exception, row, transition) -> None:
    notifications.status_changed(exception, transition)
    if row.target == ExceptionRequest.Status.ACTIVE:
        similar.signal_standard_options(
            process_id=exception.process_id, deviation_tag=exception.deviation_tag
        )


TABLE = lifecycle.register(
    ExceptionRequest,
    rows=ROWS,
    verb="exception",
    enter=_enter,
    log=_log,
    after=[_tell],
    log_many=_log_many,
    after_many=[_tell_many],
    note="Each change is an ExceptionTransition row (actor, time, from, to, comment; a decision's snapshot) "
    "and an audit event. `amend` is the one edge DESIGN.md lacks (a material change after the decision). "
    "A draft its requester discards is deleted (not a state: `exception.discarded` in the audit trail; "
    "past draft, 409). A delegate's act names the person away in `on_behalf_of`.",
)
TRANSITIONS: dict[str, Row] = TABLE.rows


def actions_from(status: str) -> list[str]:
    """Every action the table allows in this status, whoever takes it."""
    return TABLE.actions_from(status)


def takes_up_first(request, action: str) -> bool:
    """A lead's decision on a lead-routed `submitted` request: `route` (the take-up) is applied first."""
    return request.status == "submitted" and request.route == "lead" and action in LEAD_DECISIONS


def actions_for(actor, request, authority: str = PERSON) -> list[str]:
    """The actions this actor may take on the request now (a page's buttons).

    A lead-routed `submitted` request offers its lead the decisions (taken up on the way), not `route`.
    """
    actions = lifecycle.actions_for(actor, request, authority)
    if "route" in actions and authority == PERSON:
        actions.remove("route")
        if request.route == "lead":
            actions = sorted({*actions, *LEAD_DECISIONS})
    return actions


# --- extension requests ----------------------------------------------------------------------------

BEYOND_LEAD = "This extension goes beyond what an operations lead may allow: the board decides."
LEAD_DECIDES_EXTENSION = "Only an operations lead of the customer's region decides this extension."


def _extension_refusal(extension) -> str:
    return BEYOND_LEAD if extension.needs_board else LEAD_DECIDES_EXTENSION


def _extension_decider(action: str) -> Who:
    return Who(
        "an operations lead of the customer's region; beyond the region's maximum: the board",
        rule=action,
        board=True,
        refusal=_extension_refusal,
    )


def _settle_extension(extension: ExtensionRequest, row: Row, at) -> dict:
    extension.status = row.target
    if row.action in ("approve", "reject"):
        extension.decided_at = at  # who decided and why: set by the service just before
    extension.save()
    return {"exception": extension.exception_id}


def _explain_extension(extension, action: str, state: str) -> str:
    return f"This extension request is already '{state}'."


EXTENSION_TABLE = lifecycle.register(
    ExtensionRequest,
    rows=[
        Row("approve", {"open"}, "approved", _extension_decider("approve"), "Approve", event="approved"),
        Row("reject", {"open"}, "rejected", _extension_decider("reject"), "Reject", event="rejected"),
        Row(
            "withdraw",
            {"open"},
            "withdrawn",
            lifecycle.system_only("system, when the exception is changed and goes back for re-approval"),
            "Withdraw",
            event="withdrawn",
        ),
    ],
    verb="extension",
    enter=_settle_extension,
    explain=_explain_extension,
    note="No transition log of its own: each change is an audit event on the extension request (and the "
    "exception's own `exception.extended` / `exception.extension_rejected`).",
)
