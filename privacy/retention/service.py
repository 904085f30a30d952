"""Apply the retention policies: anonymize or delete data past its time, in batches, never on legal hold.

`plan()` counts what a policy would change and changes nothing (the dry run). `apply_policy()`
does it in batches: each batch is its own transaction that picks up to `batch_size` expired rows
with SELECT … FOR UPDATE SKIP LOCKED (PostgreSQL; SQLite serialises writers anyway), changes them
and records one audit event. Anonymized rows carry `anonymized_at` and are not matched again, and
deleted rows are gone, so a second run — or a second run at the same time — changes nothing twice.
"""

import calendar
import datetime
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from intimacy_ops import audit
from privacy.models import RetentionPolicy
from privacy.retention import kinds

BATCH_SIZE = 500
ANONYMIZE, DELETE = RetentionPolicy.Action.ANONYMIZE, RetentionPolicy.Action.DELETE
DONE = {ANONYMIZE: "anonymized", DELETE: "deleted"}


def months_before(moment: datetime.datetime, months: int) -> datetime.datetime:
    """The same day and time `months` calendar months earlier (the 31st becomes the month's last day)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


@dataclass
class Outcome:
    """What one policy would change (dry run) or changed."""

    policy: RetentionPolicy
    cutoff: datetime.datetime | None
    matched: int = 0  # rows past the cutoff that the policy may process
    held: int = 0  # rows past the cutoff kept because their data subject is on legal hold
    processed: int = 0
    batches: int = 0
    skipped: str = ""  # why the policy did nothing at all

    def line(self, *, dry_run: bool) -> str:
        policy = self.policy
        head = f"{policy.kind} · {policy.action} after {policy.keep_months} months"
        if self.skipped:
            return f"{head}: skipped: {self.skipped}"
        kind = kinds.get(policy.kind)
        before = f"{kind.label} before {self.cutoff:%Y-%m-%d}"
        hold = f", {self.held} kept for legal hold" if self.held else ""
        if dry_run:
            return f"{head}: would {policy.action} {self.matched} {before}{hold} (dry run: nothing changed)"
        plural = "es" if self.batches != 1 else ""
        return (
            f"{head}: {DONE[policy.action]} {self.processed} {before} in {self.batches} batch{plural}{hold}"
        )


def _problem(policy: RetentionPolicy) -> tuple[kinds.RetentionKind | None, str]:
    kind = kinds.get(policy.kind)
    if kind is None:
        known = ", ".join(k.name for k in kinds.registered())
        return None, f"no retention kind {policy.kind!r} here (known: {known})"
    if not kind.allows(policy.action):
        return (
            kind,
            f"{kind.label} may not be {DONE.get(policy.action, policy.action)} (allowed: {', '.join(kind.actions)})",
        )
    return kind, ""


def _past(kind: kinds.RetentionKind, action: str, cutoff) -> QuerySet:
    rows = kind.older_than(cutoff)
    if action == ANONYMIZE:
        rows = rows.filter(anonymized_at__isnull=True)
    return rows


def expired(policy: RetentionPolicy, *, now: datetime.datetime | None = None) -> QuerySet:
    """The rows this policy would process now: past the cutoff, not yet anonymized, not on legal hold."""
    kind, problem = _problem(policy)
    if problem:
        raise ValueError(problem)
    cutoff = months_before(now or timezone.now(), policy.keep_months)
    return _past(kind, policy.action, cutoff).exclude(kind.hold())


def plan(policy: RetentionPolicy, *, now: datetime.datetime | None = None) -> Outcome:
    """What the policy would change, counted; nothing is written."""
    now = now or timezone.now()
    kind, problem = _problem(policy)
    if problem:
        return Outcome(policy, None, skipped=problem)
    cutoff = months_before(now, policy.keep_months)
    past = _past(kind, policy.action, cutoff)
    return Outcome(
        policy,
        cutoff,
        matched=past.exclude(kind.hold()).count(),
        held=past.filter(kind.hold()).count(),
    )


def apply_policy(
    policy: RetentionPolicy, *, now: datetime.datetime | None = None, batch_size: int = BATCH_SIZE, actor=None
) -> Outcome:
    """Anonymize or delete the policy's expired rows, batch by batch, one audit event per batch."""
    now = now or timezone.now()
    outcome = plan(policy, now=now)
    if outcome.skipped:
        return outcome
    kind = kinds.get(policy.kind)
    while True:
        with transaction.atomic():
            rows = expired(policy, now=now)
            if connection.features.has_select_for_update_skip_locked:
                # Another run holding some rows: take the others; it will finish those.
                rows = rows.select_for_update(skip_locked=True, of=("self",))
            ids = list(rows.order_by("pk").values_list("pk", flat=True)[:batch_size])
            if not ids:
                break
            batch = kind.model._default_manager.filter(pk__in=ids)
            if policy.action == ANONYMIZE:
                count = batch.update(**kind.anonymize, anonymized_at=timezone.now())
            elif kind.delete is not None:
                count = kind.delete(batch)
            else:
                _, per_model = batch.delete()
                count = per_model.get(kind.model._meta.label, 0)
            outcome.processed += count
            outcome.batches += 1
            audit.record(
                actor=actor,
                verb=f"retention.{DONE[policy.action]}",
                obj=policy,
                after={
                    "kind": policy.kind,
                    "action": policy.action,
                    "cutoff": outcome.cutoff,
                    "count": count,
                    "ids": ids,
                },
                comment=f"Retention: {DONE[policy.action]} {count} {kind.label} older than {policy.keep_months} months.",
            )
        if len(ids) < batch_size:
            break
    return outcome


def apply_retention(
    *, dry_run: bool, now: datetime.datetime | None = None, batch_size: int = BATCH_SIZE, actor=None
) -> list[Outcome]:
    """Every active policy in turn: counted (dry run) or applied."""
    now = now or timezone.now()
    outcomes = []
    for policy in RetentionPolicy.objects.filter(active=True).order_by("kind", "action"):
        if dry_run:
            outcomes.append(plan(policy, now=now))
        else:
            outcomes.append(apply_policy(policy, now=now, batch_size=batch_size, actor=actor))
    return outcomes


def retention_check() -> str:
    """Every active policy applied for real; one line for the checks page."""
    outcomes = apply_retention(dry_run=False)
    if not outcomes:
        return "no active retention policy"
    done = [o for o in outcomes if not o.skipped]
    anonymized = sum(o.processed for o in done if o.policy.action == ANONYMIZE)
    deleted = sum(o.processed for o in done if o.policy.action == DELETE)
    skipped = len(outcomes) - len(done)
    tail = f", {skipped} polic{'ies' if skipped != 1 else 'y'} skipped" if skipped else ""
    return f"{anonymized} rows anonymized, {deleted} deleted over {len(done)} policies{tail}"
