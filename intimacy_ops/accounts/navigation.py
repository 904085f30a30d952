"""The navigation: each role sees only what it may use. Apps add their entries in AppConfig.ready()."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from intimacy_ops.accounts.roles import Role


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url_name: str
    roles: frozenset[Role]  # empty: every signed-in user
    order: int = 100


_items: dict[str, NavItem] = {}


def register(
    *, key: str, label: str, url_name: str, roles: set[Role] | None = None, order: int = 100
) -> None:
    _items[key] = NavItem(key=key, label=label, url_name=url_name, roles=frozenset(roles or ()), order=order)


def items_for(user) -> list[dict]:
    if not user.is_authenticated:
        return []
    shown = []
    for item in sorted(_items.values(), key=lambda item: (item.order, item.label)):
        if item.roles and not user.roles.intersection(item.roles):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        shown.append({"key": item.key, "label": item.label, "url": url})
    return shown


def active_key(path: str, items: list[dict]) -> str | None:
    """The entry the page belongs to: the longest matching prefix; Home only for `/` and the role homes."""
    if path == "/" or path.startswith("/home/"):
        return "home"
    matches = [item for item in items if item["url"] != "/" and path.startswith(item["url"])]
    return max(matches, key=lambda item: len(item["url"]))["key"] if matches else None


def navigation(request) -> dict:
    """Template context: the navigation, the user's roles and regions, the version."""
    from django.conf import settings

    user = request.user
    # Every name base.html reads has a value here (the search page sets its own `search_q`): a name missing
    # from the context makes Django log the whole context at DEBUG, sensitive values included.
    context = {
        "app_version": settings.VERSION,
        "nav_items": [],
        "nav_active": "",
        "user_regions": [],
        "user_roles": [],
        "search_q": "",
    }
    if user.is_authenticated:
        context["nav_items"] = items_for(user)
        context["user_regions"] = [region.code for region in user.region_list]
        context["user_roles"] = sorted(role.label for role in user.roles)
        path = request.path
        context["nav_active"] = active_key(path, context["nav_items"])
        from intimacy_ops.notifications import unread_count

        context["unread_notifications"] = unread_count(user)
    return context


register(key="home", label="Home", url_name="home", order=0)
register(
    key="audit",
    label="Audit trail",
    url_name="audit-trail",
    roles={Role.AUDITOR, Role.ADMINISTRATOR},
    order=900,
)
register(
    key="checks",
    label="Checks",
    url_name="checks",
    roles={Role.OPERATIONS_LEAD, Role.ADMINISTRATOR},
    order=920,
)
# The API's documentation is for integrators: the administrator's menu and every page's footer, not each role's menu.
register(key="api", label="API", url_name="api-docs", roles={Role.ADMINISTRATOR}, order=950)
register(key="admin", label="Admin", url_name="admin:index", roles={Role.ADMINISTRATOR}, order=990)
