"""SLA policies: segments × priorities, their targets and escalation ladders, with the equity guard."""

from django.db import transaction

from intimacy_ops import access, audit, errors
from intimacy_ops.accounts.roles import Role
from segments.models import Priority, SlaPolicy

POLICY_FIELDS = (
    "first_response_minutes",
    "resolution_minutes",
    "clock",
    "update_interval_minutes",
    "escalation_ladder",
)
MIN_REASON_LENGTH = 15


def _policy_snapshot(policy: SlaPolicy) -> dict:
    return {name: getattr(policy, name) for name in POLICY_FIELDS} | {
        "segment": policy.segment_id,
        "priority": policy.priority,
        "equity_exception_reason": policy.equity_exception_reason,
    }


def equity_conflicts(policy: SlaPolicy) -> list[str]:
    """Where this policy gives a lower tier a faster target than a higher tier (or the reverse), same priority."""
    conflicts = []
    others = (
        SlaPolicy.objects.filter(priority=policy.priority).exclude(pk=policy.pk).select_related("segment")
    )
    for other in others:
        higher, lower = (other, policy) if other.segment.rank < policy.segment.rank else (policy, other)
        if higher.segment.rank == lower.segment.rank:
            continue
        for name, label in (
            ("first_response_minutes", "first response"),
            ("resolution_minutes", "resolution"),
        ):
            if getattr(lower, name) < getattr(higher, name):
                conflicts.append(
                    f"{lower.segment.name} (rank {lower.segment.rank}) would get a faster {label} target for "
                    f"{policy.priority} ({getattr(lower, name)} min) than {higher.segment.name} "
                    f"(rank {higher.segment.rank}, {getattr(higher, name)} min)."
                )
    return conflicts


def _validate_ladder(ladder) -> list[str]:
    if not isinstance(ladder, list):
        return ['Give a list of steps like {"after_minutes": 60, "role": "operations lead"}.']
    problems = []
    roles = {role.value for role in Role}
    previous = 0
    for number, step in enumerate(ladder, start=1):
        if not isinstance(step, dict) or set(step) != {"after_minutes", "role"}:
            problems.append(f"Step {number}: needs exactly 'after_minutes' and 'role'.")
            continue
        after = step["after_minutes"]
        if isinstance(after, bool) or not isinstance(after, int) or after <= previous:
            problems.append(
                f"Step {number}: 'after_minutes' must be a whole number greater than the step before ({previous})."
            )
        else:
            previous = after
        if step["role"] not in roles:
            problems.append(
                f"Step {number}: '{step['role']}' is not a role; use one of {', '.join(sorted(roles))}."
            )
    return problems


def save_policy(*, actor, segment, priority: str, values: dict, equity_reason: str = "") -> SlaPolicy:
    """Create or change the SLA policy of a segment and priority; the equity guard refuses unfair targets unless confirmed."""
    access.require(actor, "change", SlaPolicy)
    unknown = sorted(set(values) - set(POLICY_FIELDS))
    if unknown:
        raise errors.ValidationFailed({name: ["Unknown field."] for name in unknown})
    with transaction.atomic():
        policy = SlaPolicy.objects.select_for_update().filter(segment=segment, priority=priority).first()
        before = _policy_snapshot(policy) if policy else None
        policy = policy or SlaPolicy(segment=segment, priority=priority)
        for name, value in values.items():
            setattr(policy, name, value)
        problems: dict[str, list[str]] = {}
        if priority not in Priority.values:
            problems["priority"] = ["Use P1, P2, P3 or P4."]
        for name in ("first_response_minutes", "resolution_minutes"):
            value = getattr(policy, name)
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                problems[name] = ["A whole number of minutes greater than 0."]
        if not problems and policy.resolution_minutes < policy.first_response_minutes:
            problems["resolution_minutes"] = ["Resolution cannot be due before the first response."]
        if policy.clock not in SlaPolicy.Clock.values:
            problems["clock"] = [f"Use one of: {', '.join(SlaPolicy.Clock.values)}."]
        interval = policy.update_interval_minutes
        if interval is not None and (
            isinstance(interval, bool) or not isinstance(interval, int) or interval <= 0
        ):
            problems["update_interval_minutes"] = ["A whole number of minutes greater than 0, or empty."]
        ladder_problems = _validate_ladder(policy.escalation_ladder)
        if ladder_problems:
            problems["escalation_ladder"] = ladder_problems
        if problems:
            raise errors.ValidationFailed(problems)
        conflicts = equity_conflicts(policy)
        if conflicts:
            reason = (equity_reason or "").strip()
            if not (may_confirm := access.allowed(actor, "confirm_equity_exception", SlaPolicy)):
                raise errors.ValidationFailed({"equity": conflicts + [may_confirm.reason]})
            if len(reason) < MIN_REASON_LENGTH:
                raise errors.ValidationFailed(
                    {
                        "equity_reason": conflicts
                        + [
                            f"To save it anyway, confirm with a written reason of at least {MIN_REASON_LENGTH} characters."
                        ]
                    },
                    message="This policy breaks tier equity.",
                )
            policy.equity_exception_reason = reason
        else:
            policy.equity_exception_reason = ""
        policy.save()
        audit.record(
            actor=actor,
            verb="sla_policy.created" if before is None else "sla_policy.changed",
            obj=policy,
            before=before,
            after=_policy_snapshot(policy),
            comment=policy.equity_exception_reason and f"equity confirmed: {policy.equity_exception_reason}",
        )
    return policy
