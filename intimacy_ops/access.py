"""THE access policy: which objects a user may see, and whether they may take an action.

Every page, API endpoint, selector and export asks these two questions here; nothing else
checks roles. Each app registers, in its AppConfig.ready(), a *scope* per model (a queryset
filter, evaluated in SQL) and *rules* per (model, action). What is not registered is denied.

    visible(user, Customer)                 -> the customers this user may see
    allowed(user, "submit", request)        -> Decision(ok=False, reason="…")
    allowed(user, "create", ExceptionRequest) -> a model-level action (no object yet)

Rules live in each app's `access_rules.py` (discovered, like admin.py); they are the only code outside
the accounts package that asks which roles a person holds. Relationship predicates that several apps
need ("an operations lead of this region") are defined once, here.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Model, QuerySet

from intimacy_ops import errors


@dataclass(frozen=True)
class Decision:
    ok: bool
    reason: str = ""
    # Set when the person may only as someone's delegate (accounts/delegation.py): the act is theirs.
    on_behalf_of: object = None

    def __bool__(self) -> bool:
        return self.ok


ALLOW = Decision(True)

Scope = Callable[[object, QuerySet], QuerySet]
Rule = Callable[[object, Model], "Decision | bool"]

_scopes: dict[type[Model], Scope] = {}
_rules: dict[tuple[type[Model], str], Rule] = {}
_model_rules: dict[tuple[type[Model], str], "Callable[[object], Decision | bool]"] = {}


def register_scope(model: type[Model]) -> Callable[[Scope], Scope]:
    """Decorator: `scope(user, queryset) -> queryset` of the objects of `model` the user may see."""

    def decorate(scope: Scope) -> Scope:
        _scopes[model] = scope
        return scope

    return decorate


def register_rule(model: type[Model], *actions: str) -> Callable[[Rule], Rule]:
    """Decorator: `rule(user, obj) -> Decision | bool` for each named action on `model`."""

    def decorate(rule: Rule) -> Rule:
        for action in actions:
            _rules[(model, action)] = rule
        return rule

    return decorate


def register_model_rule(model: type[Model], *actions: str):
    """Decorator: `rule(user) -> Decision | bool` for a model-level action (`create`, `change_thresholds`…)."""

    def decorate(rule):
        for action in actions:
            _model_rules[(model, action)] = rule
        return rule

    return decorate


def allow_roles(model: type[Model], *actions: str, roles, refusal: str) -> None:
    """Register a model-level rule that is a role and nothing else: holders of any of `roles` may; anyone
    else is refused with `refusal` (where `{username}` names the person refused)."""

    def rule(user) -> Decision:
        if user.has_role(*roles):
            return ALLOW
        return Decision(False, refusal.format(username=user.username))

    register_model_rule(model, *actions)(rule)


def _is_active_user(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def visible(user, model_or_queryset: type[Model] | QuerySet) -> QuerySet:
    """The objects this user may see, as a queryset scoped in SQL (never filtered in Python later).

    Asked with a model, the scoped queryset is built once per user object (a request's `request.user`) and
    each call gets a copy: building a scope's filter (Django resolving its `Q` tree, subqueries and joins) was
    a fifth of a board member's `/governance/` CPU, asked three times there (bench/README.md). A scope depends
    only on the person's roles and regions, which are read once per user object too (`User._memberships`)."""
    if not isinstance(model_or_queryset, QuerySet):
        built = user.__dict__.setdefault("_visible_scopes", {}) if _is_active_user(user) else {}
        if model_or_queryset not in built:
            built[model_or_queryset] = visible(user, model_or_queryset._default_manager.all())
        return built[model_or_queryset].all()
    queryset = model_or_queryset
    if not _is_active_user(user):
        return queryset.none()
    try:
        scope = _scopes[queryset.model]
    except KeyError:
        raise LookupError(f"No access scope is registered for {queryset.model.__name__}") from None
    return scope(user, queryset)


def _decision(result: "Decision | bool", action: str, noun: str) -> Decision:
    if isinstance(result, Decision):
        return result
    return ALLOW if result else Decision(False, f"Your role may not {action.replace('_', ' ')} {noun}.")


def allowed(user, action: str, obj: "Model | type[Model]") -> Decision:
    """May this user take `action` on `obj` (an object, or a model for a model-level action)?

    The answer carries the reason when it is no. A dictionary lookup and, for an object, one SQL filter.
    """
    if not _is_active_user(user):
        return Decision(False, "Sign in first.")
    if isinstance(obj, type):
        name = obj._meta.verbose_name_plural
        model_rule = _model_rules.get((obj, action))
        if model_rule is None:
            return Decision(False, f"Nobody may {action.replace('_', ' ')} {name}.")
        return _decision(model_rule(user), action, name)
    rule = _rules.get((type(obj), action))
    if rule is None:
        return Decision(False, f"Nobody may {action.replace('_', ' ')} a {obj._meta.verbose_name}.")
    if not visible(user, type(obj)).filter(pk=obj.pk).exists():
        return Decision(False, f"This {obj._meta.verbose_name} is outside your scope.")
    return _decision(rule(user, obj), action, f"this {obj._meta.verbose_name}")


def allowed_in_scope(user, action: str, obj: Model) -> Decision:
    """`allowed` for an object the caller already read through `visible`: the rule alone, no scope query.

    For what is drawn per object on a page or in a list (buttons, `allowed_actions`).
    """
    if not _is_active_user(user):
        return Decision(False, "Sign in first.")
    rule = _rules.get((type(obj), action))
    if rule is None:
        return Decision(False, f"Nobody may {action.replace('_', ' ')} a {obj._meta.verbose_name}.")
    return _decision(rule(user, obj), action, f"this {obj._meta.verbose_name}")


def get_visible(user, model_or_queryset: type[Model] | QuerySet, **lookup) -> Model:
    """The one object matching `lookup` among those the user may see; NotFound otherwise (no existence leak)."""
    queryset = visible(user, model_or_queryset)
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise errors.NotFound(f"No {queryset.model._meta.verbose_name} matches that id.") from None


def require(user, action: str, obj: "Model | type[Model]") -> None:
    """Raise PermissionDenied with the reason unless `allowed`."""
    decision = allowed(user, action, obj)
    if not decision:
        raise errors.PermissionDenied(decision.reason).about(action, obj)


def in_user_regions(user, queryset: QuerySet, field: str = "region") -> QuerySet:
    """Keep the rows whose `field` (a Region foreign key or many-to-many) is one of the user's regions."""
    return queryset.filter(**{f"{field}__in": user_region_ids(user)})


def user_region_ids(user) -> list[int]:
    """The user's region ids as literal values for a scope's `IN (…)`, read once per request (`User.region_ids`).

    Literal ids, not a subquery over the user's regions: PostgreSQL then plans with the column's statistics
    (a region is a third of the customers) instead of guessing a few percent for `IN (SELECT …)`, which sent
    region-wide counts into a nested loop over every customer (bench/README.md, "Where a request's time goes").
    """
    return sorted(user.region_ids)


def sees_all_regions(user) -> bool:
    """Auditors and administrators read across regions (DESIGN.md, roles table)."""
    from intimacy_ops.accounts.roles import Role

    return user.is_superuser or user.has_role(Role.AUDITOR, Role.ADMINISTRATOR)


def is_lead_of_region(user, region_id: int | None) -> bool:
    """An operations lead of this region (DESIGN.md: leads decide and watch their regions only)."""
    from intimacy_ops.accounts.roles import Role

    return bool(
        _is_active_user(user) and user.has_role(Role.OPERATIONS_LEAD) and region_id in user.region_ids
    )
