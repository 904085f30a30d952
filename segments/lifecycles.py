"""The lifecycle of a service case, as a table the kernel's engine applies (intimacy_ops/lifecycle.py).

A case has no status field: its state is read from its dates, in this order: `resolved` (resolved_at),
`waiting_on_customer` (an open waiting interval: the SLA clock is paused), `responded` (first_response_at),
else `open`. What each step writes (the dates, the waiting intervals, the SLA clock) is
segments/services/sla.py's `enter_state`; the audit trail keeps each change (there is no case transition
log): `case.responded`, `case.resolved`, `case.waiting_on_customer`, `case.resumed`, with the case's
dates before and after.
"""

from intimacy_ops import lifecycle
from intimacy_ops.lifecycle import Row, Who
from segments.models import ServiceCase
from segments.services.sla import enter_state

STATES = ("open", "responded", "waiting_on_customer", "resolved")


def case_state(case: ServiceCase) -> str:
    if case.resolved_at is not None:
        return "resolved"
    if case.waiting.filter(ended_at__isnull=True).exists():
        return "waiting_on_customer"
    return "responded" if case.first_response_at is not None else "open"


CASE_HANDLER = Who(
    "an account manager or operations lead of the customer's region (or an administrator)", rule="change"
)

lifecycle.register(
    ServiceCase,
    rows=[
        Row("respond", {"open"}, "responded", CASE_HANDLER, "Record first response", event="responded"),
        Row(
            "wait_on_customer",
            {"open", "responded"},
            "waiting_on_customer",
            CASE_HANDLER,
            "Wait on customer",
            event="waiting_on_customer",
        ),
        Row("resume", {"waiting_on_customer"}, "responded", CASE_HANDLER, "Resume", event="resumed"),
        Row(
            "resolve",
            {"open", "responded", "waiting_on_customer"},
            "resolved",
            CASE_HANDLER,
            "Resolve",
            event="resolved",
        ),
    ],
    verb="case",
    state=case_state,
    enter=enter_state,
    states=STATES,
    note="No status field: the state is read from the case's dates (see segments/lifecycles.py). `resume` "
    "leads to `open` when the case waited before its first response. The first response is recorded "
    "while the clock runs (resume first).",
)
