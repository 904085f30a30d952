"""The lifecycle engine: a stateful model's lifecycle is a table, and one function applies its rows.

Each app declares its tables in its `lifecycles.py` (discovered at start-up, like `admin.py`):

    lifecycle.register(
        Ticket,                              # the app's model; the kernel never names one
        rows=[
            lifecycle.Row("close", {"open"}, "closed", lifecycle.Who("its owner", rule="close")),
            lifecycle.Row("reopen", {"closed"}, "open", lifecycle.system_only(), event="reopened"),
        ],
        verb="ticket",                       # audit verbs: ticket.close, ticket.reopened
    )

A row is (action, from, to, who, label). *Who* says who may take it, by authority:
- person: a signed-in user; the engine asks `access.allowed(actor, who.rule, obj)` (the object's scope,
  then the rule in the app's access_rules.py: a refusal's reason is the rule's);
- board: a change-control board's decision recorded by a service (its chair is the actor);
- system: a check, a hook or another service acting on its own (no actor is recorded).
A `Who` accepts a person through its rule, a board or the system through `board`/`system` (True, False,
or a predicate of the object); `text` is its one line in `manage.py lifecycles`.

`apply(obj, action, actor=…, authority=…, comment=…)` is the one place such a model changes state:
1. *from*: the object's state (`state(obj)`, the `status` field by default) must be one of the row's
   sources, else `TransitionNotAllowed` (409) naming the actions the table allows now;
2. *who*: else `PermissionDenied` (403) with the rule's reason;
3. sets the state (`enter(obj, row, at)`; by default `status` and `status_changed_at` if the model has it);
4. writes the model's transition row if the table has a `log`; a model without one keeps its history in
   the audit trail alone (step 5 records from, to, authority, actor, time and comment);
5. writes the audit event `<verb>.<event>` (the row's event, by default its action);
6. runs the table's `after` hooks in the transaction (notification rows, counters) and schedules its
   `on_commit` hooks (and the caller's) on commit, so a task never sees a change that was rolled back.
Call it inside the service's transaction, on a row the service locked. `check()` is steps 1–2 alone;
`actions_for(actor, obj)` is a page's buttons; `require_state(obj, doing, states)` is the 409 of an act
within a state. A delegate's act (the rule's Decision names `on_behalf_of`) is logged and audited as such.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from intimacy_ops import access, audit, errors

PERSON, BOARD, SYSTEM = "person", "board", "system"
AUTHORITIES = (PERSON, BOARD, SYSTEM)

AUTOMATIC = "This step happens automatically; nobody takes it by hand."


@dataclass(frozen=True)
class Who:
    """Who may take a row: a person whom the access rule `rule` allows, a board's decision, the system."""

    text: str
    rule: str | None = None
    board: "bool | Callable[[Model], bool]" = False
    system: "bool | Callable[[Model], bool]" = False
    # Why a board or the system is refused (a person's reason is the rule's); a text or a function of obj.
    refusal: "str | Callable[[Model], str]" = AUTOMATIC

    def accepts(self, authority: str, obj: Model) -> bool:
        allowed = {BOARD: self.board, SYSTEM: self.system}.get(authority, False)
        return bool(allowed(obj) if callable(allowed) else allowed)

    def refused(self, obj: Model) -> access.Decision:
        return access.Decision(False, self.refusal(obj) if callable(self.refusal) else self.refusal)


def system_only(text: str = "system", refusal: str = AUTOMATIC) -> Who:
    return Who(text=text, system=True, refusal=refusal)


@dataclass(frozen=True)
class Row:
    action: str
    sources: frozenset[str]
    target: str
    who: Who
    label: str = ""
    event: str = ""

    def __init__(
        self, action: str, sources: Iterable[str], target: str, who: Who, label: str = "", *, event: str = ""
    ):
        """`label`: the button's text; `event`: the audit verb's second half (default: the action)."""
        object.__setattr__(self, "action", action)
        object.__setattr__(self, "sources", frozenset(sources))
        object.__setattr__(self, "target", target)
        object.__setattr__(self, "who", who)
        object.__setattr__(self, "label", label or action.replace("_", " ").capitalize())
        object.__setattr__(self, "event", event or action)


