"""Who sees and does what in feedback (DESIGN.md, roles table; issue 16). Scopes are SQL filters.

Feedback items:
- account managers: the items of the customers they manage (and those they logged themselves);
- process owners: the items about the processes they own;
- operations leads: every item of a customer in their regions;
- data stewards: privacy complaints of customers in their regions (a complaint about how personal
  context was used is theirs to handle);
- auditors and administrators: everything (read).
Another region's customer's item is outside the scope: a 404, never a 403.

Root-cause analyses (and their whys, corrective actions, loop closures):
- process owners: the RCAs of the processes they own, and those they own themselves;
- operations leads: the RCAs touching customers of their regions (`regions`);
- account managers: the RCAs that a feedback item of one of their customers triggered (to close the loop);
- a corrective action's owner: the RCA of their action;
- auditors and administrators: everything.

Survey invitations: the customer's account manager, who scheduled it, operations leads of the customer's
region, auditors and administrators. The account manager, a lead of the region or an administrator schedules
one (`schedule_survey` on the customer) and cancels it.
"""

from django.db.models import Exists, OuterRef, Q

from feedback.models import (
    CorrectiveAction,
    FeedbackItem,
    LoopClosure,
    RootCauseAnalysis,
    Source,
    SurveyInvitation,
    WhyStep,
)
from intimacy_ops import access
from intimacy_ops.accounts.roles import Role
from segments.models import Customer


def _user_regions(user) -> list[int]:
    """The user's region ids as literals, like every other scope (`access.user_region_ids`): read once per
    request, and planned with the column's statistics instead of a guess for `IN (SELECT …)`."""
    return access.user_region_ids(user)


@access.register_scope(FeedbackItem)
def _feedback(user, queryset):
    if access.sees_all_regions(user):
        return queryset
    seen = Q(customer__account_manager=user) | Q(created_by=user)
    if user.has_role(Role.PROCESS_OWNER):
        seen |= Q(process__owner=user)
    if user.has_role(Role.OPERATIONS_LEAD):
        seen |= Q(customer__region__in=_user_regions(user))
    if user.has_role(Role.DATA_STEWARD):
        seen |= Q(source=Source.PRIVACY_COMPLAINT, customer__region__in=_user_regions(user))
    return queryset.filter(seen)


@access.register_scope(RootCauseAnalysis)
def _rcas(user, queryset):
    if access.sees_all_regions(user):
        return queryset
    seen = Q(owner=user) | Q(Exists(CorrectiveAction.objects.filter(rca=OuterRef("pk"), owner=user)))
    if user.has_role(Role.PROCESS_OWNER):
        seen |= Q(process__owner=user)
    if user.has_role(Role.OPERATIONS_LEAD):
        through = RootCauseAnalysis.regions.through.objects.filter(
            rootcauseanalysis_id=OuterRef("pk"), region__in=_user_regions(user)
        )
        seen |= Q(Exists(through))
    if user.has_role(Role.ACCOUNT_MANAGER):
        through = RootCauseAnalysis.triggering_items.through.objects.filter(
            rootcauseanalysis_id=OuterRef("pk"), feedbackitem__customer__account_manager=user
        )
        seen |= Q(Exists(through))
    return queryset.filter(seen)


@access.register_scope(WhyStep)
@access.register_scope(CorrectiveAction)
@access.register_scope(LoopClosure)
def _parts_of_rcas(user, queryset):
    return queryset.filter(rca__in=access.visible(user, RootCauseAnalysis).values("pk"))


@access.register_rule(FeedbackItem, "view")
@access.register_rule(RootCauseAnalysis, "view")
@access.register_rule(CorrectiveAction, "view")
def _may_view(user, obj):
    return True


def _manages_customer(user, customer: Customer) -> bool:
    return customer.account_manager_id is not None and customer.account_manager_id == user.pk


@access.register_rule(FeedbackItem, "change")
def _may_change_item(user, item):
    """Edit an item (text, links, actionable): who logged it, the customer's account manager, a lead."""
    if item.created_by_id == user.pk or _manages_customer(user, item.customer):
        return access.ALLOW
    if user.has_role(Role.ADMINISTRATOR) or access.is_lead_of_region(user, item.customer.region_id):
        return access.ALLOW
    return access.Decision(
        False,
        "Only the customer's account manager, who logged it or an operations lead of the region edits it.",
    )


@access.register_rule(FeedbackItem, "confirm_sentiment")
def _may_confirm(user, item):
    """Confirm or correct a suggested sentiment: the customer's account manager (the queue), or a lead."""
    if _manages_customer(user, item.customer) or access.is_lead_of_region(user, item.customer.region_id):
        return access.ALLOW
    return access.Decision(
        False,
        "Only the customer's account manager or an operations lead of the region confirms its sentiment.",
    )


def sentiment_confirmable(user) -> Q:
    """The rule `confirm_sentiment` as a filter of items (the confirmation queue, the home card)."""
    mine = Q(customer__account_manager=user)
    if user.has_role(Role.OPERATIONS_LEAD):
        mine |= Q(customer__region__in=_user_regions(user))
    return mine


