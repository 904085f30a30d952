"""Who issues, sees and revokes customer links (issue 20, item 4).

Issued for one customer by its account manager or a data steward of its region (the customer's stewards);
administrators too. Seen (listed, read) by whoever may see the customer's links: the customer's account
manager, the region's data stewards and operations leads, auditors and administrators; another region's link
is a 404. Revoked by whoever may issue one for the customer, or by the person who issued it.
The link's page itself needs no account: the token is its own door (keyaccounts/links.py).
"""

from django.db.models import Q

from intimacy_ops import access
from intimacy_ops.accounts.roles import Role
from keyaccounts.models import CustomerLink
from segments.models import Customer


@access.register_scope(CustomerLink)
def _links(user, queryset):
    if access.sees_all_regions(user):
        return queryset
    seen = Q(customer__account_manager=user) | Q(issued_by=user)
    if user.has_role(Role.DATA_STEWARD, Role.OPERATIONS_LEAD):
        seen |= Q(customer__region__in=access.user_region_ids(user))
    return queryset.filter(seen)


def _may_issue(user, customer: Customer) -> access.Decision:
    if customer.account_manager_id == user.pk or user.has_role(Role.ADMINISTRATOR):
        return access.ALLOW
    if user.has_role(Role.DATA_STEWARD) and customer.region_id in access.user_region_ids(user):
        return access.ALLOW
    return access.Decision(
        False, "Only the customer's account manager or a data steward of its region issues a link."
    )


@access.register_rule(Customer, "issue_link")
def _issue(user, customer):
    return _may_issue(user, customer)


@access.register_rule(CustomerLink, "view")
def _view(user, link):
    return access.ALLOW  # in the scope: `allowed` checked it first


@access.register_rule(CustomerLink, "revoke")
def _revoke(user, link):
    if link.issued_by_id == user.pk:
        return access.ALLOW
    return _may_issue(user, link.customer)


# The health score's scopes and rules (issue 20, item 3), found with this module.
from keyaccounts.playbooks import access_rules as _playbooks  # noqa: E402, F401  (playbooks' rules)
from keyaccounts.score import access_rules as _score_rules  # noqa: E402, F401