def _status(obj: Model) -> str:
    return obj.status


def _set_status(obj: Model, row: Row, at) -> None:
    obj.status = row.target
    fields = ["status"]
    if hasattr(obj, "status_changed_at"):
        obj.status_changed_at = at
        fields.append("status_changed_at")
    obj.save(update_fields=fields + [name for name in ("updated_at",) if hasattr(obj, name)])


@dataclass
class Table:
    model: type[Model]
    rows: dict[str, Row]
    verb: str
    state: Callable[[Model], str] = _status
    enter: Callable[[Model, Row, object], dict | None] = _set_status
    log: Callable[..., object] | None = None
    after: list[Callable[..., None]] = field(default_factory=list)
    on_commit: list[Callable[..., None]] = field(default_factory=list)
    log_many: Callable[..., list] | None = None
    after_many: list[Callable[..., None]] = field(default_factory=list)
    states: tuple[str, ...] = ()
    note: str = ""
    explain: Callable[[Model, str, str], str] | None = None

    def actions_from(self, state: str) -> list[str]:
        """Every action the table allows in this state, whoever takes it."""
        return sorted(action for action, row in self.rows.items() if state in row.sources)


_tables: dict[type[Model], Table] = {}


def register(
    model: type[Model],
    *,
    rows: Iterable[Row],
    verb: str,
    state: Callable[[Model], str] | None = None,
    enter: Callable[[Model, Row, object], dict | None] | None = None,
    log: Callable[..., object] | None = None,
    after: Iterable[Callable[..., None]] = (),
    on_commit: Iterable[Callable[..., None]] = (),
    log_many: Callable[..., list] | None = None,
    after_many: Iterable[Callable[..., None]] = (),
    states: Iterable[str] | None = None,
    note: str = "",
    explain: Callable[[Model, str, str], str] | None = None,
) -> Table:
    """Register `model`'s lifecycle table (from the app's lifecycles.py).

    `state(obj)`: the object's current state (default: its `status`); `enter(obj, row, at)`: put it in
    `row.target` and save (default: `status`, `status_changed_at`), returning what else it set, for the
    audit event (or None); `log(obj, row, before, actor,
    authority, at, comment)`: its transition row, if it has a log; `after(obj, row, logged)`: hooks run in
    the transaction; `on_commit(obj, row, logged)`: hooks run once it committed. `states`: every state, in
    order (default: the `status` field's choices). `apply_many` (a check moving a batch) uses the set-based
    forms: `log_many(objs, row, befores, actor, authority, at, comment)` → the transition rows (one bulk
    insert), and `after_many(objs, row, logged)` → the hooks' writes for the whole batch (grouped notices);
    a table without them gets its per-object `log`/`after` called for each object. `explain(obj, action, state)`: a 409's first sentence in
    the object's own words ("already acknowledged by …"), when "Cannot … while the status is …" says too little.
    """
    rows = list(rows)
    by_action = {row.action: row for row in rows}
    if len(by_action) != len(rows):
        raise ValueError(f"{model.__name__}: an action appears twice in its lifecycle table")
    if states is None:
        states = [value for value, _ in model._meta.get_field("status").choices]
    table = Table(
        model=model,
        rows=by_action,
        verb=verb,
        state=state or _status,
        enter=enter or _set_status,
        log=log,
        after=list(after),
        on_commit=list(on_commit),
        log_many=log_many,
        after_many=list(after_many),
        states=tuple(states),
        note=note,
        explain=explain,
    )
    _tables[model] = table
    return table


def table_of(model_or_obj: "type[Model] | Model") -> Table:
    model = model_or_obj if isinstance(model_or_obj, type) else type(model_or_obj)
    try:
        return _tables[model]
    except KeyError:
        raise LookupError(f"No lifecycle table is registered for {model.__name__}") from None


