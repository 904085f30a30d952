"""Standard processes and requests to deviate from them (DESIGN.md, "exceptions/"). Status values, kinds and
categories are a contract (CONTRACT.md): the strings never change."""

from decimal import Decimal

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q

from intimacy_ops.accounts.models import Region
from segments.models import Customer

MONEY = {"max_digits": 14, "decimal_places": 2}


class ProcessCategory(models.TextChoices):
    ORDER_MANAGEMENT = "order_management", "Order management"
    FULFILMENT = "fulfilment", "Fulfilment"
    RETURNS = "returns", "Returns"
    BILLING = "billing", "Billing"
    SERVICE = "service", "Service"
    ONBOARDING = "onboarding", "Onboarding"


class Process(models.Model):
    """A standard process of the catalog. `version` is the number of its current version."""

    name = models.CharField(max_length=120, unique=True)
    category = models.CharField(max_length=30, choices=ProcessCategory.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_processes",
    )
    description = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1, help_text="Number of the current version.")
    standard_option_customers = models.PositiveSmallIntegerField(
        default=3,
        help_text=(
            "When this many distinct customers hold active exceptions of this process with the same "
            "deviation tag, the owner is asked to propose a standard option."
        ),
    )
    controlled = models.BooleanField(default=False, help_text="Under change control (services/standard.py).")
    restandardize_months = models.PositiveSmallIntegerField(
        default=6, help_text="Controlled: the board reviews its active exceptions every this many months."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = "processes"
        constraints = [
            models.CheckConstraint(
                condition=Q(restandardize_months__gte=1, restandardize_months__lte=60),
                name="process_restandardize_months_in_range",
            )
        ]

    def __str__(self) -> str:
        return self.name


class ProcessVersion(models.Model):
    """One version of a process: its procedure and standard options; `pending` until a board decides (standard.py)."""

    class Status(models.TextChoices):
        PUBLISHED = "published", "Published"
        PENDING = "pending", "Pending the board's approval"
        REJECTED = "rejected", "Rejected by the board"

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    procedure = models.TextField(help_text="The standard operating procedure.")
    standard_options = models.JSONField(
        default=list, blank=True, help_text="Named variations the standard allows."
    )
    effective_on = models.DateField()
    change_note = models.TextField(blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PUBLISHED)

    class Meta:
        ordering = ["process_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["process", "number"], name="process_version_number_once"),
            models.UniqueConstraint(
                fields=["process"], condition=Q(status="pending"), name="one_pending_version_per_process"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.process} v{self.number}"


class RiskRating(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    CRITICAL = "critical", "Critical"

    @classmethod
    def rank(cls, value: str) -> int:
        return list(cls.values).index(value)


class RoutingThreshold(models.Model):
    """Per region: below all three limits a request goes to an operations lead; otherwise to the board.

    Also holds the region's policy on how long an exception may run and how often it may be extended.
    """

    region = models.OneToOneField(Region, on_delete=models.CASCADE, related_name="routing_threshold")
    monthly_cost_below = models.DecimalField(**MONEY, help_text="Estimated monthly cost must be below this.")
    one_off_cost_below = models.DecimalField(**MONEY, help_text="Estimated one-off cost must be below this.")
    risk_below = models.CharField(
        max_length=10,
        choices=RiskRating.choices,
        default=RiskRating.HIGH,
        help_text="Risk rating must be below this.",
    )
    max_duration_days = models.PositiveIntegerField(
        default=365, help_text="Longest time from start to expiry."
    )
    max_extensions = models.PositiveSmallIntegerField(default=2)
    expiry_reminder_days = models.PositiveSmallIntegerField(
        default=14, help_text="Days before an exception expires that its requester is reminded."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["region__code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(monthly_cost_below__gte=0, one_off_cost_below__gte=0),
                name="routing_threshold_not_negative",
            )
        ]

    def __str__(self) -> str:
        return f"{self.region.code} routing threshold"


class ExceptionRequest(models.Model):
    class Kind(models.TextChoices):
        ONE_OFF = "one_off", "One-off"
        RECURRING = "recurring", "Recurring"
        PERMANENT = "permanent", "Permanent"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        UNDER_REVIEW = "under_review", "Under review"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        ACTIVE = "active", "Active"
        EXPIRED = "expired", "Expired"
        SUNSET = "sunset", "Sunset"
        STANDARDIZED = "standardized", "Standardized"
        REVOKED = "revoked", "Revoked"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Route(models.TextChoices):
        NONE = "", "Not routed yet"
        LEAD = "lead", "Operations lead of the region"
        BOARD = "board", "Change-control board"

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="exception_requests")
    process = models.ForeignKey(Process, on_delete=models.PROTECT, related_name="exception_requests")
    process_version = models.ForeignKey(
        ProcessVersion,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The version the request deviates from.",
    )
    title = models.CharField(max_length=200)
    deviation = models.TextField(help_text="What deviates from the standard, and how.")
    deviation_tag = models.SlugField(
        max_length=50,
        blank=True,
        db_index=True,
        help_text=(
            "A short name for the kind of deviation (e.g. saturday-delivery): requests of one process with "
            "the same tag count as similar when proposing a standard option."
        ),
    )
    justification = models.TextField(help_text="The business justification.")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    permanent_reason = models.TextField(
        blank=True, help_text="Permanent only: why the standard cannot change."
    )
    scope_regions = models.ManyToManyField(Region, blank=True, related_name="+")
    scope_sites = models.JSONField(default=list, blank=True)
    scope_shifts = models.JSONField(default=list, blank=True)
    estimated_one_off_cost = models.DecimalField(**MONEY, default=Decimal("0"))
    estimated_monthly_cost = models.DecimalField(**MONEY, default=Decimal("0"))
    revenue_at_risk = models.DecimalField(**MONEY, default=Decimal("0"))
    risk_rating = models.CharField(max_length=10, choices=RiskRating.choices, default=RiskRating.LOW)
    starts_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)
    handling_procedure = models.TextField(
        blank=True, help_text="What every shift and location does to carry it out."
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    route = models.CharField(max_length=10, choices=Route.choices, default=Route.NONE, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="exception_requests"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    sunset_on = models.DateField(
        null=True,
        blank=True,
        db_index=True,
        help_text="Set by a board's sunset decision: the exception moves to sunset on this date.",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["process", "status"]),
            models.Index(fields=["customer", "status"]),
            # The start/expiry check selects what crossed its date: cost follows what crossed, not the table.
            models.Index(fields=["status", "starts_on"], name="exception_status_starts"),
            models.Index(fields=["status", "expires_on"], name="exception_status_expires"),
            # An operations lead's "Waiting for me", oldest first: the few lead-routed requests waiting, in
            # order, instead of every submitted request of every region sorted (16-25 → 2 ms at 100,000
            # customers, bench/README.md).
            models.Index(
                fields=["status_changed_at", "id"],
                condition=Q(route="lead", status__in=["submitted", "under_review"]),
                name="exception_lead_waiting",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    estimated_one_off_cost__gte=0, estimated_monthly_cost__gte=0, revenue_at_risk__gte=0
                ),
                name="exception_costs_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(kind="permanent") | Q(expires_on__isnull=False),
                name="exception_expiry_unless_permanent",
            ),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gt=models.F("starts_on")),
                name="exception_expires_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ExceptionTransition(models.Model):
    """One step of a request's lifecycle: who (`on_behalf_of`: the person a delegate stood in for), when, from,
    to, why. Written only by the lifecycle engine."""

    exception = models.ForeignKey(ExceptionRequest, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(max_length=30)
    from_status = models.CharField(max_length=20, choices=ExceptionRequest.Status.choices)
    to_status = models.CharField(max_length=20, choices=ExceptionRequest.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty: the system (a periodic check or routing).",
    )
    authority = models.CharField(max_length=10, default="person", help_text="person, board or system.")
    on_behalf_of = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+")
    at = models.DateTimeField(db_index=True)
    comment = models.TextField(blank=True)
    snapshot = models.JSONField(
        null=True,
        blank=True,
        encoder=DjangoJSONEncoder,
        help_text="Decisions only: the request as it was when decided.",
    )

    class Meta:
        ordering = ["at", "id"]
        # The dashboard's time to decision: a decision's latest submission before it, one index probe.
        indexes = [models.Index(fields=["exception", "to_status", "at"], name="transition_exception_to_at")]

    def __str__(self) -> str:
        return f"{self.exception_id}: {self.from_status} → {self.to_status}"


class CostEntry(models.Model):
    """An actual cost incurred by an active exception."""

    exception = models.ForeignKey(ExceptionRequest, on_delete=models.CASCADE, related_name="cost_entries")
    incurred_on = models.DateField()
    amount = models.DecimalField(**MONEY)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-incurred_on", "-id"]
        verbose_name_plural = "cost entries"
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="cost_entry_not_negative")]

    def __str__(self) -> str:
        return f"{self.exception_id}: {self.amount} on {self.incurred_on}"


class ExtensionRequest(models.Model):
    """A request to run an active exception longer; decided through a new review (issue 6, item 7)."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"

    exception = models.ForeignKey(ExceptionRequest, on_delete=models.CASCADE, related_name="extensions")
    new_expires_on = models.DateField()
    reason = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    needs_board = models.BooleanField(
        default=False, help_text="Beyond the region's maximum duration: only a board may allow it."
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["exception"], condition=Q(status="open"), name="one_open_extension_per_exception"
            )
        ]

    def __str__(self) -> str:
        return f"{self.exception_id}: extend to {self.new_expires_on}"


# What the checks mark once (a reminder per expiry date, a standard-option signal), in their own module.
from exceptions.models_marks import ExpiryReminder, StandardOptionSignal  # noqa: E402, F401

# The dashboard's summary tables (exceptions/summaries), defined in their sub-domain.
from exceptions.summaries.models import (  # noqa: E402, F401
    CostMonthFigure,
    CustomerFigure,
    DecisionTimeFigure,
    DriftFigure,
    ExceptionDayFigure,
    ExceptionStatusFigure,
)
