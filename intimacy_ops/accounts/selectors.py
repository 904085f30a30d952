"""Reads about people and their roles: who holds a role (for routing and notices), the role home pages."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db.models import CharField, Count, Exists, F, Q, QuerySet, Value, Window
from django.db.models.functions import Cast, Concat
from django.db.models.lookups import In

from intimacy_ops import access
from intimacy_ops.accounts.models import Region, User
from intimacy_ops.accounts.roles import Role

# What each role does first, in the words of DESIGN.md's roles table.
ROLE_GUIDES: dict[Role, dict] = {
    Role.ACCOUNT_MANAGER: {
        "tagline": "Your accounts, the service they need, and the exceptions you ask for them.",
        "duties": [
            "Log a request to deviate from a standard process for one of your customers.",
            "Follow your requests through review, approval and expiry.",
            "Watch the SLA status of your accounts and record feedback and insights.",
        ],
    },
    Role.PROCESS_OWNER: {
        "tagline": "The standard processes you own, and what deviates from them.",
        "duties": [
            "Write the impact assessment of exceptions against your processes.",
            "Decide which recurring variations should become a standard option.",
            "Own root-cause analyses and their corrective actions.",
        ],
    },
    Role.BOARD_MEMBER: {
        "tagline": "The reviews waiting for your vote on your change-control board.",
        "duties": [
            "Read each review's impact assessment and vote approve, reject or abstain with a rationale.",
            "Declare an interest where you have one; you never vote on your own requests or customers.",
        ],
    },
    Role.BOARD_CHAIR: {
        "tagline": "Your board's agenda, quorum and decisions.",
        "duties": [
            "Schedule meetings and set their agendas.",
            "Record decisions once quorum is met and the votes support them.",
            "Co-opt a substitute when conflicts of interest leave too few eligible members.",
        ],
    },
    Role.OPERATIONS_LEAD: {
        "tagline": "Cost, drift and SLA compliance across your regions.",
        "duties": [
            "Approve, reject or return small exception requests in your regions.",
            "Manage segment thresholds and SLA policies, previewing every change first.",
            "Acknowledge the escalations that reach you.",
        ],
    },
    Role.DATA_STEWARD: {
        "tagline": "Who sees sensitive customer data, and why.",
        "duties": [
            "Review the access log and open break-glass sessions.",
            "Grant or revoke time-limited access to a customer's sensitive fields.",
            "Own classification, retention and consent.",
        ],
    },
    Role.AUDITOR: {
        "tagline": "Read-only over records, decisions and the audit trail.",
        "duties": [
            "Browse the audit trail and verify that its hash chain is intact.",
            "Trace any decision back to who made it, when and why.",
        ],
    },
    Role.ADMINISTRATOR: {
        "tagline": "Configuration, users and the health of the system.",
        "duties": [
            "Assign roles and regions to people in the admin.",
            "Watch the worker heartbeat and the schedules of the periodic checks.",
        ],
    },
}


@dataclass(frozen=True)
class HomeCard:
    key: str
    title: str
    roles: frozenset[Role]
    template: str
    context: Callable[[User], dict]
    order: int


_home_cards: dict[str, HomeCard] = {}


def people_with_role(*roles: "Role | str", region_id: int | None = None):
    """Active people holding any of these roles, optionally in one region, as a queryset.

    A chair counts as a board member and a superuser as an administrator, as `User.roles` says. This is
    "who should hear about it", not an authorization: that is `access.allowed`.
    """
    roles = {Role(role) for role in roles}
    names = {role.value for role in roles}
    if Role.BOARD_MEMBER in roles:
        names.add(Role.BOARD_CHAIR.value)
    holds = Q(groups__name__in=names)
    if Role.ADMINISTRATOR in roles:
        holds |= Q(is_superuser=True)
    people = User.objects.filter(holds, is_active=True)
    if region_id is not None:
        people = people.filter(regions=region_id)
    return people.distinct()


def someone_holds_q(role: str, region: str) -> Q:
    """`people_with_role` for a column of rows, as one SQL condition: an active person holds the role named
    by the field `role` in the region of the field `region` (any region when it is null). A chair counts as
    a board member and a superuser as an administrator. The subqueries do not depend on the row: PostgreSQL
    runs each once per query and hashes it, instead of an EXISTS per row (the dashboard counts tens of
    thousands of escalations at once)."""
    active = User.objects.filter(is_active=True).order_by()
    grouped = active.filter(groups__isnull=False)
    chairs = active.filter(groups__name=Role.BOARD_CHAIR.value)
    superusers = active.filter(is_superuser=True)
    member, administrator = Q(**{role: Role.BOARD_MEMBER.value}), Q(**{role: Role.ADMINISTRATOR.value})
    anywhere = (
        Q(**{f"{role}__in": grouped.values("groups__name")})
        | (member & Exists(chairs))
        | (administrator & Exists(superusers))
    )
    held_there = grouped.filter(regions__isnull=False).annotate(
        held=Concat(F("groups__name"), Value("|"), Cast("regions", CharField()), output_field=CharField())
    )
    key = Concat(F(role), Value("|"), Cast(region, CharField()), output_field=CharField())
    there = (
        Q(In(key, held_there.values("held")))
        | (member & Q(**{f"{region}__in": chairs.filter(regions__isnull=False).values("regions")}))
        | (administrator & Q(**{f"{region}__in": superusers.filter(regions__isnull=False).values("regions")}))
    )
    return (Q(**{f"{region}__isnull": True}) & anywhere) | (Q(**{f"{region}__isnull": False}) & there)


def head_and_count(queryset: QuerySet, size: int = 5) -> dict:
    """A card's first `size` rows and how many there are in all, in one query (a window count).

    For the "N waiting, the first five" cards: the count no longer compiles and runs the card's query twice.
    """
    if queryset.query.distinct:  # a window counts rows before DISTINCT: count them apart
        rows = list(queryset[:size])
        return {"rows": rows, "count": queryset.count() if len(rows) == size else len(rows)}
    rows = list(queryset.annotate(card_total=Window(Count("pk")))[:size])
    return {"rows": rows, "count": rows[0].card_total if rows else 0}


def register_home_card(*, key: str, title: str, roles: set[Role], template: str, order: int = 50):
    """Decorator for `context(user) -> dict`: a card on the home page of each role in `roles`.

    Business apps register theirs in AppConfig.ready(), so the kernel never imports them.
    """

    def decorate(context: Callable[[User], dict]) -> Callable[[User], dict]:
        _home_cards[key] = HomeCard(key, title, frozenset(roles), template, context, order)
        return context

    return decorate


def home_panels(user: User, role: Role) -> dict:
    """What every home page shows: the role's guide, the user's regions and who else works there."""
    regions = (
        access.visible(user, Region)
        .filter(pk__in=access.user_region_ids(user))
        .annotate(people=Count("users", filter=Q(users__is_active=True)))
    )
    colleagues = (
        access.visible(user, User)
        .exclude(pk=user.pk)
        .filter(is_active=True)
        .prefetch_related("groups")
        .order_by("username")[:12]
    )
    cards = sorted(
        (card for card in _home_cards.values() if role in card.roles), key=lambda card: (card.order, card.key)
    )
    panels = {
        "guide": ROLE_GUIDES[role],
        "regions": list(regions),
        "colleagues": list(colleagues),
        "cards": [
            {"key": card.key, "title": card.title, "template": card.template, "data": card.context(user)}
            for card in cards
        ],
    }
    if role in (Role.AUDITOR, Role.ADMINISTRATOR):
        from intimacy_ops.audit import AuditEvent

        panels["recent_events"] = list(access.visible(user, AuditEvent).order_by("-id")[:8])
        actors = {event.actor_username for event in panels["recent_events"] if event.actor_username}
        full = {
            username: f"{first} {last}".strip() or username
            for username, first, last in User.objects.filter(username__in=actors).values_list(
                "username", "first_name", "last_name"
            )
        }
        for event in panels["recent_events"]:  # people by full name
            event.actor_name = full.get(event.actor_username, event.actor_username)
    if role is Role.ADMINISTRATOR:
        from intimacy_ops.health import last_heartbeat

        panels["heartbeat"] = last_heartbeat()
        counts = dict(
            Group.objects.filter(name__in=Role.values)
            .annotate(people=Count("user", filter=Q(user__is_active=True)))
            .values_list("name", "people")
        )
        panels["people_by_role"] = [{"role": r.label, "count": counts.get(r.value, 0)} for r in Role]
    return panels


def roles_held_by_region(roles: set[str]) -> set[tuple[str, str]]:
    """(role, region code) for each of these roles some active person holds in that region, in one query. A
    chair counts as a board member (as `people_with_role` says)."""
    names = set(roles) | ({Role.BOARD_CHAIR.value} if Role.BOARD_MEMBER.value in roles else set())
    held = set(
        User.objects.filter(groups__name__in=names, is_active=True, regions__isnull=False)
        .values_list("groups__name", "regions__code")
        .distinct()
    )
    return held | {(Role.BOARD_MEMBER.value, code) for role, code in held if role == Role.BOARD_CHAIR.value}