def tables() -> list[Table]:
    """Every registered table, by app label and model name (what `manage.py lifecycles` prints)."""
    return sorted(_tables.values(), key=lambda t: (t.model._meta.app_label, t.model.__name__))


def actions_from(obj: Model) -> list[str]:
    """Every action the table allows in the object's state, whoever takes it."""
    table = table_of(obj)
    return table.actions_from(table.state(obj))


def who_decides(row: Row, obj: Model, actor, authority: str, *, scoped: bool = True) -> access.Decision:
    """May this actor, with this authority, take the row on obj? A person is asked of the access rule.

    `scoped=False` skips the access door's scope query: for an object the caller already read through
    `access.visible` (a page's buttons, a list's allowed actions: no query per object).
    """
    who = row.who
    if authority not in AUTHORITIES:
        raise ValueError(f"Unknown authority {authority!r}")
    if authority != PERSON:
        return access.ALLOW if who.accepts(authority, obj) else who.refused(obj)
    if who.rule is None:
        return who.refused(obj)
    if scoped:
        return access.allowed(actor, who.rule, obj)
    return access.allowed_in_scope(actor, who.rule, obj)


def check(obj: Model, action: str, *, actor=None, authority: str = PERSON, scoped: bool = True) -> Row:
    """409 if the object's state does not allow `action` (naming what it allows), 403 if this actor may not.
    `scoped=False`: the caller locked the object and checked its scope for this actor in this transaction."""
    return _checked(obj, action, actor, authority, scoped)[0]


def _checked(obj: Model, action: str, actor, authority: str, scoped: bool) -> tuple[Row, access.Decision]:
    table = table_of(obj)
    try:
        row = table.rows[action]
    except KeyError:
        raise ValueError(f"No transition named {action!r} for {table.model.__name__}") from None
    state = table.state(obj)
    if state not in row.sources:
        raise errors.TransitionNotAllowed(
            action=action,
            status=state,
            allowed_actions=table.actions_from(state),
            reason=table.explain(obj, action, state) if table.explain else "",
        )
    decision = who_decides(row, obj, actor, authority, scoped=scoped)
    if not decision:
        raise errors.PermissionDenied(decision.reason)
    return row, decision


def require_state(obj: Model, doing: str, states: Iterable[str]) -> None:
    """409 unless the object is in one of `states`: for an act *within* a state that changes none (adding to
    something still open). Names the transitions the state allows now."""
    table = table_of(obj)
    state = table.state(obj)
    if state not in set(states):
        raise errors.TransitionNotAllowed(
            action=doing, status=state, allowed_actions=table.actions_from(state)
        )


def apply(
    obj: Model,
    action: str,
    *,
    actor=None,
    authority: str = PERSON,
    comment: str = "",
    before: dict | None = None,
    after: dict | None = None,
    at=None,
    on_commit: Callable[[], None] | None = None,
    scoped: bool = True,
):
    """The one place a registered model changes state: check from and who, set it, log, audit, schedule.

    `before`/`after`: more of what changed, for the audit event (beside the status and the authority);
    `at`: when it happened, if not now (a case's response recorded afterwards);
    `scoped=False`: the caller locked `obj` and `check`ed it for this actor in this transaction (the access
    rule is still asked; the scope query is not run twice).
    Returns the transition row when the table has a log, else the audit event.
    """
    table = table_of(obj)
    row, decision = _checked(obj, action, actor, authority, scoped)
    at = at or timezone.now()
    state = table.state(obj)
    changed = table.enter(obj, row, at) or {}
    person = actor if authority != SYSTEM else None
    # A delegate's act (accounts/delegation.py): the log takes `on_behalf_of`, the audit event names them.
    principal = decision.on_behalf_of
    if principal is not None:
        changed["on_behalf_of"] = principal.username
    logged = None
    if table.log is not None:
        extra = {"on_behalf_of": principal} if principal is not None else {}
        logged = table.log(obj, row, state, person, authority, at, comment, **extra)
    event = audit.record(
        actor=person,
        verb=f"{table.verb}.{row.event}",
        obj=obj,
        before={"status": state, **(before or {})},
        after={"status": table.state(obj), "authority": authority, **changed, **(after or {})},
        comment=comment,
    )
    logged = logged if logged is not None else event
    for hook in table.after:
        hook(obj, row, logged)
    for hook in table.on_commit:
        transaction.on_commit(lambda hook=hook: hook(obj, row, logged))
    if on_commit is not None:
        transaction.on_commit(on_commit)
    return logged


