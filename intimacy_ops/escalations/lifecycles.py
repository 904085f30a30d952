"""The lifecycle of an escalation, as a table the kernel's engine applies (intimacy_ops/lifecycle.py).

Its state is read from its dates: `open` (climbing its ladder until someone acknowledges it),
`acknowledged` (taken up: no longer climbing), `resolved` (closed with what was done). Climbing a rung
is not a change of state. Who acts: the escalations' access rule (a target of its current level, an
operations lead of its region, an administrator). No transition log: the audit trail keeps each change.
"""

from intimacy_ops import lifecycle
from intimacy_ops.escalations.models import Escalation
from intimacy_ops.lifecycle import Row, Who

STATES = ("open", "acknowledged", "resolved")


def escalation_state(escalation: Escalation) -> str:
    if escalation.resolved_at is not None:
        return "resolved"
    return "acknowledged" if escalation.acknowledged_at is not None else "open"


def _enter(escalation: Escalation, row: Row, at) -> dict:
    # Who acknowledged or resolved it, and how: set by the service just before.
    if not escalation.acknowledged_at:
        escalation.acknowledged_at = at
    if row.action == "resolve":
        escalation.resolved_at = at
    escalation.next_level_at = None
    escalation.save(
        update_fields=[
            "acknowledged_at",
            "acknowledged_by",
            "resolved_at",
            "resolved_by",
            "resolution",
            "next_level_at",
        ]
    )
    return {"level": escalation.level}


def _explain(escalation: Escalation, action: str, state: str) -> str:
    if state == "resolved":
        if action == "acknowledge":
            return "This escalation is already resolved."
        return f"This escalation was already resolved at {escalation.resolved_at:%Y-%m-%d %H:%M} UTC."
    if state == "acknowledged":
        return (
            f"This escalation was already acknowledged by {escalation.acknowledged_by.display_name}"
            f" at {escalation.acknowledged_at:%Y-%m-%d %H:%M} UTC."
        )
    return ""


ACTOR = "a target of its current level, an operations lead of its region or an administrator"

lifecycle.register(
    Escalation,
    rows=[
        Row(
            "acknowledge",
            {"open"},
            "acknowledged",
            Who(ACTOR, rule="acknowledge"),
            "Acknowledge",
            event="acknowledged",
        ),
        Row(
            "resolve",
            {"open", "acknowledged"},
            "resolved",
            Who(ACTOR, rule="resolve"),
            "Resolve",
            event="resolved",
        ),
    ],
    verb="escalation",
    state=escalation_state,
    enter=_enter,
    states=STATES,
    explain=_explain,
    note="No status field: the state is read from `acknowledged_at` and `resolved_at`.",
)
