"""Who issues, sees and revokes customer links (issue 20, item 4).

Issued for one customer by its account manager or a data steward of its region (the customer's stewards);
administrators too. Seen (listed, read) by whoever may see the customer's links: the customer's account
manager, the region's data stewards and operations leads, auditors and administrators; another region's link
is a 404. Revoked by whoever may issue one for the customer, or by the person who issued it.
The link's page itself needs no account: the token is its own door (keyaccounts/links.py).

Health reviews (issue 20, item 2): seen by the customer's account manager (and the one the review was opened
for), the region's operations leads, auditors and administrators; anyone else gets a 404. Completed by the
account manager (or an administrator); cancelled, with a reason, by them or a lead of the region. The cadence
per tier is set by operations leads and administrators (tiers are not regional, like their thresholds).
"""

from django.db.models import Q

from intimacy_ops import access
from intimacy_ops.accounts.roles import Role
from keyaccounts.models import CustomerLink, HealthReview, HealthReviewAction, HealthReviewCadence
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


# --- health reviews ------------------------------------------------------------------------------------


@access.register_scope(HealthReview)
def _health_reviews(user, queryset):
    if access.sees_all_regions(user):
        return queryset
    seen = Q(customer__account_manager=user) | Q(account_manager=user)
    if user.has_role(Role.OPERATIONS_LEAD):
        seen |= Q(customer__region__in=access.user_region_ids(user))
    return queryset.filter(seen)


@access.register_scope(HealthReviewAction)
def _health_review_actions(user, queryset):
    return queryset.filter(review__in=access.visible(user, HealthReview).values("pk"))


@access.register_scope(HealthReviewCadence)
def _cadences(user, queryset):
    return queryset  # like the tiers they belong to: known to everyone signed in


def _is_its_manager(user, review: HealthReview) -> bool:
    return user.pk in (review.account_manager_id, review.customer.account_manager_id)


@access.register_rule(HealthReview, "view")
def _view_review(user, review):
    return access.ALLOW


@access.register_rule(HealthReview, "complete")
def _complete(user, review):
    if _is_its_manager(user, review) or user.has_role(Role.ADMINISTRATOR):
        return access.ALLOW
    return access.Decision(False, "Only the customer's account manager completes its health review.")


@access.register_rule(HealthReview, "cancel")
def _cancel(user, review):
    if _is_its_manager(user, review) or user.has_role(Role.ADMINISTRATOR):
        return access.ALLOW
    if access.is_lead_of_region(user, review.customer.region_id):
        return access.ALLOW
    return access.Decision(
        False, "Only the customer's account manager or an operations lead of its region cancels its review."
    )


access.allow_roles(
    HealthReviewCadence,
    "change",
    roles={Role.OPERATIONS_LEAD, Role.ADMINISTRATOR},
    refusal="Only operations leads and administrators set how often tiers are reviewed.",
)


# The health score's scopes and rules (issue 20, item 3), found with this module.
from keyaccounts.playbooks import access_rules as _playbooks  # noqa: E402, F401  (playbooks' rules)
from keyaccounts.score import access_rules as _score_rules  # noqa: E402, F401
