"""Who sees and does what in exceptions (DESIGN.md, roles table). Scopes are SQL filters.

- account managers: the requests they raised, and those of customers they manage (not others' drafts);
- operations leads and board members: every request past draft of customers in their regions;
- process owners: every request past draft on the processes they own;
- auditors and administrators: everything. A draft is its requester's alone.
Who may take a step of a request's lifecycle (exceptions/lifecycles.py) as a person is a rule here,
named after the step; the lifecycle engine asks it and handles board and system authority itself.
"""

from django.db.models import Q

from exceptions.models import (
    CostEntry,
    ExceptionRequest,
    ExceptionTransition,
    ExtensionRequest,
    Process,
    ProcessVersion,
    RoutingThreshold,
)
from intimacy_ops import access
from intimacy_ops.accounts import delegation
from intimacy_ops.accounts.models import Region
from intimacy_ops.accounts.roles import Role
from segments.models import Customer

DRAFT = ExceptionRequest.Status.DRAFT


@access.register_scope(ExceptionRequest)
def _exceptions(user, queryset):
    if access.sees_all_regions(user):
        return queryset
    # The account manager's customers as a subquery, not a join: `requested_by OR customer's manager` across
    # a join hashed every customer to count an account manager's requests (0.5 s at 100,000 customers).
    managed = Customer.objects.filter(account_manager=user).values("id")
    seen = Q(requested_by=user) | (Q(customer__in=managed) & ~Q(status=DRAFT))
    regions = (
        set(access.user_region_ids(user)) if user.has_role(Role.OPERATIONS_LEAD, Role.BOARD_MEMBER) else set()
    )
    for principal in delegation.principals_for(user):  # a delegate sees what they decide on someone's behalf
        if principal.has_role(Role.OPERATIONS_LEAD, Role.BOARD_MEMBER):
            regions |= principal.region_ids
    if regions:
        seen |= ~Q(status=DRAFT) & Q(customer__region__in=sorted(regions))
    if user.has_role(Role.PROCESS_OWNER):
        seen |= ~Q(status=DRAFT) & Q(process__owner=user)
    return queryset.filter(seen)


@access.register_scope(ExceptionTransition)
@access.register_scope(CostEntry)
@access.register_scope(ExtensionRequest)
def _parts_of_exceptions(user, queryset):
    return queryset.filter(exception__in=access.visible(user, ExceptionRequest).values("pk"))


@access.register_scope(Process)
@access.register_scope(ProcessVersion)
@access.register_scope(RoutingThreshold)
def _reference_data(user, queryset):
    return queryset  # the catalog and the routing rules are known to everyone signed in


@access.register_rule(ExceptionRequest, "view")
@access.register_rule(Process, "view")
@access.register_rule(RoutingThreshold, "view")
def _may_view(user, obj):
    return True


@access.register_rule(ExceptionRequest, "change")
def _may_change(user, exception):
    if exception.requested_by_id == user.pk:
        return access.ALLOW
    return access.Decision(False, "Only the person who raised this request may change it.")


@access.register_rule(ExceptionRequest, "record_cost")
def _may_record_cost(user, exception):
    if exception.requested_by_id == user.pk or exception.customer.account_manager_id == user.pk:
        return access.ALLOW
    if access.is_lead_of_region(user, exception.customer.region_id):
        return access.ALLOW
    return access.Decision(
        False, "Only the customer's account manager or an operations lead of the region books actual costs."
    )


@access.register_rule(Process, "change")
@access.register_rule(Process, "publish_version")
def _may_change_process(user, process):
    if user.has_role(Role.ADMINISTRATOR) or is_process_owner(user, process):
        return access.ALLOW
    return access.Decision(False, "Only the process's owner or an administrator changes a process.")


@access.register_rule(Process, "control")
def _may_control_process(user, process):
    if user.has_role(Role.ADMINISTRATOR):
        return access.ALLOW
    return access.Decision(
        False, "Only an administrator puts a process under change control (or takes it out)."
    )


def is_process_owner(user, process: Process) -> bool:
    """The owner of this process (the relationship, defined once)."""
    return process.owner_id is not None and process.owner_id == user.pk


# --- model-level actions: before there is an object ----------------------------------------------------


