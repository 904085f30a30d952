"""Reads of the tiers (segments) and their SLA policies: the overview, the SLA matrix, and what the pages
ask the access policy about them."""

from dataclasses import dataclass

from django.db.models import (
    Count,
    Prefetch,
    Q,
    QuerySet,
)

from intimacy_ops import access
from intimacy_ops.accounts.roles import Role
from segments.case_rows import human_minutes
from segments.models import (
    Customer,
    Priority,
    Segment,
    SlaPolicy,
)

HISTORY_SHOWN = 50


def segments_for(user) -> QuerySet[Segment]:
    """The tiers, in rank order (known to everyone signed in)."""
    return access.visible(user, Segment).order_by("rank")


def sla_policies_for(user) -> QuerySet[SlaPolicy]:
    """SLA policies by segment rank and priority."""
    return access.visible(user, SlaPolicy.objects.select_related("segment")).order_by(
        "segment__rank", "priority"
    )


# --- permissions the pages ask about (answered by the access policy) -----------------------------


def may_manage_tiers(user) -> bool:
    """Whether the user changes thresholds and SLA policies (the tiers are global reference data)."""
    return bool(access.allowed(user, "change_thresholds", Segment))


def may_change_policy(user, segment: Segment, priority: str) -> bool:
    policy = SlaPolicy.objects.filter(segment=segment, priority=priority).first()
    if policy is not None:
        return bool(access.allowed(user, "change", policy))
    return bool(access.allowed(user, "change_thresholds", segment))


# --- tiers and SLA policies ---------------------------------------------------------------------------


def tiers(user) -> list[Segment]:
    """Every tier in rank order with its customer counts: in total (what capacity is measured against),
    in the user's regions, and locked by hand.

    The counts are one pass over the customers grouped by tier (no join to the tiers, no DISTINCT: half the
    time of counting through the tiers' relation at 100,000 customers); the tiers are read apart."""
    visible_ids = access.visible(user, Customer).values("id")
    counts = {
        row["segment_id"]: row
        for row in Customer.objects.filter(segment__isnull=False)
        .order_by()
        .values("segment_id")
        .annotate(
            total=Count("id"),
            in_my_regions=Count("id", filter=Q(id__in=visible_ids)),
            locked=Count("id", filter=Q(segment_locked=True)),
        )
    }
    segments = list(Segment.objects.order_by("rank"))
    for segment in segments:
        row = counts.get(segment.pk, {})
        segment.total = row.get("total", 0)
        segment.in_my_regions = row.get("in_my_regions", 0)
        segment.locked = row.get("locked", 0)
    return segments


def unclassified_count() -> int:
    return Customer.objects.filter(segment__isnull=True).count()


@dataclass(frozen=True)
class PolicyCell:
    segment: Segment
    priority: str
    policy: SlaPolicy | None

    @property
    def first_response(self) -> str:
        return human_minutes(self.policy.first_response_minutes) if self.policy else "—"

    @property
    def resolution(self) -> str:
        return human_minutes(self.policy.resolution_minutes) if self.policy else "—"

    @property
    def update_interval(self) -> str:
        return human_minutes(self.policy.update_interval_minutes) if self.policy else "—"


def sla_matrix() -> list[dict]:
    """Segments × P1–P4: one row per tier, one cell per priority (None where no policy is set)."""
    segments = Segment.objects.order_by("rank").prefetch_related(
        Prefetch("sla_policies", queryset=SlaPolicy.objects.order_by("priority"))
    )
    rows = []
    for segment in segments:
        by_priority = {policy.priority: policy for policy in segment.sla_policies.all()}
        rows.append(
            {
                "segment": segment,
                "cells": [
                    PolicyCell(segment, priority, by_priority.get(priority)) for priority in Priority.values
                ],
            }
        )
    return rows


def same_priority_policies(priority: str) -> list[SlaPolicy]:
    """The policies of one priority across tiers, to compare against while editing one of them."""
    return list(
        SlaPolicy.objects.filter(priority=priority).select_related("segment").order_by("segment__rank")
    )


def escalation_roles() -> list[tuple[str, str]]:
    return [(role.value, role.label) for role in Role]
