"""The lifecycle of an exception request as one table (DESIGN.md, "Lifecycle"; STYLE.md).

`apply_transition` (exceptions/services/lifecycle.py) is the only code that changes a request's
status: it checks the *from* statuses (else 409 naming what is allowed now), then the *who*
(else 403 with the reason), and records actor, time, from, to and comment.

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

from collections.abc import Callable
from dataclasses import dataclass

from intimacy_ops.access import ALLOW, Decision
from intimacy_ops.accounts.roles import Role

PERSON, BOARD, SYSTEM = "person", "board", "system"
AUTHORITIES = (PERSON, BOARD, SYSTEM)

Who = Callable[[object, object, str], Decision]


def _is_lead_of_region(actor, request) -> bool:
    return bool(
        actor is not None
        and actor.has_role(Role.OPERATIONS_LEAD)
        and request.customer.region_id in actor.region_ids
    )


def is_requester(actor, request, authority: str) -> Decision:
    if authority == PERSON and actor is not None and actor.pk == request.requested_by_id:
        return ALLOW
    return Decision(False, "Only the person who raised this request may do this.")


def is_system(actor, request, authority: str) -> Decision:
    if authority == SYSTEM:
        return ALLOW
    return Decision(False, "This step happens automatically; nobody takes it by hand.")


def is_system_or_taking_lead(actor, request, authority: str) -> Decision:
    """Board-routed: the system routes right after submit; lead-routed: a lead of the region takes it up."""
    if authority == SYSTEM:
        return ALLOW
    if request.route == "lead" and authority == PERSON and _is_lead_of_region(actor, request):
        return ALLOW
    if request.route == "lead":
        return Decision(False, "Only an operations lead of the customer's region decides this request.")
    return Decision(False, "This step happens automatically; nobody takes it by hand.")


def is_approver(actor, request, authority: str) -> Decision:
    if request.route == "board":
        if authority == BOARD:
            return ALLOW
        return Decision(False, "This request is with the change-control board; only its decision settles it.")
    if authority == PERSON and _is_lead_of_region(actor, request):
        return ALLOW
    return Decision(False, "Only an operations lead of the customer's region decides this request.")


def is_lead_board_or_system(actor, request, authority: str) -> Decision:
    if authority in (BOARD, SYSTEM) or (authority == PERSON and _is_lead_of_region(actor, request)):
        return ALLOW
    return Decision(
        False, "Only an operations lead of the customer's region or the board may end this exception."
    )


def is_board_or_system(actor, request, authority: str) -> Decision:
    if authority in (BOARD, SYSTEM):
        return ALLOW
    return Decision(False, "Only a board's standardization outcome folds an exception into the standard.")


def is_lead_or_board(actor, request, authority: str) -> Decision:
    if authority == BOARD or (authority == PERSON and _is_lead_of_region(actor, request)):
        return ALLOW
    return Decision(
        False, "Only an operations lead of the customer's region or the board may revoke this exception."
    )


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str
    who: Who
    label: str


def _row(sources: set[str], target: str, who: Who, label: str) -> Transition:
    return Transition(frozenset(sources), target, who, label)


OPEN_STATES = {"draft", "submitted", "under_review", "changes_requested"}

TRANSITIONS: dict[str, Transition] = {
    # action:             (from statuses,                 to,                  who,                      button)
    "submit": _row({"draft", "changes_requested"}, "submitted", is_requester, "Submit"),
    "route": _row({"submitted"}, "under_review", is_system_or_taking_lead, "Route for review"),
    "approve": _row({"under_review"}, "approved", is_approver, "Approve"),
    "reject": _row({"under_review"}, "rejected", is_approver, "Reject"),
    "return_for_changes": _row({"under_review"}, "changes_requested", is_approver, "Return for changes"),
    "activate": _row({"approved"}, "active", is_system, "Activate"),
    "expire": _row({"active"}, "expired", is_system, "Expire"),
    "sunset": _row({"active"}, "sunset", is_lead_board_or_system, "Sunset"),
    "standardize": _row({"active"}, "standardized", is_board_or_system, "Standardize"),
    "revoke": _row({"active"}, "revoked", is_lead_or_board, "Revoke"),
    "withdraw": _row(OPEN_STATES, "withdrawn", is_requester, "Withdraw"),
    "amend": _row({"approved", "active"}, "submitted", is_requester, "Change and re-submit"),
}


def actions_from(status: str) -> list[str]:
    """Every action the table allows in this status, whoever takes it."""
    return sorted(action for action, row in TRANSITIONS.items() if status in row.sources)


LEAD_DECISIONS = ("approve", "reject", "return_for_changes")


def takes_up_first(request, action: str) -> bool:
    """A lead's decision on a lead-routed `submitted` request: `route` (the take-up) is applied first."""
    return request.status == "submitted" and request.route == "lead" and action in LEAD_DECISIONS


def actions_for(actor, request, authority: str = PERSON) -> list[str]:
    """The actions this actor may take on the request now (a page's buttons).

    A lead-routed `submitted` request offers its lead the decisions (taken up on the way), not `route`.
    """
    actions = [
        action
        for action in actions_from(request.status)
        if TRANSITIONS[action].who(actor, request, authority)
    ]
    if "route" in actions and authority == PERSON:
        actions.remove("route")
        if request.route == "lead":
            actions = sorted({*actions, *LEAD_DECISIONS})
    return actions
