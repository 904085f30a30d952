"""Sensitive fields: the one place that decides whether a value is shown or masked, and logs the look.

Each sensitive field is declared once with its tier (`FIELDS`). Whether a user reads a value:

1. the tier is public or internal: everyone who sees the record reads it;
2. the user's role clears the tier on every record (`ROLE_CLEARANCE`; DESIGN.md gives no role
   confidential or restricted data across the board, so nobody today);
3. the user owns the record and their role clears owners (`OWNER_CLEARANCE`: an account manager
   reads everything of their own accounts) — purpose "own account";
4. an active object-level grant (django-guardian, time-limited, purpose stated) or an open
   break-glass session gives the user that record — purpose "grant: …" or "break-glass".

Anything else reads `MASK`. Administrators, data stewards, auditors, operations leads, board
members and process owners are masked unless (4) — a superuser is no exception.

The app that owns a sensitive model declares it in its `privacy.py` (`privacy.declare.subject`):
its fields' tiers (`declare_fields`) and who owns a record; the privacy part then registers it
here as a *subject* (`register_subject`): how to find the user's active grants for some records
in one query, and how to write access-log rows. The kernel imports no business app.

Every unmasked confidential or restricted value is recorded: `show()` notes (user, record,
field, purpose) in the current *recording* — one per request (`AccessLogMiddleware`), or one
opened by hand with `recording(channel=EXPORT)` for exports and tasks — and the recording is
flushed as ONE access-log row per record per response, listing the fields, in ONE bulk insert.
A list of 50 unmasked customers is 50 rows written by one INSERT; a detail page is one row.
"""

import contextvars
from collections.abc import Callable, Iterable, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db.models import EmailField, Model
from django.utils import timezone

from intimacy_ops import errors
from intimacy_ops.accounts.roles import Role

MASK = "***"

PUBLIC, INTERNAL, CONFIDENTIAL, RESTRICTED = "public", "internal", "confidential", "restricted"
TIERS = (PUBLIC, INTERNAL, CONFIDENTIAL, RESTRICTED)
SENSITIVE_TIERS = frozenset({CONFIDENTIAL, RESTRICTED})

# Channels of the access log: where the value was shown.
PAGE, API, EXPORT, CUSTOMER_LINK = "page", "api", "export", "customer_link"
CHANNELS = ((PAGE, "Page"), (API, "API"), (EXPORT, "Export"), (CUSTOMER_LINK, "Shared link"))

# Purposes written to the access log.
OWN_ACCOUNT = "own account"
BREAK_GLASS = "break-glass"
GRANT_PREFIX = "grant: "

# (app_label.model, field) → tier, declared by the app that owns the model (its `privacy.py`, through
# `privacy.declare.subject` → `declare_fields`). Fields not listed are internal.
FIELDS: dict[tuple[str, str], str] = {}

_NON_SENSITIVE = frozenset({PUBLIC, INTERNAL})
_ALL = frozenset(TIERS)

# Tiers a role reads on every record in its scope (DESIGN.md, roles table).
ROLE_CLEARANCE: dict[Role, frozenset[str]] = {
    Role.ACCOUNT_MANAGER: _NON_SENSITIVE,  # other customers' sensitive fields masked
    Role.PROCESS_OWNER: _NON_SENSITIVE,
    Role.BOARD_MEMBER: _NON_SENSITIVE,  # "sensitive customer fields masked"
    Role.BOARD_CHAIR: _NON_SENSITIVE,
    Role.OPERATIONS_LEAD: _NON_SENSITIVE,  # "sensitive fields masked unless granted"
    Role.DATA_STEWARD: _NON_SENSITIVE,  # "sensitive data only through a logged, justified grant"
    Role.AUDITOR: _NON_SENSITIVE,  # "everything non-sensitive"
    Role.ADMINISTRATOR: _NON_SENSITIVE,  # configuration, not customer data: masked unless granted
}

# Tiers a role reads on the records it owns ("their own accounts in full").
OWNER_CLEARANCE: dict[Role, frozenset[str]] = {Role.ACCOUNT_MANAGER: _ALL}


# --- subjects: the models whose records carry sensitive fields --------------------------------------


@dataclass(frozen=True)
class AccessRow:
    """One access-log row to write: this user saw these fields of this record."""

    user: object
    object_id: int
    fields: list[str]
    purpose: str
    channel: str
    at: object


@dataclass(frozen=True)
class Subject:
    label: str
    owner_field: str  # attribute holding the owning user's id, e.g. "account_manager_id"
    # (user, ids) → {id: purpose} of the records an active grant or break-glass opens to the user
    active_access: Callable[[object, list[int]], dict[int, str]]
    # rows → written in one bulk insert
    write_log: Callable[[list[AccessRow]], None]


_subjects: dict[str, Subject] = {}