access.allow_roles(
    ExceptionRequest,
    "create",
    roles=(Role.ACCOUNT_MANAGER,),
    refusal="Only account managers ask for exceptions, for the customers they manage.",
)

access.allow_roles(
    ExceptionRequest,
    "decide_as_lead",
    roles=(Role.OPERATIONS_LEAD,),
    refusal="Only operations leads decide requests routed to a single approver.",
)

access.allow_roles(
    Process,
    "create",
    roles=(Role.PROCESS_OWNER, Role.ADMINISTRATOR),
    refusal="Only process owners and administrators add processes to the catalog.",
)

access.allow_roles(Process, "own", roles=(Role.PROCESS_OWNER,), refusal="{username} is not a process owner.")


@access.register_rule(Customer, "request_exception")
def _may_request_for(user, customer):
    if user.has_role(Role.ACCOUNT_MANAGER) and customer.account_manager_id == user.pk:
        return access.ALLOW
    return access.Decision(False, "Only the customer's account manager asks for exceptions for them.")


@access.register_rule(Region, "set_routing_threshold")
def _may_set_threshold(user, region):
    if user.has_role(Role.ADMINISTRATOR) or access.is_lead_of_region(user, region.pk):
        return access.ALLOW
    return access.Decision(False, f"Only an operations lead of {region.code} sets its routing threshold.")


# --- the lifecycle's *who* for a person (exceptions/lifecycles.py) ----------------------------------

LEAD_DECIDES = "Only an operations lead of the customer's region decides this request."


def _lead_of_customer_region(user, exception) -> bool:
    return access.is_lead_of_region(user, exception.customer.region_id)


@access.register_rule(ExceptionRequest, "submit", "withdraw", "amend", "discard")
def _is_requester(user, exception):
    if exception.requested_by_id == user.pk:
        return access.ALLOW
    return access.Decision(False, "Only the person who raised this request may do this.")


def _lead_or_delegate(user, exception) -> access.Decision:
    """A lead of the region, or the delegate of one who is away (the act is then on their behalf)."""
    return delegation.acting_for(
        user,
        lambda who: (
            access.ALLOW if _lead_of_customer_region(who, exception) else access.Decision(False, LEAD_DECIDES)
        ),
    )


@access.register_rule(ExceptionRequest, "route")
def _takes_up(user, exception):
    """Board-routed requests are routed by the system; a lead-routed one is taken up by a lead of the region."""
    if exception.route != ExceptionRequest.Route.LEAD:
        return access.Decision(False, "This step happens automatically; nobody takes it by hand.")
    return _lead_or_delegate(user, exception)


@access.register_rule(ExceptionRequest, "approve", "reject", "return_for_changes")
def _decides(user, exception):
    if exception.route == ExceptionRequest.Route.BOARD:
        return access.Decision(
            False, "This request is with the change-control board; only its decision settles it."
        )
    return _lead_or_delegate(user, exception)


@access.register_rule(ExceptionRequest, "sunset")
def _may_end(user, exception):
    if _lead_of_customer_region(user, exception):
        return access.ALLOW
    return access.Decision(
        False, "Only an operations lead of the customer's region or the board may end this exception."
    )


@access.register_rule(ExceptionRequest, "revoke")
def _may_revoke(user, exception):
    if _lead_of_customer_region(user, exception):
        return access.ALLOW
    return access.Decision(
        False, "Only an operations lead of the customer's region or the board may revoke this exception."
    )


@access.register_rule(ExtensionRequest, "approve", "reject")
def _decides_extension(user, extension):
    if extension.needs_board:
        return access.Decision(
            False, "This extension goes beyond what an operations lead may allow: the board decides."
        )
    refusal = access.Decision(
        False, "Only an operations lead of the customer's region decides this extension."
    )
    return delegation.acting_for(
        user, lambda who: access.ALLOW if _lead_of_customer_region(who, extension.exception) else refusal
    )


# Who may read the dashboard's summary tables (exceptions/summaries): they count every request past draft of
# a region, which these roles see anyway; anyone else's figures are computed live through their scope.
access.allow_roles(
    ExceptionRequest,
    "read_region_figures",
    roles=(Role.OPERATIONS_LEAD, Role.BOARD_MEMBER, Role.AUDITOR, Role.ADMINISTRATOR),
    refusal="Region-wide figures are for operations leads, board members, auditors and administrators.",
)
