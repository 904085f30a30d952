"""bench/generate.py's exception requests in every status, their transitions, the board's reviews and votes,
and the escalations (the cases' and the overdue reviews'), all by COPY."""

import datetime
import time
from decimal import Decimal

from generate_rows import AFTER_ACTIVE, DECIDED, DECISION, OUTCOME, STATUSES


def write(world) -> None:
    from exceptions.models import ExceptionRequest, ExceptionTransition
    from governance.models import Review, Vote
    from intimacy_ops.escalations.models import Escalation

    copier, rng, args, people = world.copier, world.rng, world.args, world.people
    started = time.perf_counter()
    first = copier.next_id(ExceptionRequest)
    review_id = copier.next_id(Review)
    requests, transitions, reviews, votes = [], [], [], []
    statuses, weights = list(STATUSES), list(STATUSES.values())
    for offset in range(args.exceptions):
        pk = first + offset
        customer = world.customer_rows[rng.randrange(len(world.customer_rows))]
        status = rng.choices(statuses, weights)[0]
        due = rng.random() < args.due
        process, version = rng.choice(world.processes)
        board = rng.random() < 0.45
        monthly = Decimal(rng.randint(5_000, 40_000) if board else rng.randint(100, 4_900))
        one_off = Decimal(rng.randint(0, 60_000) if board else rng.randint(0, 19_000))
        risk = rng.choice(["high", "critical", "medium"]) if board else rng.choice(["low", "medium"])
        kind = rng.choice(["one_off", "recurring", "recurring", "permanent"])
        created = world._ago(20, 600)
        at = created + datetime.timedelta(hours=rng.uniform(1, 48))
        # Dates: a request runs from starts_on to expires_on; which side of today follows its status.
        if status in {"active", "sunset", "standardized", "revoked"}:
            starts = world.today - datetime.timedelta(days=rng.randint(10, 300))
            expires = world.today + datetime.timedelta(days=rng.randint(30, 300))
        elif status == "expired":
            starts = world.today - datetime.timedelta(days=rng.randint(200, 500))
            expires = world.today - datetime.timedelta(days=rng.randint(1, 150))
            kind = "recurring" if kind == "permanent" else kind
        else:
            starts = world.today + datetime.timedelta(days=rng.randint(5, 120))
            expires = starts + datetime.timedelta(days=rng.randint(30, 365))
        if status == "approved" and due:
            starts = world.today - datetime.timedelta(days=1)
        if status == "active" and due:
            expires = world.today - datetime.timedelta(days=1)
        if kind == "permanent" and status != "expired":
            expires = None
        requester = customer["account_manager_id"]
        lead = rng.choice(people.leads[customer["region_id"]])
        route = "" if status == "draft" else ("board" if board else "lead")
        if status == "under_review" and not board:  # a lead takes a request up only as they decide
            status = "submitted"
        if status == "submitted" and board:  # a board-routed request is under review at once
            status = "under_review"
        chain: list[tuple[str, str, str, int | None, str]] = []  # action, from, to, actor, authority
        current = "draft"

        def step(action, to, actor, authority, chain=chain):
            nonlocal current
            chain.append((action, current, to, actor, authority))
            current = to

        if status != "draft":
            step("submit", "submitted", requester, "person")
        if status == "withdrawn":
            step("withdraw", "withdrawn", requester, "person")
        if status in DECIDED or status == "under_review":
            step("route", "under_review", None if board else lead, "system" if board else "person")
        decider, authority = (people.chair, "board") if board else (lead, "person")
        if status in DECIDED:
            decision = DECISION.get(status, "approve")
            step(decision, {"approve": "approved"}.get(decision, status), decider, authority)
        if status in AFTER_ACTIVE or status == "active":
            step("activate", "active", None, "system")
        if status in AFTER_ACTIVE:
            action = AFTER_ACTIVE[status]
            who = (None, "system") if action in {"expire", "standardize"} else (lead, "person")
            step(action, status, *who)
        for number, (action, before, after, actor, by) in enumerate(chain):
            transitions.append({
                "exception_id": pk, "action": action, "from_status": before, "to_status": after,
                "actor_id": actor, "authority": by, "at": at + datetime.timedelta(hours=number * 6),
                "comment": "", "snapshot": {"title": f"Request {pk}", "status": before} if action in OUTCOME else None,
            })  # fmt: skip
        changed = transitions[-1]["at"] if chain else None
        requests.append({
            "id": pk, "customer_id": customer["id"], "process_id": process, "process_version_id": version,
            "title": f"Deviation {pk} for {customer['name']}"[:200], "deviation": "Saturday delivery instead of weekdays.",
            "deviation_tag": rng.choice(["saturday-delivery", "extended-terms", "custom-label", ""]),
            "justification": "Key account; the standard process misses their peak.", "kind": kind,
            "permanent_reason": "The customer's site cannot change." if kind == "permanent" else "",
            "scope_sites": [], "scope_shifts": [], "estimated_one_off_cost": one_off,
            "estimated_monthly_cost": monthly, "revenue_at_risk": monthly * 12, "risk_rating": risk,
            "starts_on": starts, "expires_on": expires, "handling_procedure": "", "status": status,
            "route": route, "requested_by_id": requester, "created_at": created, "updated_at": changed or created,
            "status_changed_at": changed, "sunset_on": None,
        })  # fmt: skip
        if board and status in DECIDED | {"under_review"}:
            review_id = _review(world, reviews, votes, review_id, pk, status, chain, at, due, customer)
    copier.copy(ExceptionRequest, requests, started)
    started = time.perf_counter()
    copier.copy(ExceptionTransition, _with_ids(copier, ExceptionTransition, transitions), started)
    started = time.perf_counter()
    copier.copy(Review, reviews, started)
    started = time.perf_counter()
    copier.copy(Vote, _with_ids(copier, Vote, votes), started)
    started = time.perf_counter()
    copier.copy(Escalation, _with_ids(copier, Escalation, world.escalations), started)


