"""Escalations always reach someone (issue 17, item 8).

- `fall_through(ladder, level, region_id)`: a rung whose role nobody (active) holds in the escalation's region
  falls through to the next rung, and past the top to the administrators (everyone's last resort). The
  services call it when an escalation is raised and each time it climbs.
- `register_ladders(source, ladders)`: apps declare the ladders their checks climb (`ladders()` returns
  `[(label, [rung, …]), …]`), from their `checks` modules; the kernel names no business model.
- `gaps()`: each region and role some ladder names that nobody holds there, with the ladders that fall
  through ("AMER has no operations lead: 3 ladders fall through"), for the checks page and the
  administrators' home.
"""

from collections.abc import Callable
from dataclasses import dataclass

from intimacy_ops.accounts.models import Region
from intimacy_ops.accounts.roles import Role
from intimacy_ops.accounts.selectors import people_with_role, roles_held_by_region

ADMINISTRATOR = Role.ADMINISTRATOR.value
_sources: dict[str, Callable[[], list[tuple[str, list[dict]]]]] = {}


def _holds(role: str, region_id: int | None, cache: dict) -> bool:
    key = (role, None if role == ADMINISTRATOR else region_id)
    if key not in cache:
        try:
            cache[key] = people_with_role(role, region_id=key[1]).exists()
        except ValueError:  # not a role anyone can hold
            cache[key] = False
    return cache[key]


def fall_through(
    ladder: list[dict], level: int, region_id: int | None, *, default: str, cache: dict | None = None
) -> tuple[int, str, list[str]]:
    """(level, role, roles skipped): the first rung from `level` on whose role someone holds in the region;
    past the top, the administrators (at the top level). An empty ladder has one rung, `default`."""
    cache = {} if cache is None else cache
    rungs = ladder or [{"role": default}]
    skipped: list[str] = []
    for index in range(level - 1, len(rungs)):
        role = rungs[index]["role"]
        if _holds(role, region_id, cache):
            return index + 1, role, skipped
        skipped.append(role)
    return max(level, len(ladder)), ADMINISTRATOR, skipped


def register_ladders(source: str, ladders: Callable[[], list[tuple[str, list[dict]]]]) -> None:
    """An app's checks climb these ladders: `ladders()` → [(label, rungs)], read when gaps are listed."""
    _sources[source] = ladders


@dataclass(frozen=True)
class Gap:
    region: str
    role: str
    ladders: list[str]

    @property
    def text(self) -> str:
        count = len(self.ladders)
        return f"{self.region} has no {self.role}: {count} ladder{'s' if count != 1 else ''} fall{'' if count != 1 else 's'} through"


def gaps() -> list[Gap]:
    """Per region and role named by a registered ladder (administrators aside), when nobody active holds it
    there: the ladders that fall through. Two queries, whatever the number of ladders and regions."""
    ladders = [(label, rungs) for source in _sources.values() for label, rungs in source()]
    roles = sorted({rung["role"] for _, rungs in ladders for rung in rungs} - {ADMINISTRATOR})
    if not roles:
        return []
    held = roles_held_by_region(set(roles))
    found = []
    for code in Region.objects.order_by("code").values_list("code", flat=True):
        for role in roles:
            if (role, code) not in held:
                through = [label for label, rungs in ladders if any(rung["role"] == role for rung in rungs)]
                found.append(Gap(code, role, through))
    return found