class BatchConflict(Exception):
    """A row of the batch left its from-state under the caller's lock: the batch's transaction is undone."""


def apply_many(
    objs: Iterable[Model], action: str, *, authority: str = SYSTEM, comment: str = "", at=None
) -> list:
    """`apply` for a batch a check moves (system or board authority; a person's acts go through `apply`).

    Call it inside the batch's transaction on rows the caller locked (`checks.in_locked_batches`). Objects
    not in a from-state, or whom the row's *who* refuses, are left out. Then, set-based: one `UPDATE … WHERE
    id IN (…) AND status IN (from-states)` (if it moves fewer rows than it should, `BatchConflict` undoes
    the batch), one bulk insert of the transition rows (`log_many`), one `audit.record_many`, the hooks'
    `after_many`. Returns the transition rows (or audit events) of the objects moved, in their order.
    """
    if authority == PERSON:
        raise ValueError("apply_many is for the system's and boards' acts; a person's goes through apply")
    objs = list(objs)
    if not objs:
        return []
    table = table_of(objs[0])
    row = table.rows[action]
    moving = [obj for obj in objs if table.state(obj) in row.sources and row.who.accepts(authority, obj)]
    if not moving:
        return []
    at = at or timezone.now()
    befores = [table.state(obj) for obj in moving]
    fields = {"status": row.target}
    for name in ("status_changed_at", "updated_at"):
        if hasattr(moving[0], name):
            fields[name] = at
    moved = table.model._default_manager.filter(
        pk__in=[obj.pk for obj in moving], status__in=row.sources
    ).update(**fields)
    if moved != len(moving):
        raise BatchConflict(
            f"{moved} of {len(moving)} {table.model.__name__} rows were still in {set(row.sources)}"
        )
    for obj in moving:
        for name, value in fields.items():
            setattr(obj, name, value)
    if table.log_many is not None:
        logged = table.log_many(moving, row, befores, None, authority, at, comment)
    elif table.log is not None:
        logged = [
            table.log(obj, row, b, None, authority, at, comment)
            for obj, b in zip(moving, befores, strict=True)
        ]
    else:
        logged = None
    events = audit.record_many(
        [
            {
                "actor": None,
                "verb": f"{table.verb}.{row.event}",
                "obj": obj,
                "before": {"status": before},
                "after": {"status": row.target, "authority": authority},
                "comment": comment,
            }
            for obj, before in zip(moving, befores, strict=True)
        ],
        returning=logged is None,  # with a transition log, the events are only written (no instances)
    )
    logged = logged if logged is not None else events
    if table.after_many:
        for hook in table.after_many:
            hook(moving, row, logged)
    else:
        for obj, item in zip(moving, logged, strict=True):
            for hook in table.after:
                hook(obj, row, item)
    for obj, item in zip(moving, logged, strict=True):
        for hook in table.on_commit:
            transaction.on_commit(lambda hook=hook, obj=obj, item=item: hook(obj, row, item))
    return logged


def actions_for(actor, obj: Model, authority: str = PERSON) -> list[str]:
    """The actions this actor may take on the object now: a page's buttons (no scope query)."""
    table = table_of(obj)
    return [
        action
        for action in table.actions_from(table.state(obj))
        if who_decides(table.rows[action], obj, actor, authority, scoped=False)
    ]
