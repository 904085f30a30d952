"""Valid bodies for the routes that read their input before they ask who may act.

With an empty body such a route answers 400 to everyone, and the matrix would learn nothing about who is
let through. With these, a role that may act gets a success (or 409), and a role that may not gets 403.
Each function takes (world, role, kind) and returns the JSON body (API) or form fields (pages); for a GET,
the query string.
"""

import datetime

from django.utils import timezone


def _day(days: int = 0) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def _exception_body(world, role, kind):
    return {
        "customer": world.obj("customer", "own", role).pk,
        "process": world.obj("process", "own", role).pk,
        "title": "Saturday deliveries",
        "deviation": "Deliver on Saturdays.",
        "justification": "Their stores restock on Sundays.",
        "kind": "recurring",
        "starts_on": _day(7),
        "expires_on": _day(97),
    }


def _vote(world, role, kind):
    return {"choice": "approve", "rationale": "Small and contained."}


def _decide(world, role, kind):
    return {"outcome": "defer", "rationale": "We need the owner's assessment first."}


def _interest(world, role, kind):
    return {"statement": "I advised this customer last year."}


def _impact(world, role, kind):
    return {
        "similar_active": 1,
        "similar_same_tag": 0,
        "customers_holding": 1,
        "capacity_effect": "",
        "monthly_cost_request": "500.00",
        "monthly_cost_similar": "500.00",
        "risk": "low",
    }


def _cost(world, role, kind):
    return {"incurred_on": _day(), "amount": "120.00", "note": "Courier"}


def _extension(world, role, kind):
    return {"new_expires_on": _day(200), "reason": "Peak season runs longer."}


def _break_glass_review(world, role, kind):
    return {"outcome": "accept", "comment": ""}


def _resolution(world, role, kind):
    return {"resolution": "The customer was called back."}


def _tiers(world, role, kind):
    return {"segments": [{"id": world.obj("segment", "own", role).pk, "capacity": 50}]}


def _weights():
    return {
        "sla_compliance": 20,
        "breach": 6,
        "escalation": 8,
        "negative_feedback": 4,
        "past_dates": 6,
        "incident": 3,
        "at_risk_below": 60,
    }


