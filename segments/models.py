from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from intimacy_ops.accounts.models import Region
from segments.imports.models import ImportRejectedRow, ImportRun  # noqa: F401  (the imports sub-domain's)

MONEY = {"max_digits": 14, "decimal_places": 2}
ONE_TO_FIVE = [MinValueValidator(1), MaxValueValidator(5)]


class Segment(models.Model):
    """A service tier. Rank 1 is the most intimate; a customer belongs to the first tier whose thresholds all hold."""

    name = models.CharField(max_length=80, unique=True)
    rank = models.PositiveSmallIntegerField(unique=True, help_text="1 = most intimate.")
    description = models.TextField(blank=True)
    min_annual_revenue = models.DecimalField(**MONEY, default=Decimal("0"))
    min_strategic_value = models.PositiveSmallIntegerField(default=1, validators=ONE_TO_FIVE)
    min_lifetime_value = models.DecimalField(**MONEY, default=Decimal("0"))
    min_support_complexity = models.PositiveSmallIntegerField(default=1, validators=ONE_TO_FIVE)
    capacity = models.PositiveIntegerField(help_text="How many customers the tier can serve.")
    dedicated_team = models.CharField(
        max_length=80,
        blank=True,
        help_text="Cases of this tier go to this team's queue; blank: the general queue.",
    )

    THRESHOLD_FIELDS = (
        "min_annual_revenue",
        "min_strategic_value",
        "min_lifetime_value",
        "min_support_complexity",
    )

    class Meta:
        ordering = ["rank"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_strategic_value__gte=1, min_strategic_value__lte=5),
                name="segment_strategic_1_5",
            ),
            models.CheckConstraint(
                condition=Q(min_support_complexity__gte=1, min_support_complexity__lte=5),
                name="segment_complexity_1_5",
            ),
            models.CheckConstraint(
                condition=Q(min_annual_revenue__gte=0, min_lifetime_value__gte=0),
                name="segment_money_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Customer(models.Model):
    source = models.CharField(
        max_length=40, default="manual", help_text="System the record comes from (crm, erp, ticketing)."
    )
    external_id = models.CharField(max_length=100, help_text="The id in the source system.")
    name = models.CharField(max_length=200)
    # No index of their own: Meta.indexes lead with them (one index fewer to write per imported row each).
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="customers", db_index=False)
    account_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_customers",
        db_index=False,
    )
    annual_revenue = models.DecimalField(**MONEY, default=Decimal("0"))
    strategic_value = models.PositiveSmallIntegerField(default=1, validators=ONE_TO_FIVE)
    support_complexity = models.PositiveSmallIntegerField(default=1, validators=ONE_TO_FIVE)
    lifetime_value = models.DecimalField(**MONEY, default=Decimal("0"))
    segment = models.ForeignKey(
        Segment, null=True, blank=True, on_delete=models.PROTECT, related_name="customers"
    )
    segment_locked = models.BooleanField(default=False)
    segment_locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    segment_lock_reason = models.TextField(blank=True)
    consent_profiling = models.BooleanField(default=False)
    consent_sentiment = models.BooleanField(default=False)
    consent_surveys = models.BooleanField(default=False)
    legal_hold = models.BooleanField(default=False)
    # Sensitive (declared in segments/privacy.py; intimacy_ops.sensitive decides who reads them).
    contact_email = models.EmailField(blank=True)
    personal_notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"], name="customer_unique_external_id_per_source"
            ),
            models.CheckConstraint(
                condition=Q(strategic_value__gte=1, strategic_value__lte=5), name="customer_strategic_1_5"
            ),
            models.CheckConstraint(
                condition=Q(support_complexity__gte=1, support_complexity__lte=5),
                name="customer_complexity_1_5",
            ),
            models.CheckConstraint(
                condition=Q(annual_revenue__gte=0, lifetime_value__gte=0), name="customer_money_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(segment_locked=False) | ~Q(segment_lock_reason=""),
                name="customer_lock_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["region", "segment"]),
            # With the region: "does this manager have customers in my regions" (the customer list's
            # manager filter) is one probe per person instead of a walk through their other regions' customers.
            # On PostgreSQL it also carries `id` (migration 0014): "my customers" read from the index alone.
            models.Index(fields=["account_manager", "region"], name="customer_manager_region"),
            # The lists' default order: the first page walks this index instead of sorting every customer.
            models.Index(fields=["name", "id"], name="customer_name_order"),
        ]
        # Given per customer (django-guardian), by a data steward's grant or a break-glass session.
        permissions = [("view_sensitive_customer", "Can read the customer's sensitive fields")]

    def __str__(self) -> str:
        return self.name


