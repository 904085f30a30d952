"""The navigation: each role sees only what it may use. Apps add their entries in AppConfig.ready()."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, get_resolver, get_script_prefix, get_urlconf, reverse
from django.utils.functional import SimpleLazyObject

from intimacy_ops.accounts.roles import Role


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url_name: str
    roles: frozenset[Role]  # empty: every signed-in user
    order: int = 100
    group: str = ""  # a menu's key (register_group): shown inside that menu


_items: dict[str, NavItem] = {}
_groups: dict[str, tuple[str, int]] = {}  # key -> (label, order)
# What the top bar shows a set of roles, and the layout's own links, reversed once per process (a dozen
# `reverse` calls a page): keyed by roles, URL prefix and URL conf; emptied when an entry is registered or
# the URL conf is another (a test's `override_settings(ROOT_URLCONF=…)`).
_reversed: dict = {}
LAYOUT_LINKS = {
    "home": "home",
    "search": "search:results",
    "profile": "accounts:profile",
    "notifications": "notifications",
    "logout": "accounts:logout",
    "api_docs": "api-docs",
    "healthz": "healthz",
}


def register(
    *,
    key: str,
    label: str,
    url_name: str,
    roles: set[Role] | None = None,
    order: int = 100,
    group: str = "",
) -> None:
    _items[key] = NavItem(
        key=key, label=label, url_name=url_name, roles=frozenset(roles or ()), order=order, group=group
    )
    _reversed.clear()


def register_group(*, key: str, label: str, order: int) -> None:
    """A menu in the top bar at `order`: the entries registered with `group=key` open from it. A user who may
    use only one of them sees that one as a plain link."""
    _groups[key] = (label, order)
    _reversed.clear()


def _place(item: NavItem) -> tuple:
    """Entries by order, those of a menu together at the menu's order (then by their own)."""
    if item.group in _groups:
        return (_groups[item.group][1], item.group, item.order, item.label)
    return (item.order, "", 0, item.label)


def items_for(user) -> list[dict]:
    if not user.is_authenticated:
        return []
    key = ("items", user.roles)
    shown = _once(key, lambda: _items_for(user.roles))
    return [dict(item) for item in shown]


def _items_for(roles: frozenset[Role]) -> list[dict]:
    shown = []
    for item in sorted(_items.values(), key=_place):
        if item.roles and not roles.intersection(item.roles):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        shown.append({"key": item.key, "label": item.label, "url": url, "group": item.group})
    return shown


def layout_links() -> dict[str, str]:
    """The URLs base.html links to on every page (home, search, profile, notifications, sign-out, footer)."""
    return _once(("links",), lambda: {name: reverse(url_name) for name, url_name in LAYOUT_LINKS.items()})


def _once(key: tuple, compute):
    """`compute()` once per URL conf and prefix (URLs do not change while a process runs)."""
    resolver = get_resolver(get_urlconf())
    if _reversed.get("resolver") is not resolver:
        _reversed.clear()
        _reversed["resolver"] = resolver
    key = (*key, get_script_prefix())
    value = _reversed.get(key)
    if value is None:  # (a thread emptying the cache meanwhile costs the next page a recomputation, no error)
        value = _reversed[key] = compute()
    return value


def entries(items: list[dict], active: str | None) -> list[dict]:
    """The top bar's entries: the flat `items`, those of a menu gathered under it (at the menu's order, which
    is marked active when one of its entries is)."""
    menus: dict[str, list[dict]] = {}
    for item in items:
        if item["group"] in _groups:
            menus.setdefault(item["group"], []).append(item)
    placed: set[str] = set()
    out = []
    for item in items:
        children = menus.get(item["group"], [])
        if len(children) < 2:
            out.append(item)
        elif item["group"] not in placed:
            placed.add(item["group"])
            label = _groups[item["group"]][0]
            current = any(child["key"] == active for child in children)
            out.append({"key": item["group"], "label": label, "children": children, "current": current})
    return out


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
        "nav_entries": [],
        "user_regions": [],
        "user_roles": [],
        "search_q": "",
        "layout_links": SimpleLazyObject(layout_links),  # reversed when a page draws them
    }
    if user.is_authenticated:
        context["nav_items"] = items_for(user)
        context["user_regions"] = [region.code for region in user.region_list]
        context["user_roles"] = sorted(role.label for role in user.roles)
        path = request.path
        context["nav_active"] = active_key(path, context["nav_items"])
        context["nav_entries"] = entries(context["nav_items"], context["nav_active"])
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
