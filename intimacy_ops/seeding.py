"""The demo data registry: `seed_demo` runs the kernel's seed, then each app's, in order.

Every seed function must be idempotent: running it twice changes nothing, and it never resets
what a person changed since (a password, a name).
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Seed:
    name: str
    order: int
    func: Callable[[], str]


_seeds: dict[str, Seed] = {}


def register(*, name: str, order: int) -> Callable[[Callable[[], str]], Callable[[], str]]:
    def decorate(func: Callable[[], str]) -> Callable[[], str]:
        _seeds[name] = Seed(name=name, order=order, func=func)
        return func

    return decorate


def registered() -> list[Seed]:
    return sorted(_seeds.values(), key=lambda seed: (seed.order, seed.name))
