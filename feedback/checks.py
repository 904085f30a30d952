"""The periodic checks of feedback (DESIGN.md, "Background work"): recurring failures open an RCA, overdue
corrective actions escalate, and the effectiveness of closed RCAs is recorded (feedback/services_rca/); survey
invitations are sent when due, or held while the customer is in recovery, and the sentiment paused meanwhile
is analysed once the hold ends (issue 19, item 5). Each is idempotent and safe to run twice at once."""

from feedback.services.paused import analyse_paused
from feedback.services.surveys import send_due_surveys
from feedback.services_rca.effectiveness import EFFECTIVENESS_DAYS, record_effectiveness
from feedback.services_rca.overdue import escalate_overdue_actions
from feedback.services_rca.recurring import DEFAULT_NEGATIVES, DEFAULT_WINDOW_DAYS, open_recurring_rcas
from intimacy_ops import checks


@checks.register(
    name="feedback.recurring_failures",
    every_seconds=3600,
    description=(
        f"{DEFAULT_NEGATIVES} negative feedback items on one process within {DEFAULT_WINDOW_DAYS} days (or the "
        "process's own line) open a root-cause analysis, once per process and window, assigned to its owner."
    ),
)
def recurring_failures() -> checks.CheckResult:
    return open_recurring_rcas()


@checks.register(
    name="feedback.corrective_actions_overdue",
    every_seconds=3600,
    description=(
        "Open corrective actions past their due date are escalated to their owner, then the region's "
        "operations leads, then the administrators."
    ),
)
def corrective_actions_overdue() -> checks.CheckResult:
    return escalate_overdue_actions()


@checks.register(
    name="feedback.rca_effectiveness",
    every_seconds=6 * 3600,
    description=(
        f"{EFFECTIVENESS_DAYS} days after an RCA closed, the negative-feedback rate on its process before and "
        "after is recorded once; owners hear when it did not fall."
    ),
)
def rca_effectiveness() -> checks.CheckResult:
    return record_effectiveness()


@checks.register(
    name="feedback.surveys_due",
    every_seconds=600,
    description=(
        "Survey invitations due today are e-mailed to the customer's contact, or held (with the reason) while "
        "the customer is in recovery from an active incident; held ones go back to scheduled, and out, once the "
        "hold ended."
    ),
)
def surveys_due() -> checks.CheckResult:
    return send_due_surveys()


@checks.register(
    name="feedback.paused_sentiment",
    every_seconds=600,
    description=(
        "Feedback whose sentiment was paused while its customer was in recovery is analysed once the hold "
        "ended (with the customer's consent, as always)."
    ),
)
def paused_sentiment() -> checks.CheckResult:
    return analyse_paused()