def _with_ids(copier, model, rows: list[dict]) -> list[dict]:
    first = copier.next_id(model)
    return [{"id": first + number, **row} for number, row in enumerate(rows)]


def _review(world, reviews, votes, review_id, exception_id, status, chain, at, due, customer) -> int:
    """The board's review of one board-routed request: open while under review, else decided; its votes."""
    rng, people = world.rng, world.people
    opened = at + datetime.timedelta(hours=6)
    is_open = status == "under_review"
    if is_open:
        opened = world._ago(0.1, world.board.review_days - 1)
        if due:
            opened = world.now - datetime.timedelta(days=world.board.review_days + 1)
        elif rng.random() < 0.1:  # overdue, already escalated to the chair by the check
            opened = world.now - datetime.timedelta(days=world.board.review_days + rng.randint(2, 20))
    due_on = (opened + datetime.timedelta(days=world.board.review_days)).date()
    decision = next((action for action, *_ in chain if action in OUTCOME), "")
    closed = opened + datetime.timedelta(hours=12)
    reviews.append({
        "id": review_id, "kind": "exception", "exception_id": exception_id, "board_id": people.board,
        "extension_id": None, "process_id": None, "deviation_tag": "", "policy_id": None, "subject_key": "",
        "title": "", "summary": "", "sunset_on": None, "standard_option": "", "rules": {}, "impact": {},
            "impact_updated_at": None,
        "impact_updated_by_id": None, "status": "open" if is_open else "decided", "due_on": due_on,
        "outcome": "" if is_open else OUTCOME[decision], "rationale": "" if is_open else "Decided by the board.",
        "conditions": "", "opened_at": opened, "closed_at": None if is_open else closed,
        "decided_by_id": None if is_open else people.chair, "meeting_id": None, "deferrals": 0,
    })  # fmt: skip
    voters = rng.sample(people.members, k=min(len(people.members), rng.randint(0, 2) if is_open else 3))
    for member in voters:
        choice = "approve" if decision in {"approve", ""} or rng.random() < 0.3 else "reject"
        votes.append({
            "review_id": review_id, "member_id": member, "choice": choice, "rationale": "",
            "cast_at": opened + datetime.timedelta(hours=rng.uniform(0.1, 10)), "changed_at": None,
        })  # fmt: skip
    if is_open and due_on < world.today and not due:
        ladder = [{"role": "board chair", "after_minutes": 0}]
        label = f"Review {review_id}"
        world._escalate(world.review_type, review_id, "review_overdue", label, customer, opened, ladder)
    return review_id + 1