class SegmentChange(models.Model):
    class Cause(models.TextChoices):
        RULE = "rule", "By rule"
        PERSON = "person", "By a person"

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="segment_changes")
    from_segment = models.ForeignKey(
        Segment, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_segment = models.ForeignKey(Segment, on_delete=models.PROTECT, related_name="+")
    cause = models.CharField(max_length=10, choices=Cause.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.from_segment_id} → {self.to_segment_id}"


class ThresholdChange(models.Model):
    """One applied change of the tier thresholds (issue 17, item 7): the thresholds before and after, who
    applied it, the regions whose customers moved. Its history entry offers the revert (a new change)."""

    batch = models.CharField(max_length=12, unique=True)
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    applied_at = models.DateTimeField(db_index=True)
    reason = models.TextField(blank=True)
    before = models.JSONField(help_text="Per segment id: the thresholds and capacity before.")
    after = models.JSONField(help_text="Per segment id: the thresholds and capacity after.")
    moved = models.PositiveIntegerField(default=0)
    regions = models.JSONField(
        default=list, blank=True, help_text="Codes of the regions whose customers moved."
    )

    class Meta:
        ordering = ["-applied_at", "-id"]

    def __str__(self) -> str:
        return f"Threshold change {self.batch} ({self.moved} moved)"


class Priority(models.TextChoices):
    P1 = "P1", "P1 · critical"
    P2 = "P2", "P2 · high"
    P3 = "P3", "P3 · normal"
    P4 = "P4", "P4 · low"


class WorkingCalendar(models.Model):
    """When a region works: business-hours SLA clocks only run inside these hours."""

    region = models.OneToOneField(Region, on_delete=models.CASCADE, related_name="calendar")
    timezone = models.CharField(max_length=64, default="UTC", help_text="IANA name, e.g. Europe/Paris.")
    weekdays = models.JSONField(default=list, help_text="Working weekdays, 0 = Monday … 6 = Sunday.")
    day_starts = models.TimeField()
    day_ends = models.TimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(day_ends__gt=models.F("day_starts")), name="calendar_day_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.region.code} calendar"


class Holiday(models.Model):
    calendar = models.ForeignKey(WorkingCalendar, on_delete=models.CASCADE, related_name="holidays")
    on = models.DateField()
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["on"]
        constraints = [models.UniqueConstraint(fields=["calendar", "on"], name="holiday_once_per_day")]

    def __str__(self) -> str:
        return f"{self.on}: {self.name}"


class SlaPolicy(models.Model):
    class Clock(models.TextChoices):
        BUSINESS_HOURS = "business_hours", "Business hours"
        ALWAYS = "24x7", "24×7"

    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="sla_policies")
    priority = models.CharField(max_length=2, choices=Priority.choices)
    first_response_minutes = models.PositiveIntegerField()
    resolution_minutes = models.PositiveIntegerField()
    clock = models.CharField(max_length=20, choices=Clock.choices, default=Clock.BUSINESS_HOURS)
    update_interval_minutes = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Proactive update: tell the customer about progress at least this often.",
    )
    escalation_ladder = models.JSONField(
        default=list, blank=True, help_text='Steps like [{"after_minutes": 60, "role": "operations lead"}].'
    )
    equity_exception_reason = models.TextField(
        blank=True,
        help_text="Why a lower tier may get a faster target than a higher one, confirmed by an operations lead.",
    )

    class Meta:
        ordering = ["segment__rank", "priority"]
        constraints = [
            models.UniqueConstraint(
                fields=["segment", "priority"], name="one_sla_policy_per_segment_priority"
            ),
            models.CheckConstraint(
                condition=Q(resolution_minutes__gte=models.F("first_response_minutes")),
                name="sla_resolution_after_response",
            ),
            models.CheckConstraint(condition=Q(first_response_minutes__gt=0), name="sla_response_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.segment} {self.priority}"


class ServiceCase(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="cases")
    source = models.CharField(max_length=40, default="manual")
    external_id = models.CharField(max_length=100)
    title = models.CharField(max_length=200, blank=True)
    priority = models.CharField(max_length=2, choices=Priority.choices)
    opened_at = models.DateTimeField()
    first_response_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    # Derived from the customer's segment policy and the region's calendar; stored so lists can filter.
    response_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    resolution_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    breached = models.BooleanField(default=False, db_index=True)
    queue = models.CharField(
        max_length=80, default="general", help_text="The team queue the case is routed to."
    )
    # Set by retention (declared in segments/privacy.py): the case's free text was blanked; it is not matched again.
    anonymized_at = models.DateTimeField(null=True, blank=True)
    # Set by the SLA sweep (segments.checks.sweep) as it sees a due time pass unanswered and
    # escalates it: once per case and line, so a second sweep finds nothing left to do.
    response_breached_at = models.DateTimeField(null=True, blank=True)
    resolution_breached_at = models.DateTimeField(null=True, blank=True)
    # Proactive updates (the policy's update interval): when the account manager is next reminded,
    # and when they last were. Kept by refresh_clock and the sweep; empty when closed or no interval.
    update_reminder_at = models.DateTimeField(null=True, blank=True)
    update_reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        # What the SLA sweep looks for, indexed on just the rows still to act on: its cost follows
        # what crossed the line, not how many cases there are.
        indexes = [
            models.Index(
                fields=["response_due_at"],
                condition=Q(first_response_at__isnull=True, response_breached_at__isnull=True),
                name="case_response_to_sweep",
            ),
            models.Index(
                fields=["resolution_due_at"],
                condition=Q(resolved_at__isnull=True, resolution_breached_at__isnull=True),
                name="case_resolution_to_sweep",
            ),
            models.Index(
                fields=["update_reminder_at"],
                condition=Q(resolved_at__isnull=True),
                name="case_update_reminder_due",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"], name="case_unique_external_id_per_source"
            ),
            models.CheckConstraint(
                condition=Q(first_response_at__isnull=True) | Q(first_response_at__gte=models.F("opened_at")),
                name="case_response_after_open",
            ),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True) | Q(resolved_at__gte=models.F("opened_at")),
                name="case_resolved_after_open",
            ),
        ]

    def __str__(self) -> str:
        return self.title or f"{self.source}:{self.external_id}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class WaitingInterval(models.Model):
    """A time the case waited on the customer: the SLA clock is paused inside it."""

    case = models.ForeignKey(ServiceCase, on_delete=models.CASCADE, related_name="waiting")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["started_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gt=models.F("started_at")),
                name="waiting_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["case"], condition=Q(ended_at__isnull=True), name="one_open_wait_per_case"
            ),
        ]

    def __str__(self) -> str:
        return f"waiting {self.started_at:%Y-%m-%d %H:%M} – {self.ended_at or 'now'}"


class CustomerUserObjectPermission(UserObjectPermissionBase):
    """django-guardian's direct foreign-key object permission for customers (an indexed join, not a
    generic varchar lookup): a data steward's grant (privacy) gives `view_sensitive_customer` here."""

    content_object = models.ForeignKey(Customer, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = "customer permission of a user"


class CustomerGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Customer, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = "customer permission of a group"


# SLA compliance's summary table for the dashboard (segments/summaries), found with the app's models.
# The home cards' per-region figures (segments/figures), defined in their sub-domain.
from segments.figures.models import CaseFigure, TierFigure  # noqa: E402, F401
from segments.summaries.models import SlaFigure  # noqa: E402, F401
