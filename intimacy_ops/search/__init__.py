"""The global search of the top bar (`/search/?q=`): a registry of kinds that apps contribute from their
`search.py` (found at start-up by `intimacy_ops.discovery`, like `navigation.py`). It names no business model.

An app registers a `Kind`: the model, the text fields matched (case-insensitive `icontains`, related fields
through `__` allowed), whether a number (`#123`, `123`) names a row by id, how a row reads as a hit (title,
link, a line under it), its order, and optionally the list that shows every match for the same `q`.

The kernel, not the app, builds each kind's query: it starts from `access.visible(user, model)` (a hit is
never a row the user may not open), and a field that privacy declares sensitive (`intimacy_ops.sensitive`,
on the model or on a related model reached through `__`) is refused at registration — sensitive values are
never searchable, whoever searches. One query per kind: the first rows and the total in one SELECT (a
window count), so the page costs the same whatever the tables hold.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db.models import Count, Model, Q, QuerySet, Window

from intimacy_ops import access, sensitive

MIN_LENGTH = 2  # shorter, nothing is run: one letter matches half the tables
MAX_LENGTH = 100  # longer is cut (the lists' search boxes take as much)
PER_KIND = 5  # hits shown per kind; the rest behind "show all in …"

NUMBER = re.compile(r"^#?\s*(\d{1,9})$")


@dataclass(frozen=True)
class Hit:
    title: str
    url: str
    meta: str = ""  # a line under the title: region, status, number…


@dataclass(frozen=True)
class Kind:
    key: str  # e.g. "customers": the group's anchor and test id
    label: str  # "Customers": the group's heading
    model: type[Model]
    fields: tuple[str, ...]  # matched with icontains; never a sensitive field
    hit: Callable[[Model], Hit]
    order: int = 100
    hint: str = ""  # what it is found by, for the empty page: "by name or external id"
    by_number: bool = False  # "#123" or "123" finds the row with that id
    prepare: Callable[[QuerySet], QuerySet] = lambda rows: rows  # select_related / only / ordering
    list_label: str = ""  # "the customer list": where "show all" leads
    list_url: Callable[[str], str] | None = None  # q -> that list filtered by the same search


@dataclass
class Group:
    kind: Kind
    hits: list[Hit]
    total: int
    more_url: str | None = field(default=None)

    @property
    def more(self) -> int:
        return self.total - len(self.hits)


_kinds: dict[str, Kind] = {}


def _field_model(model: type[Model], path: str) -> tuple[type[Model], str]:
    """The model holding the last field of `customer__name`, and that field's name (refuses an unknown one)."""
    *relations, name = path.split("__")
    for relation in relations:
        try:
            model = model._meta.get_field(relation).related_model
        except FieldDoesNotExist as missing:
            raise ImproperlyConfigured(f"search: {model.__name__} has no {relation} ({path})") from missing
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist as missing:
        raise ImproperlyConfigured(f"search: {model.__name__} has no field {name} ({path})") from missing
    return model, name


def unsearchable(model: type[Model], path: str) -> bool:
    """True if `path` (from `model`) ends on a field privacy declares sensitive: never searched."""
    holder, name = _field_model(model, path)
    return sensitive.is_sensitive(holder, name)


def check(kind: Kind) -> None:
    """Refuse a kind that matches nothing, names an unknown field or a sensitive one."""
    if not kind.fields and not kind.by_number:
        raise ImproperlyConfigured(f"search: kind {kind.key} matches nothing")
    refused = [path for path in kind.fields if unsearchable(kind.model, path)]
    if refused:
        raise ImproperlyConfigured(f"search: kind {kind.key} may not search sensitive fields: {refused}")


def register(kind: Kind) -> Kind:
    _kinds[kind.key] = kind
    return kind


def kinds() -> list[Kind]:
    """The registered kinds in order, each checked again on every use: privacy's declarations are
    discovered alongside, so a field declared sensitive after its kind registered is still refused."""
    ordered = sorted(_kinds.values(), key=lambda kind: (kind.order, kind.key))
    for kind in ordered:
        check(kind)
    return ordered


def clean(raw: str | None) -> tuple[str, bool]:
    """The query as searched (whitespace squeezed, cut to MAX_LENGTH) and whether it was cut."""
    text = " ".join((raw or "").split())
    return text[:MAX_LENGTH].strip(), len(text) > MAX_LENGTH


def condition(fields: tuple[str, ...], text: str, *, by_number: bool = False) -> Q | None:
    """What matches `text`: any of `fields` containing it (case-insensitive), or the id it names (`#123`).
    A list that offers `?q=` filters with it, so "show all in …" lists what the search counted."""
    matches = Q()
    for path in fields:
        matches |= Q(**{f"{path}__icontains": text})
    number = NUMBER.match(text)
    if by_number and number:
        matches |= Q(pk=int(number.group(1)))
    return matches or None


def _matches(kind: Kind, text: str) -> Q | None:
    return condition(kind.fields, text, by_number=kind.by_number)


def rows(user, kind: Kind, text: str) -> QuerySet:
    """Every row of `kind` the user may see that matches `text` (the kernel's query: scope first)."""
    condition = _matches(kind, text)
    scoped = access.visible(user, kind.model)
    return scoped.filter(condition) if condition is not None else scoped.none()


def search(user, text: str, *, per_kind: int = PER_KIND) -> list[Group]:
    """The groups with at least one hit, in order: one query per kind (its first rows and its total)."""
    groups = []
    for kind in kinds():
        found = list(
            kind.prepare(rows(user, kind, text)).annotate(_search_total=Window(Count("pk")))[:per_kind]
        )
        if not found:
            continue
        total = found[0]._search_total
        more_url = kind.list_url(text) if kind.list_url and total > len(found) else None
        groups.append(Group(kind=kind, hits=[kind.hit(row) for row in found], total=total, more_url=more_url))
    return groups