def register_subject(
    model: type[Model],
    *,
    owner_field: str,
    active_access: Callable[[object, list[int]], dict[int, str]],
    write_log: Callable[[list[AccessRow]], None],
) -> None:
    """How to decide and log access to `model`'s records (the privacy part registers every declared subject)."""
    label = model._meta.label_lower
    _subjects[label] = Subject(label, owner_field, active_access, write_log)


def declare_fields(model: type[Model], fields: Mapping[str, str]) -> None:
    """The classification of `model`'s sensitive fields: {field: tier}; the owning app declares it."""
    label = model._meta.label_lower
    for name, level in fields.items():
        if level not in TIERS:
            raise ValueError(f"{label}.{name}: no tier {level!r} (known: {', '.join(TIERS)})")
        model._meta.get_field(name)  # a typo fails at start-up, not as an unmasked value
        FIELDS[(label, name)] = level


def _subject(obj_or_model) -> Subject | None:
    return _subjects.get(obj_or_model._meta.label_lower)


# Parts of a subject: records about it carrying its sensitive data (a feedback item's text), decided by the
# subject's owner and grants and logged as the subject's "<model>.<field>". label → attribute holding it.
_parts: dict[str, str] = {}


def register_part(model: type[Model], *, holder: str) -> None:
    _parts[model._meta.label_lower] = holder


def _holder(obj):
    return getattr(obj, _parts[obj._meta.label_lower]) if obj._meta.label_lower in _parts else obj


# --- classification ----------------------------------------------------------------------------------


def tier(obj_or_model, field_name: str) -> str:
    return FIELDS.get((obj_or_model._meta.label_lower, field_name), INTERNAL)


def is_sensitive(obj_or_model, field_name: str) -> bool:
    return tier(obj_or_model, field_name) in SENSITIVE_TIERS


def sensitive_fields(obj_or_model) -> list[str]:
    label = obj_or_model._meta.label_lower
    return [name for (model, name), level in FIELDS.items() if model == label and level in SENSITIVE_TIERS]


def _active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def role_clears(user, level: str) -> bool:
    """Does the user's role alone clear `level` on every record in their scope?"""
    if level not in SENSITIVE_TIERS:
        return True
    if not _active(user):
        return False
    return any(level in ROLE_CLEARANCE.get(role, _NON_SENSITIVE) for role in user.roles)


def _owner_clears(user, obj, level: str, subject: Subject | None) -> bool:
    if subject is None:
        return False
    owner_id = getattr(obj, subject.owner_field, None)
    if owner_id is None or owner_id != user.pk:
        return False
    return any(level in OWNER_CLEARANCE.get(role, frozenset()) for role in user.roles)


# --- the recording: what one response showed ---------------------------------------------------------


@dataclass
class Recording:
    channel: str
    # (user id, label, pk) → purpose or None (no grant): a per-response cache of the grant lookups
    access: dict[tuple[int, str, int], str | None] = field(default_factory=dict)
    # (user id, label, pk) → (user, purpose, fields)
    shown: dict[tuple[int, str, int], tuple[object, str, set[str]]] = field(default_factory=dict)

    def note(self, user, obj, field_name: str, purpose: str) -> None:
        key = (user.pk, obj._meta.label_lower, obj.pk)
        entry = self.shown.setdefault(key, (user, purpose, set()))
        entry[2].add(field_name)

    def flush(self) -> int:
        """Write one access-log row per record shown, one bulk insert per subject; returns rows written."""
        if not self.shown:
            return 0
        at = timezone.now()
        by_label: dict[str, list[AccessRow]] = {}
        for (_user_id, label, pk), (user, purpose, fields) in self.shown.items():
            by_label.setdefault(label, []).append(
                AccessRow(
                    user=user,
                    object_id=pk,
                    fields=sorted(fields),
                    purpose=purpose,
                    channel=self.channel,
                    at=at,
                )
            )
        self.shown = {}
        written = 0
        for label, rows in by_label.items():
            _subjects[label].write_log(rows)
            written += len(rows)
        return written


_recording: contextvars.ContextVar[Recording | None] = contextvars.ContextVar(
    "sensitive_recording", default=None
)


@contextmanager
def recording(*, channel: str):
    """Record what is shown inside the block and write the access log when it ends (exports, tasks)."""
    current = Recording(channel=channel)
    token = _recording.set(current)
    try:
        yield current
        current.flush()
    finally:
        _recording.reset(token)


def flush() -> int:
    """Write what the current recording has noted so far (a streaming export calls this per chunk)."""
    current = _recording.get()
    return current.flush() if current is not None else 0


