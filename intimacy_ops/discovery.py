"""Wiring by convention: each app contributes to the kernel through modules with fixed names.

As Django admin finds every app's `admin.py`, the kernel imports, once at start-up, each of these
modules that an installed app (or a kernel part such as `intimacy_ops.escalations`) has. Importing
is all it takes: the module registers its rules, tables, checks, entries, cards, panels, declarations
or seeds with the kernel registry it uses. Nothing is imported by hand in an AppConfig.ready().
"""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps

# The names a contribution module may have (STYLE.md, "The rooms"); order does not matter.
CONTRIBUTIONS = (
    "access_rules",
    "lifecycles",
    "checks",
    "navigation",
    "home_cards",
    "dashboard",
    "privacy",
    "demo",
    "imports",
    "search",
    "conversation",
    "holds",
)

# Parts of the kernel that are packages of intimacy_ops rather than apps of their own.
KERNEL_PARTS = (
    "intimacy_ops.audit",
    "intimacy_ops.dashboard",
    "intimacy_ops.escalations",
    "intimacy_ops.notifications",
    "intimacy_ops.saved_views",
)


def _packages() -> list[str]:
    return [config.name for config in apps.get_app_configs()] + list(KERNEL_PARTS)


def contribution_modules() -> list[str]:
    """Every contribution module that exists, by dotted name (what `autodiscover` imports)."""
    found = []
    for package in _packages():
        for name in CONTRIBUTIONS:
            dotted = f"{package}.{name}"
            if find_spec(dotted) is not None:
                found.append(dotted)
    return found


def autodiscover() -> None:
    for dotted in contribution_modules():
        import_module(dotted)
