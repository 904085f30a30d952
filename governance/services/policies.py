"""Threshold policies ("standardize or sunset", issue 7 item 6): keeping them — create, change, switch off —
by chairs, operations leads and administrators. Evaluating them is governance/services/evaluation.py."""

from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction

from exceptions.models import Process
from governance.access_rules.policies import may_manage_policies
from governance.models import ThresholdPolicy
from intimacy_ops import audit, errors
from segments.models import Segment

LIMITS = (
    "max_active_exceptions",
    "max_monthly_cost",
    "max_age_days",
    "min_similar_customers",
    "sunset_lead_days",
)
EDITABLE = ("name", "scope", "process", "segment", *LIMITS, "is_active")


# --- keeping policies -------------------------------------------------------------------------------


def _snapshot(policy: ThresholdPolicy) -> dict:
    return {
        "name": policy.name,
        "scope": policy.scope,
        "process": policy.process_id,
        "segment": policy.segment_id,
        **{limit: getattr(policy, limit) for limit in LIMITS},
        "is_active": policy.is_active,
    }


def _require_manager(actor) -> None:
    decision = may_manage_policies(actor)
    if not decision:
        raise errors.PermissionDenied(decision.reason)


def _validate(values: dict) -> dict:
    """Check a whole policy (as it would be saved); returns the cleaned values or raises 400 naming fields."""
    problems: dict[str, list[str]] = {}
    cleaned = dict(values)
    name = (values.get("name") or "").strip()
    if not name:
        problems["name"] = ["Give the policy a name."]
    cleaned["name"] = name
    scope = values.get("scope")
    if scope not in ThresholdPolicy.Scope.values:
        problems["scope"] = [f"Choose one of: {', '.join(ThresholdPolicy.Scope.values)}."]
    process, segment = values.get("process"), values.get("segment")
    if process is not None and not isinstance(process, Process):
        problems["process"] = ["No such process."]
    if segment is not None and not isinstance(segment, Segment):
        problems["segment"] = ["No such segment."]
    if scope == ThresholdPolicy.Scope.PROCESS:
        if process is None:
            problems.setdefault("process", ["A process policy names its process."])
        if segment is not None:
            problems.setdefault("segment", ["A process policy names no segment."])
    elif scope == ThresholdPolicy.Scope.SEGMENT:
        if segment is None:
            problems.setdefault("segment", ["A segment policy names its segment."])
        if process is not None:
            problems.setdefault("process", ["A segment policy names no process."])
    elif scope == ThresholdPolicy.Scope.GLOBAL:
        if process is not None:
            problems.setdefault("process", ["A global policy names no process."])
        if segment is not None:
            problems.setdefault("segment", ["A global policy names no segment."])
    for limit in LIMITS:
        value = values.get(limit)
        if value is None or value == "":
            cleaned[limit] = None
            continue
        try:
            number = Decimal(str(value)) if limit == "max_monthly_cost" else int(value)
        except (ValueError, TypeError, InvalidOperation):
            problems[limit] = ["Give a number."]
            continue
        if limit == "max_monthly_cost" and not number.is_finite():
            problems[limit] = ["Give a number."]
        elif number < 0:
            problems[limit] = ["Give a number that is not negative."]
        elif limit == "min_similar_customers" and number < 1:
            problems[limit] = ["Give at least 1 customer."]
        cleaned[limit] = number
    if all(cleaned.get(limit) is None for limit in LIMITS) and not any(limit in problems for limit in LIMITS):
        problems["limits"] = [
            "Set at least one limit: maximum active exceptions, maximum monthly cost, maximum age, "
            "minimum similar customers or sunset lead days."
        ]
    if problems:
        raise errors.ValidationFailed(problems)
    return cleaned


def create_policy(*, actor, **values) -> ThresholdPolicy:
    """A chair or an operations lead draws a new line ("standardize or sunset")."""
    _require_manager(actor)
    unknown = sorted(set(values) - set(EDITABLE))
    if unknown:
        raise errors.ValidationFailed({name: ["Unknown field."] for name in unknown})
    values.setdefault("process", None)
    values.setdefault("segment", None)
    values.setdefault("is_active", True)
    cleaned = _validate(values)
    try:
        with transaction.atomic():
            policy = ThresholdPolicy.objects.create(created_by=actor, **cleaned)
            audit.record(actor=actor, verb="threshold_policy.created", obj=policy, after=_snapshot(policy))
    except IntegrityError:
        raise errors.ValidationFailed(
            {"name": [f"A policy named {cleaned['name']!r} already exists."]}
        ) from None
    return policy


def update_policy(*, actor, policy: ThresholdPolicy, **values) -> ThresholdPolicy:
    """A chair or an operations lead moves a line, changes its scope, or switches it on or off."""
    _require_manager(actor)
    unknown = sorted(set(values) - set(EDITABLE))
    if unknown:
        raise errors.ValidationFailed({name: ["Unknown field."] for name in unknown})
    try:
        with transaction.atomic():
            policy = ThresholdPolicy.objects.select_for_update().get(pk=policy.pk)
            before = _snapshot(policy)
            merged = {name: getattr(policy, name) for name in EDITABLE}
            merged.update(values)
            cleaned = _validate(merged)
            for name, value in cleaned.items():
                setattr(policy, name, value)
            policy.save()
            audit.record(
                actor=actor,
                verb="threshold_policy.changed",
                obj=policy,
                before=before,
                after=_snapshot(policy),
            )
    except IntegrityError:
        raise errors.ValidationFailed(
            {"name": [f"A policy named {values.get('name')!r} already exists."]}
        ) from None
    return policy


def deactivate_policy(*, actor, policy: ThresholdPolicy) -> ThresholdPolicy:
    """Switch a policy off: it opens nothing more; reviews it opened stay as they are. 409 if already off."""
    _require_manager(actor)
    with transaction.atomic():
        policy = ThresholdPolicy.objects.select_for_update().get(pk=policy.pk)
        if not policy.is_active:
            raise errors.TransitionNotAllowed(
                action="deactivate", status="inactive", allowed_actions=["update"]
            )
        policy.is_active = False
        policy.save(update_fields=["is_active", "updated_at"])
        audit.record(
            actor=actor,
            verb="threshold_policy.deactivated",
            obj=policy,
            before={"is_active": True},
            after={"is_active": False},
        )
    return policy
