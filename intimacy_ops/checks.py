"""The registry of periodic checks: each app registers its checks in AppConfig.ready().

Beat runs each on its schedule through the `intimacy_ops.run_check` task; `python manage.py
run_checks` runs them all once, synchronously. A check returns one line saying what it did and
must be idempotent and safe to run twice at once.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Check:
    name: str
    func: Callable[[], str]
    every_seconds: int
    description: str


_registry: dict[str, Check] = {}


def register(
    *, name: str, every_seconds: int, description: str
) -> Callable[[Callable[[], str]], Callable[[], str]]:
    """Decorator: add a function to the periodic checks under `name`."""

    def decorate(func: Callable[[], str]) -> Callable[[], str]:
        _registry[name] = Check(name=name, func=func, every_seconds=every_seconds, description=description)
        return func

    return decorate


def registered() -> list[Check]:
    return sorted(_registry.values(), key=lambda check: check.name)


def get(name: str) -> Check:
    try:
        return _registry[name]
    except KeyError:
        raise LookupError(
            f"No periodic check named {name!r}; known: {', '.join(sorted(_registry))}"
        ) from None


def run(name: str) -> str:
    return get(name).func()
