"""Who sees and does what in segments: region scoping in SQL (DESIGN.md, roles table)."""

from django.db.models import Q

from intimacy_ops import access
from intimacy_ops.accounts.models import Region
from intimacy_ops.accounts.roles import Role
from segments.models import (
    CaseFigure,
    Customer,
    ImportRejectedRow,
    ImportRun,
    Segment,
    SegmentChange,
    ServiceCase,
    SlaPolicy,
    ThresholdChange,
    TierFigure,
    WorkingCalendar,
)


@access.register_scope(Customer)
@access.register_scope(TierFigure)
@access.register_scope(CaseFigure)
def _customers(user, queryset):
    """Customers, and the per-region figures counting them (segments/figures): by region alone, so a figure
    summed over the regions one sees is the live count of what one sees."""
    return queryset if access.sees_all_regions(user) else access.in_user_regions(user, queryset)


@access.register_scope(ServiceCase)
def _cases(user, queryset):
    return (
        queryset
        if access.sees_all_regions(user)
        else access.in_user_regions(user, queryset, "customer__region")
    )


@access.register_scope(SegmentChange)
def _segment_changes(user, queryset):
    return (
        queryset
        if access.sees_all_regions(user)
        else access.in_user_regions(user, queryset, "customer__region")
    )


@access.register_scope(Segment)
@access.register_scope(SlaPolicy)
@access.register_scope(ThresholdChange)
def _reference_data(user, queryset):
    return queryset  # tiers and their service commitments are known to everyone signed in


@access.register_scope(WorkingCalendar)
def _calendars(user, queryset):
    return queryset if access.sees_all_regions(user) else access.in_user_regions(user, queryset)


@access.register_scope(ImportRun)
def _imports(user, queryset):
    """A run is seen by whoever started it, by importers of a region its rows describe, and across regions."""
    if access.sees_all_regions(user):
        return queryset
    mine = Q(started_by=user)
    if user.has_role(*IMPORTERS):
        touching = access.in_user_regions(user, ImportRun.regions.through.objects.all()).values(
            "importrun_id"
        )
        mine |= Q(pk__in=touching)
    return queryset.filter(mine)


@access.register_scope(ImportRejectedRow)
def _rejected_rows(user, queryset):
    """A rejected row is seen in its region (its customer's, else the one its cell names); a row of no known
    region (no such customer, a region code that is wrong) by whoever sees its run; the run's starter sees
    every row of their own file. Which sensitive cells show: selectors.shown_cells."""
    if access.sees_all_regions(user):
        return queryset
    return access.in_user_regions(user, queryset) | queryset.filter(
        Q(region__isnull=True, run__in=access.visible(user, ImportRun).values("id")) | Q(run__started_by=user)
    )


@access.register_rule(Customer, "view")
@access.register_rule(ServiceCase, "view")
@access.register_rule(Segment, "view")
@access.register_rule(SlaPolicy, "view")
@access.register_rule(ImportRun, "view")
def _may_view(user, obj):
    return True


@access.register_rule(Customer, "change")
def _may_change_customer(user, customer):
    if user.has_role(Role.OPERATIONS_LEAD, Role.ADMINISTRATOR) or customer.account_manager_id == user.pk:
        return access.ALLOW
    return access.Decision(
        False, "Only the customer's account manager or an operations lead of the region edits a customer."
    )


@access.register_rule(Customer, "lock_segment")
def _may_lock(user, customer):
    if user.has_role(Role.OPERATIONS_LEAD, Role.ADMINISTRATOR):
        return access.ALLOW
    return access.Decision(False, "Only an operations lead places a customer in a segment by hand.")


@access.register_rule(ServiceCase, "change")
def _may_change_case(user, case):
    # DESIGN.md: an account manager follows the SLA status of *their* accounts, not a colleague's.
    if user.has_role(Role.OPERATIONS_LEAD, Role.ADMINISTRATOR) or case.customer.account_manager_id == user.pk:
        return access.ALLOW
    return access.Decision(
        False, "Only the customer's account manager or an operations lead of the region updates its cases."
    )


@access.register_rule(Segment, "change_thresholds")
@access.register_rule(SlaPolicy, "change")
def _may_manage_tiers(user, obj):
    if user.has_role(Role.OPERATIONS_LEAD, Role.ADMINISTRATOR):
        return access.ALLOW
    return access.Decision(False, "Only operations leads manage segment thresholds and SLA policies.")


@access.register_rule(Region, "move_customers_of")
def _may_move_customers_of(user, region):
    """A tier change moving customers of a region: an administrator, or an operations lead of that region."""
    if user.has_role(Role.ADMINISTRATOR) or access.is_lead_of_region(user, region.pk):
        return access.ALLOW
    return access.Decision(
        False, f"Only an operations lead of {region.code} (or an administrator) moves its customers."
    )


# --- model-level actions: before there is an object ----------------------------------------------------

# Who logs service cases: data stewards too, since they import them from the ticketing system.
CASE_OPENERS = (Role.ACCOUNT_MANAGER, Role.OPERATIONS_LEAD, Role.DATA_STEWARD, Role.ADMINISTRATOR)
IMPORTERS = (Role.OPERATIONS_LEAD, Role.DATA_STEWARD, Role.ADMINISTRATOR)

access.allow_roles(
    Customer,
    "create",
    roles=(Role.ACCOUNT_MANAGER, Role.OPERATIONS_LEAD, Role.ADMINISTRATOR),
    refusal="Only account managers and operations leads add customers.",
)

# May this person be a customer's account manager?
access.allow_roles(
    Customer, "manage", roles=(Role.ACCOUNT_MANAGER,), refusal="{username} is not an account manager."
)

access.allow_roles(
    Segment,
    "change_thresholds",
    roles=(Role.OPERATIONS_LEAD, Role.ADMINISTRATOR),
    refusal="Only operations leads change segment thresholds.",
)

access.allow_roles(
    SlaPolicy,
    "change",
    roles=(Role.OPERATIONS_LEAD, Role.ADMINISTRATOR),
    refusal="Only operations leads set SLA policies.",
)

access.allow_roles(
    SlaPolicy,
    "confirm_equity_exception",
    roles=(Role.OPERATIONS_LEAD,),
    refusal="Only an operations lead can confirm an exception to tier equity.",
)

access.allow_roles(
    ServiceCase,
    "create",
    roles=CASE_OPENERS,
    refusal="Only account managers, operations leads and data stewards log cases.",
)

access.allow_roles(
    ImportRun, "create", roles=IMPORTERS, refusal="Imports are for operations leads and data stewards."
)

# Who may read SLA compliance's summary table (segments/summaries): it counts every case of a region, which
# these roles see anyway; anyone else's figures are computed live through their scope.
access.allow_roles(
    ServiceCase,
    "read_region_figures",
    roles=(Role.OPERATIONS_LEAD, Role.BOARD_MEMBER, Role.AUDITOR, Role.ADMINISTRATOR),
    refusal="Region-wide figures are for operations leads, board members, auditors and administrators.",
)
