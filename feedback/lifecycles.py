"""The lifecycles of a root-cause analysis, of its corrective actions and of a survey invitation, as tables the kernel's engine applies
(intimacy_ops/lifecycle.py). Neither has a transition log of its own: the audit trail keeps each change
(`rca.<action>`, `corrective_action.<action>`: from, to, actor, time, comment).

A person's step is asked of the access rule of the same name (feedback/access_rules.py): the RCA's owner,
the process's owner or an administrator moves an RCA; an action's owner, the RCA's owner, the process's
owner or an administrator moves an action. What a step needs beyond its *from* state (closing with every
action settled and the loop closed; cancelling with a reason) is the service's to check before `apply`
(409 naming what is missing), as `check()` allows.
"""

from feedback.models import CorrectiveAction, RootCauseAnalysis, SurveyInvitation
from intimacy_ops import lifecycle
from intimacy_ops.lifecycle import Row, Who

RCA = RootCauseAnalysis.Status
ACTIVE = {RCA.OPEN, RCA.ANALYSING, RCA.ACTIONS_PLANNED, RCA.VERIFYING}

RCA_OWNER = "the RCA's owner, the process's owner or an administrator"


def _rca_who(action: str) -> Who:
    return Who(RCA_OWNER, rule=action)


def _enter_rca(rca: RootCauseAnalysis, row: Row, at) -> None:
    rca.status = row.target
    rca.status_changed_at = at
    fields = ["status", "status_changed_at", "updated_at"]
    if row.target == RCA.CLOSED:
        rca.closed_at = at
        fields.append("closed_at")
    if row.target == RCA.CANCELLED:
        fields.append("cancel_reason")  # set by the service just before
    rca.save(update_fields=fields)


RCA_TABLE = lifecycle.register(
    RootCauseAnalysis,
    rows=[
        Row("start_analysis", {RCA.OPEN}, RCA.ANALYSING, _rca_who("start_analysis"), "Start the analysis"),
        Row(
            "plan_actions", {RCA.ANALYSING}, RCA.ACTIONS_PLANNED, _rca_who("plan_actions"), "Actions planned"
        ),
        Row("verify", {RCA.ACTIONS_PLANNED}, RCA.VERIFYING, _rca_who("verify"), "Verify"),
        Row("close", {RCA.VERIFYING}, RCA.CLOSED, _rca_who("close"), "Close"),
        Row("cancel", ACTIVE, RCA.CANCELLED, _rca_who("cancel"), "Cancel"),
    ],
    verb="rca",
    enter=_enter_rca,
    states=[choice.value for choice in RCA],
    note="Closing needs every corrective action done or cancelled and the loop closed (who was told, when, "
    "how); cancelling needs a reason. No transition log: the audit trail keeps each change.",
)

ACTION = CorrectiveAction.Status
ACTION_OWNER = "the action's owner, the RCA's owner, the process's owner or an administrator"


def _enter_action(action: CorrectiveAction, row: Row, at) -> None:
    action.status = row.target
    action.status_changed_at = at
    action.completed_at = at if row.target == ACTION.DONE else None
    action.save(update_fields=["status", "status_changed_at", "completed_at", "updated_at"])


ACTION_TABLE = lifecycle.register(
    CorrectiveAction,
    rows=[
        Row("start", {ACTION.PLANNED}, ACTION.IN_PROGRESS, Who(ACTION_OWNER, rule="start"), "Start"),
        Row(
            "complete",
            {ACTION.PLANNED, ACTION.IN_PROGRESS},
            ACTION.DONE,
            Who(ACTION_OWNER, rule="complete"),
            "Mark done",
        ),
        Row(
            "cancel",
            {ACTION.PLANNED, ACTION.IN_PROGRESS},
            ACTION.CANCELLED,
            Who(ACTION_OWNER, rule="cancel"),
            "Cancel",
        ),
    ],
    verb="corrective_action",
    enter=_enter_action,
    states=[choice.value for choice in ACTION],
    note="Done and cancelled are final. No transition log: the audit trail keeps each change.",
)

SURVEY = SurveyInvitation.Status
SURVEY_KEEPER = (
    "the customer's account manager, who scheduled it, an operations lead of the region or an administrator"
)

SURVEY_TABLE = lifecycle.register(
    SurveyInvitation,
    rows=[
        Row(
            "send",
            {SURVEY.SCHEDULED},
            SURVEY.SENT,
            lifecycle.system_only("the check feedback.surveys_due"),
            "Send",
        ),
        Row(
            "suppress",
            {SURVEY.SCHEDULED},
            SURVEY.SUPPRESSED,
            lifecycle.system_only("the check, while the customer is held"),
            "Hold",
        ),
        Row(
            "resume",
            {SURVEY.SUPPRESSED},
            SURVEY.SCHEDULED,
            lifecycle.system_only("the check, once the hold ended"),
            "Resume",
        ),
        Row(
            "cancel",
            {SURVEY.SCHEDULED, SURVEY.SUPPRESSED},
            SURVEY.CANCELLED,
            Who(SURVEY_KEEPER, rule="cancel"),
            "Cancel",
        ),
    ],
    verb="survey_invitation",
    states=[choice.value for choice in SURVEY],
    note="The check sends a due invitation, or holds it (with the hold's reason: feedback/holds.py) while the "
    "customer is held, and puts it back to scheduled once the hold ended. Sent and cancelled are final. "
    "No transition log: the audit trail keeps each change.",
)