BODIES = {
    "feedback:log-insight": lambda world, role, kind: {"text": "Their buyer wants earlier slots."},
    "feedback:survey-schedule": lambda world, role, kind: {"survey": "nps_survey", "due_on": _day(1)},
    # --- API ----------------------------------------------------------------------------------------
    "access-grant-list": lambda world, role, kind: {
        "user": "matrix.am2",
        "customer": world.obj("customer", "region", role).pk,
        "purpose": "Renewal negotiation",
        "expires_at": (timezone.now() + datetime.timedelta(days=1)).isoformat(),
    },
    "access-grant-revoke": lambda world, role, kind: {"reason": "No longer needed"},
    "board-revocation-list": lambda world, role, kind: {
        "exception": world.obj("exception", "own", role).pk,
        "reason": "The board ends it.",
    },
    "board-sunset-list": lambda world, role, kind: {
        "exception": world.obj("exception", "own", role).pk,
        "reason": "The board ends it.",
    },
    "break-glass-list": lambda world, role, kind: {
        "customer": world.obj("customer", "own", role).pk,
        "justification": "Customer on the phone about an outage.",
        "hours": 1,
    },
    "break-glass-review": _break_glass_review,
    "case-list": lambda world, role, kind: {
        "customer": world.obj("customer", "own", role).pk,
        "priority": "P3",
    },
    "keyaccounts:playbook-edit": lambda world, role, kind: {
        "effective_on": _day(1),
        "plays-TOTAL_FORMS": "1",
        "plays-INITIAL_FORMS": "0",
        "plays-MIN_NUM_FORMS": "0",
        "plays-MAX_NUM_FORMS": "50",
        "plays-0-title": "Kick-off call",
        "plays-0-trigger": "onboarding",
        "plays-0-role": "account manager",
        "plays-0-days_to_do": "5",
    },
    "playbook-list": lambda world, role, kind: {
        "segment": world.obj("segment", "own", role).pk,
        "effective_on": _day(1),
        "plays": [
            {"title": "Kick-off call", "trigger": "onboarding", "role": "account manager", "days_to_do": 5}
        ],
    },
    "keyaccounts:play-close": lambda world, role, kind: {"action": "done", "note": "Done."},
    "play-done": lambda world, role, kind: {"note": "Done."},
    "play-skip": lambda world, role, kind: {"note": "Not this quarter."},
    "health-review-complete": lambda world, role, kind: {
        "notes": "Held on site.",
        "next_date": _day(60),
        "actions": [{"text": "Send the report", "owner": world.users[role].username, "due_on": _day(10)}],
    },
    "health-review-cancel": lambda world, role, kind: {"reason": "The customer left the tier."},
    "keyaccounts:health-review-complete": lambda world, role, kind: {
        "notes": "Held on site.",
        "next_date": _day(60),
        "actions-TOTAL_FORMS": "1",
        "actions-INITIAL_FORMS": "0",
        "actions-0-text": "Send the report",
        "actions-0-owner": world.users[role].username,
        "actions-0-due_on": _day(10),
    },
    "keyaccounts:health-review-cancel": lambda world, role, kind: {"reason": "The customer left the tier."},
    "keyaccounts:health-cadence": lambda world, role, kind: {
        "segment": world.obj("segment", "own", role).pk,
        "every_months": "6",
    },
    "keyaccounts:link-issue": lambda world, role, kind: {"contact_name": "Pat Buyer", "expires_on": _day(10)},
    "customer-link-list": lambda world, role, kind: {
        "customer": world.obj("customer", "own", role).pk,
        "contact_name": "Pat Buyer",
        "expires_at": f"{_day(10)}T12:00:00Z",
    },
    "health-weights-list": lambda world, role, kind: {"region": "EMEA", **_weights()},
    "health-weights-detail": lambda world, role, kind: _weights(),
    "keyaccounts:health-weights": lambda world, role, kind: {"region": "EMEA", "based_on": 0, **_weights()},
    "feedback-list": lambda world, role, kind: {
        "customer": world.obj("customer", "own", role).pk,
        "source": "delivery_team",
        "text": "The crew was on time.",
    },
    "survey-invitation-list": lambda world, role, kind: {
        "customer": world.obj("customer", "own", role).pk,
        "survey": "ces_survey",
        "due_on": _day(1),
    },
    "customer-list": lambda world, role, kind: {"external_id": "NEW-1", "name": "New Co", "region": "EMEA"},
    "customer-detail": lambda world, role, kind: {"name": "Renamed Co"},
    "customer-lock-segment": lambda world, role, kind: {
        "segment": world.obj("segment", "own", role).pk,
        "reason": "Strategic by decision of the lead.",
    },
    "customer-subject-subject-export": lambda world, role, kind: {"purpose": "Data subject request 42"},
    "escalation-resolve": _resolution,
    "exception-costs": _cost,
    "exception-decide-extension": lambda world, role, kind: {"approve": True},
    "exception-detail": lambda world, role, kind: {"title": "Saturday deliveries, revised"},
    "exception-extensions": _extension,
    "exception-list": _exception_body,
    "process-list": lambda world, role, kind: {
        "name": "Returns by courier",
        "category": "fulfilment",
        "procedure": "Pick up at the door.",
    },
    "process-detail": lambda world, role, kind: {"description": "Revised description."},
    "process-versions": lambda world, role, kind: {"procedure": "The better way."},
    "review-co-opt": lambda world, role, kind: {"member": "matrix.spare", "reason": "Quorum"},
    "review-decide": _decide,
    "review-declare-interest": _interest,
    "review-impact": lambda world, role, kind: {"similar_active": 1, "notes": "Contained."},
    "review-votes": _vote,
    "routing-threshold-detail": lambda world, role, kind: {"max_extensions": 3},
    "segment-apply": lambda world, role, kind: {
        **_tiers(world, role, kind),
        "fingerprint": "0",
        "reason": "r",
    },
    "segment-preview": _tiers,
    "sla-policy-list": lambda world, role, kind: {
        "segment": world.obj("segment", "own", role).pk,
        "priority": "P4",
        "first_response_minutes": 600,
        "resolution_minutes": 4800,
    },
    "sla-policy-detail": lambda world, role, kind: {"first_response_minutes": 200},
    "threshold-policy-list": lambda world, role, kind: {
        "name": "At most ten",
        "scope": "global",
        "max_active_exceptions": 10,
    },
    "threshold-policy-detail": lambda world, role, kind: {"max_active_exceptions": 20},
    # The preview names the affected customer of the kind's incident (tests/security/world.py).
    "incident-messages-preview": lambda world, role, kind: {"customer": world.obj("customer", kind, role).pk},
    # --- pages --------------------------------------------------------------------------------------
    "escalations:resolve": _resolution,
    "exceptions:cost-add": _cost,
    "exceptions:extension-request": _extension,
    "exceptions:extension-decide": lambda world, role, kind: {"decision": "approve"},
    "exceptions:decide": lambda world, role, kind: {"action": "approve"},
    "governance:review-vote": _vote,
    "governance:review-declare-interest": _interest,
    "governance:review-decide": _decide,
    "governance:review-co-opt": lambda world, role, kind: {
        "member": world.others["spare"].pk,
        "reason": "Quorum",
    },
    "governance:review-impact": _impact,
    "governance:meeting-agenda-move": lambda world, role, kind: {"direction": "up"},
    "governance:meeting-minutes": lambda world, role, kind: {"minutes": "Met; decided nothing."},
    "privacy:break-glass-review": _break_glass_review,
}
