"""Who sees and does what with incidents (DESIGN.md, roles table and "Incidents and trust recovery"; issue 19).

Incidents (and their timelines):
- everyone with a region sees the incidents touching one of their regions (account managers hear of them on
  their home; leads run them; board members, owners and stewards follow them);
- auditors and administrators: every incident.
Another region's incident is outside the scope: a 404, never a 403.

Affected customers (an incident's rows): account managers see their own customers' rows only (another
manager's customer is not theirs to contact); everyone else who sees the incident, the rows of their regions'
customers; auditors and administrators all.

Goodwill (a credit or an expedited service to an affected customer): given by the customer's account manager or
whoever runs the incident, within the limit administrators set per role and tier (`goodwill_limit`); seen as
the affected customers are.

Declaring one: operations leads (for their own regions) and administrators (any region). Running one (posting
updates, its lifecycle steps): its owner, an operations lead of one of its regions, or an administrator.

Messages to affected customers (incidents/services/messages.py): the "customers to contact" queue is for account
managers, operations leads of one of the incident's regions and administrators; a message is recorded by the
customer's account manager, a lead of the customer's region or an administrator, and seen as the affected rows
are. Message templates are the company's words, read by everyone signed in, written by operations leads and
administrators.
"""

from decimal import Decimal

from django.db.models import Exists, OuterRef, Q

from incidents.models import (
    AffectedCustomer,
    Goodwill,
    GoodwillLimit,
    Incident,
    IncidentMessage,
    IncidentUpdate,
    MessageTemplate,
)
from intimacy_ops import access
from intimacy_ops.accounts.models import Region
from intimacy_ops.accounts.roles import Role
from intimacy_ops.accounts.selectors import people_with_role


@access.register_scope(Incident)
def _incidents(user, queryset):
    if access.sees_all_regions(user):
        return queryset
    touching = Incident.regions.through.objects.filter(
        incident_id=OuterRef("pk"), region_id__in=access.user_region_ids(user)
    )
    return queryset.filter(Q(Exists(touching)) | Q(owner=user))


@access.register_scope(IncidentUpdate)
def _updates(user, queryset):
    return queryset.filter(incident__in=access.visible(user, Incident).values("pk"))


@access.register_scope(IncidentMessage)
@access.register_scope(Goodwill)
@access.register_scope(AffectedCustomer)
def _affected(user, queryset):
    queryset = queryset.filter(incident__in=access.visible(user, Incident).values("pk"))
    if access.sees_all_regions(user):
        return queryset
    seen = Q(customer__account_manager=user)
    others = set(Role) - {Role.ACCOUNT_MANAGER}
    if user.has_role(*others):
        seen |= Q(customer__region__in=access.user_region_ids(user))
    return queryset.filter(seen)


@access.register_rule(Incident, "view")
def _may_view(user, incident):
    return True


def _region_ids(incident: Incident) -> set[int]:
    return {region.pk for region in incident.regions.all()}


RUNS_REFUSAL = (
    "Only the incident's owner, an operations lead of one of its regions or an administrator runs it."
)


def runs(user, incident: Incident) -> bool:
    """The incident's owner, an operations lead of one of its regions, or an administrator."""
    if incident.owner_id == user.pk or user.has_role(Role.ADMINISTRATOR):
        return True
    return user.has_role(Role.OPERATIONS_LEAD) and bool(_region_ids(incident) & user.region_ids)


@access.register_rule(Incident, "change", "mitigate", "resolve", "review", "cancel")
def _may_run(user, incident):
    return access.ALLOW if runs(user, incident) else access.Decision(False, RUNS_REFUSAL)


@access.register_rule(Incident, "give_goodwill")
def _may_give_goodwill(user, incident):
    """Goodwill to an affected customer: account managers (their own customers: the service checks which),
    whoever runs the incident."""
    if user.has_role(Role.ACCOUNT_MANAGER) or runs(user, incident):
        return access.ALLOW
    return access.Decision(False, "Only account managers and who runs the incident give goodwill.")


def goodwill_limit(user, segment_id) -> Decimal:
    """The most this person gives one customer of this tier in one incident without approval: the highest limit
    of the roles they hold (none set: zero, so every goodwill asks for approval)."""
    roles = [role.value for role in Role if user.has_role(role)]
    amounts = GoodwillLimit.objects.filter(role__in=roles, segment_id=segment_id).values_list(
        "amount", flat=True
    )
    return max(amounts, default=Decimal("0"))


access.allow_roles(
    Incident,
    "create",
    roles=(Role.OPERATIONS_LEAD, Role.ADMINISTRATOR),
    refusal="Only operations leads and administrators declare an incident.",
)


def declarable_regions(user):
    """The regions this person may declare an incident in: an administrator any, an operations lead theirs."""
    if user.has_role(Role.ADMINISTRATOR):
        return Region.objects.all()
    if user.has_role(Role.OPERATIONS_LEAD):
        return Region.objects.filter(pk__in=access.user_region_ids(user))
    return Region.objects.none()


def possible_owners(regions):
    """Who may own an incident of these regions: an operations lead of one of them."""
    return people_with_role(Role.OPERATIONS_LEAD).filter(regions__in=regions).distinct()


# --- messages to affected customers (issue 19, items 3 and 8) ------------------------------------------------


@access.register_scope(MessageTemplate)
def _templates(user, queryset):
    return queryset


access.allow_roles(
    MessageTemplate,
    "create",
    roles=(Role.OPERATIONS_LEAD, Role.ADMINISTRATOR),
    refusal="Only operations leads and administrators write the message templates.",
)


@access.register_rule(Incident, "contact_customers")
def _may_contact(user, incident):
    """The queue of customers to contact: account managers (their own customers), leads of its regions, admins."""
    if user.has_role(Role.ACCOUNT_MANAGER, Role.ADMINISTRATOR):
        return access.ALLOW
    if user.has_role(Role.OPERATIONS_LEAD) and bool(_region_ids(incident) & user.region_ids):
        return access.ALLOW
    return access.Decision(
        False, "Only account managers, the incident's operations leads and administrators contact customers."
    )


@access.register_rule(AffectedCustomer, "send_message")
def _may_send(user, affected):
    """The customer's account manager, an operations lead of the customer's region, an administrator."""
    customer = affected.customer
    if customer.account_manager_id == user.pk or user.has_role(Role.ADMINISTRATOR):
        return access.ALLOW
    if access.is_lead_of_region(user, customer.region_id):
        return access.ALLOW
    return access.Decision(
        False, "Only the customer's account manager, a lead of their region or an administrator sends it."
    )