class AccessLogMiddleware:
    """Opens one recording per request (channel api under /api/, page otherwise) and writes it at the end."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        channel = API if request.path.startswith("/api/") else PAGE
        current = Recording(channel=channel)
        token = _recording.set(current)
        try:
            response = self.get_response(request)
            current.flush()
        finally:
            _recording.reset(token)
        return response


# --- deciding and showing -----------------------------------------------------------------------------


def prime(user, objects: Iterable[Model]) -> None:
    """Look up the user's grants for many records in one query (lists), so `show` asks nothing more."""
    current = _recording.get()
    if current is None or not _active(user):
        return
    pending: dict[str, list[int]] = {}
    for obj in map(_holder, objects):
        subject = _subject(obj)
        if subject is None or obj.pk is None:
            continue
        key = (user.pk, subject.label, obj.pk)
        if key in current.access or _owner_clears(user, obj, RESTRICTED, subject):
            continue
        pending.setdefault(subject.label, []).append(obj.pk)
    for label, ids in pending.items():
        found = _subjects[label].active_access(user, ids)
        for pk in ids:
            current.access[(user.pk, label, pk)] = found.get(pk)


def _granted_purpose(user, obj, subject: Subject) -> str | None:
    current = _recording.get()
    key = (user.pk, subject.label, obj.pk)
    if current is not None and key in current.access:
        return current.access[key]
    purpose = subject.active_access(user, [obj.pk]).get(obj.pk)
    if current is not None:
        current.access[key] = purpose
    return purpose


def purpose(user, obj: Model, field_name: str) -> str | None:
    """Why this user may read this field of this record ("own account", "grant: …", "break-glass",
    "role"), or None when it is masked to them. Non-sensitive fields: "not sensitive"."""
    level = tier(obj, field_name)
    if level not in SENSITIVE_TIERS:
        return "not sensitive"
    if not _active(user):
        return None
    if role_clears(user, level):
        return "role"
    obj = _holder(obj)
    subject = _subject(obj)
    if _owner_clears(user, obj, level, subject):
        return OWN_ACCOUNT
    if subject is None or obj.pk is None:
        return None
    return _granted_purpose(user, obj, subject)


def may_see(user, obj: Model, field_name: str) -> bool:
    return purpose(user, obj, field_name) is not None


def show(user, obj: Model, field_name: str):
    """The value of `field_name` for this user: the value itself (logged if sensitive), or the mask."""
    return reveal(user, obj, field_name, getattr(obj, field_name))


def reveal(user, obj: Model, field_name: str, value):
    """`value`, a copy of `obj`'s `field_name` kept elsewhere (a rejected import row), decided and logged as
    `show` decides and logs the field itself: the value, or the mask."""
    why = purpose(user, obj, field_name)
    if why is None:
        return MASK
    if why != "not sensitive":
        record = _holder(obj)
        if record is not obj:
            obj, field_name = record, f"{obj._meta.model_name}.{field_name}"
        current = _recording.get()
        if current is not None:
            current.note(user, obj, field_name, why)
        else:
            # Nobody opened a recording (a shell, a task that forgot): log this look on its own.
            with recording(channel=EXPORT) as alone:
                alone.note(user, obj, field_name, why)
    return value


def masked_dict(user, obj: Model, data: dict) -> dict:
    """`data` (a serializer's or an export's row for `obj`) with every sensitive key shown or masked."""
    for name in sensitive_fields(obj):
        if name in data:
            data[name] = show(user, obj, name)
    return data


# --- queries that would reveal a masked value ---------------------------------------------------------


def refuse_masked_query(
    user,
    model: type[Model],
    params: Mapping[str, str],
    *,
    ordering_param: str = "ordering",
    search_param: str = "search",
) -> None:
    """400 if the query filters, orders or searches by a sensitive field the user's role does not clear
    on every row: the order or the matches would reveal masked values. Grants and own accounts clear
    single records, never a whole list, so only a role clearance counts here (today: nobody)."""
    blocked = {name for name in sensitive_fields(model) if not role_clears(user, tier(model, name))}
    if not blocked:
        return
    problems: dict[str, list[str]] = {}
    for key in params:
        if key.split("__", 1)[0] in blocked:
            problems[key] = [
                f"{key.split('__', 1)[0]} is {tier(model, key.split('__', 1)[0])}: you may not filter by it."
            ]
    for term in _values(params, ordering_param):
        for item in term.split(","):
            name = item.strip().lstrip("-").split("__", 1)[0]
            if name in blocked:
                problems.setdefault(ordering_param, []).append(
                    f"{name} is {tier(model, name)}: you may not sort by it."
                )
    emails = [name for name in blocked if isinstance(model._meta.get_field(name), EmailField)]
    if emails and any("@" in term for term in _values(params, search_param)):
        # E-mail fields are never searchable; an address in the search box is an attempt to search by one.
        problems.setdefault(search_param, []).append(
            f"{emails[0]} is {tier(model, emails[0])}: you may not search by an e-mail address."
        )
    if problems:
        raise errors.ValidationFailed(
            problems, message="You may not filter, sort or search by a masked field."
        )


def _values(params, key: str) -> list[str]:
    if hasattr(params, "getlist"):
        return [value for value in params.getlist(key) if value]
    value = params.get(key)
    return [value] if value else []