@access.register_rule(Customer, "log_feedback")
def _may_log_feedback(user, customer):
    """Log feedback about a customer: its account manager, a lead of its region, a process owner, an admin."""
    if _manages_customer(user, customer) or access.is_lead_of_region(user, customer.region_id):
        return access.ALLOW
    if user.has_role(Role.PROCESS_OWNER, Role.ADMINISTRATOR):
        return access.ALLOW
    return access.Decision(
        False, "Only the customer's account manager or an operations lead logs its feedback."
    )


access.allow_roles(
    FeedbackItem,
    "create",
    roles=(Role.ACCOUNT_MANAGER, Role.OPERATIONS_LEAD, Role.PROCESS_OWNER, Role.ADMINISTRATOR),
    refusal="Only account managers, operations leads and process owners record feedback.",
)

access.allow_roles(
    FeedbackItem,
    "import",
    roles=(Role.OPERATIONS_LEAD, Role.DATA_STEWARD, Role.ADMINISTRATOR),
    refusal="Only operations leads and data stewards import feedback.",
)


# --- root-cause analyses ----------------------------------------------------------------------------------


def is_process_owner(user, process) -> bool:
    return process.owner_id is not None and process.owner_id == user.pk


def _runs_rca(user, rca: RootCauseAnalysis) -> bool:
    return (
        (rca.owner_id is not None and rca.owner_id == user.pk)
        or is_process_owner(user, rca.process)
        or user.has_role(Role.ADMINISTRATOR)
    )


RCA_REFUSAL = "Only the RCA's owner, the process's owner or an administrator works on this analysis."


@access.register_rule(
    RootCauseAnalysis, "change", "start_analysis", "plan_actions", "verify", "close", "cancel"
)
def _may_run_rca(user, rca):
    return access.ALLOW if _runs_rca(user, rca) else access.Decision(False, RCA_REFUSAL)


@access.register_rule(RootCauseAnalysis, "close_loop")
def _may_close_loop(user, rca):
    """Record who was told: whoever runs the RCA, or an account manager who sees it (they tell customers)."""
    if _runs_rca(user, rca) or user.has_role(Role.ACCOUNT_MANAGER):
        return access.ALLOW
    return access.Decision(False, RCA_REFUSAL)


@access.register_rule(CorrectiveAction, "change", "start", "complete", "cancel")
def _may_move_action(user, action):
    if action.owner_id == user.pk or _runs_rca(user, action.rca):
        return access.ALLOW
    return access.Decision(
        False, "Only the action's owner, the RCA's owner, the process's owner or an administrator updates it."
    )


access.allow_roles(
    RootCauseAnalysis,
    "create",
    roles=(Role.PROCESS_OWNER, Role.OPERATIONS_LEAD, Role.ADMINISTRATOR),
    refusal="Only process owners, operations leads and administrators open a root-cause analysis.",
)


@access.register_rule(RootCauseAnalysis, "move_actions")
def _may_move_its_actions(user, rca):
    """Move the RCA's corrective actions at all: who runs it, or the owner of one of its actions (each action's
    own rule then says which)."""
    if _runs_rca(user, rca) or CorrectiveAction.objects.filter(rca=rca, owner=user).exists():
        return access.ALLOW
    return access.Decision(
        False, "Only who runs this analysis or owns one of its actions updates its actions."
    )


# --- survey invitations -----------------------------------------------------------------------------------


@access.register_scope(SurveyInvitation)
def _survey_invitations(user, queryset):
    if access.sees_all_regions(user):
        return queryset
    seen = Q(customer__account_manager=user) | Q(scheduled_by=user)
    if user.has_role(Role.OPERATIONS_LEAD):
        seen |= Q(customer__region__in=_user_regions(user))
    return queryset.filter(seen)


@access.register_rule(SurveyInvitation, "view")
def _may_view_invitation(user, invitation):
    return True


SURVEY_REFUSAL = "Only the customer's account manager, an operations lead of the region or an administrator asks it for a survey."


def _keeps_surveys(user, customer: Customer) -> bool:
    return (
        _manages_customer(user, customer)
        or access.is_lead_of_region(user, customer.region_id)
        or user.has_role(Role.ADMINISTRATOR)
    )


@access.register_rule(Customer, "schedule_survey")
def _may_schedule_survey(user, customer):
    return access.ALLOW if _keeps_surveys(user, customer) else access.Decision(False, SURVEY_REFUSAL)


@access.register_rule(SurveyInvitation, "cancel")
def _may_cancel_invitation(user, invitation):
    if invitation.scheduled_by_id == user.pk or _keeps_surveys(user, invitation.customer):
        return access.ALLOW
    return access.Decision(False, SURVEY_REFUSAL)


access.allow_roles(
    SurveyInvitation,
    "create",
    roles=(Role.ACCOUNT_MANAGER, Role.OPERATIONS_LEAD, Role.ADMINISTRATOR),
    refusal="Only account managers, operations leads and administrators schedule surveys.",
)
