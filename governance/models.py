"""Change-control boards (DESIGN.md, "governance/"): boards, reviews and their votes, interests, co-opted
members, meetings, calendar feeds, and threshold policies ("standardize or sunset")."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from exceptions.models import ExceptionRequest, ExtensionRequest, Process
from intimacy_ops.accounts.models import Region
from segments.models import Segment

MONEY = {"max_digits": 14, "decimal_places": 2}
PROCESS_KINDS = ["standardization", "sunset", "standard_change", "restandardization"]


class Board(models.Model):
    class Rule(models.TextChoices):
        SIMPLE_MAJORITY = "simple_majority", "Simple majority"
        TWO_THIRDS = "two_thirds", "Two-thirds"
        UNANIMOUS = "unanimous", "Unanimous"

    name = models.CharField(max_length=120, unique=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="chaired_boards"
    )
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="boards", blank=True)
    categories = models.JSONField(
        default=list, blank=True, help_text="Process categories in scope; empty: every category."
    )
    regions = models.ManyToManyField(Region, related_name="boards", help_text="Regions in scope.")
    quorum = models.PositiveSmallIntegerField(default=2)
    rule = models.CharField(max_length=20, choices=Rule.choices, default=Rule.SIMPLE_MAJORITY)
    review_days = models.PositiveSmallIntegerField(
        default=10, help_text="Review SLA: days from opening to due."
    )

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.CheckConstraint(condition=Q(quorum__gte=1), name="board_quorum_at_least_one")]

    def __str__(self) -> str:
        return self.name

    def covers_category(self, category: str) -> bool:
        return not self.categories or category in self.categories


class ThresholdPolicy(models.Model):
    """A line that, once crossed, opens one review ("standardize or sunset"); scope: process, segment, global."""

    class Scope(models.TextChoices):
        PROCESS = "process", "One process"
        SEGMENT = "segment", "One segment"
        GLOBAL = "global", "Global"

    name = models.CharField(max_length=120, unique=True)
    scope = models.CharField(max_length=10, choices=Scope.choices)
    process = models.ForeignKey(
        Process, null=True, blank=True, on_delete=models.CASCADE, related_name="threshold_policies"
    )
    segment = models.ForeignKey(
        Segment, null=True, blank=True, on_delete=models.CASCADE, related_name="threshold_policies"
    )
    max_active_exceptions = models.PositiveIntegerField(null=True, blank=True)
    max_monthly_cost = models.DecimalField(**MONEY, null=True, blank=True)
    max_age_days = models.PositiveIntegerField(null=True, blank=True)
    min_similar_customers = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="This many customers holding similar exceptions → propose a standard option.",
    )
    sunset_lead_days = models.PositiveIntegerField(
        null=True, blank=True, help_text="Open a sunset review this many days before an exception expires."
    )
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = "threshold policies"
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(scope="process", process__isnull=False, segment__isnull=True)
                    | Q(scope="segment", segment__isnull=False, process__isnull=True)
                    | Q(scope="global", process__isnull=True, segment__isnull=True)
                ),
                name="threshold_policy_scope_matches",
            ),
            models.CheckConstraint(
                condition=(
                    Q(max_active_exceptions__isnull=False)
                    | Q(max_monthly_cost__isnull=False)
                    | Q(max_age_days__isnull=False)
                    | Q(min_similar_customers__isnull=False)
                    | Q(sunset_lead_days__isnull=False)
                ),
                name="threshold_policy_has_a_limit",
            ),
            models.CheckConstraint(
                condition=Q(max_monthly_cost__isnull=True) | Q(max_monthly_cost__gte=0),
                name="threshold_policy_cost_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Review(models.Model):
    """A board's review of an exception request, an extension, or a standardization or sunset proposal."""

    class Kind(models.TextChoices):
        EXCEPTION = "exception", "Exception request"
        EXTENSION = "extension", "Extension"
        STANDARDIZATION = "standardization", "Standardization proposal"
        SUNSET = "sunset", "Sunset proposal"
        STANDARD_CHANGE = "standard_change", "Change to the standard"
        RESTANDARDIZATION = "restandardization", "Re-standardization review"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DECIDED = "decided", "Decided"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Outcome(models.TextChoices):
        NONE = "", "Not decided"
        APPROVE = "approve", "Approve"
        APPROVE_WITH_CONDITIONS = "approve_with_conditions", "Approve with conditions"
        REJECT = "reject", "Reject"
        RETURN_FOR_CHANGES = "return_for_changes", "Return for changes"
        DEFER = "defer", "Defer"

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.EXCEPTION, db_index=True)
    exception = models.ForeignKey(
        ExceptionRequest,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reviews",
        help_text="The request under review (exception and extension reviews; a sunset review of one exception).",
    )
    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="reviews")
    extension = models.ForeignKey(
        ExtensionRequest,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reviews",
        help_text="Set when the review decides an extension beyond the region's maximum, not the request itself.",
    )
    process = models.ForeignKey(
        Process,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reviews",
        help_text="The process a standardization or sunset proposal is about.",
    )
    deviation_tag = models.SlugField(
        max_length=50,
        blank=True,
        help_text="Standardization: the kind of deviation proposed as a standard option.",
    )
    policy = models.ForeignKey(
        ThresholdPolicy,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reviews",
        help_text="The threshold policy whose crossing opened this review.",
    )
    subject_key = models.CharField(
        max_length=120,
        blank=True,
        help_text="What a policy crossing is about, e.g. process:3, segment:2, exception:12, process:3:tag:x.",
    )
    covered = models.ManyToManyField(
        ExceptionRequest,
        blank=True,
        related_name="proposal_reviews",
        help_text="The exceptions a standardization or sunset proposal covers.",
    )
    title = models.CharField(
        max_length=200, blank=True, help_text="A proposal's headline (requests use theirs)."
    )
    summary = models.TextField(blank=True, help_text="Why a proposal was opened (which line was crossed).")
    sunset_on = models.DateField(
        null=True, blank=True, help_text="Sunset: the end date the chair set on the covered exceptions."
    )
    standard_option = models.CharField(
        max_length=300,
        blank=True,
        help_text="Standardization: the option's wording as the chair approved it.",
    )
    impact = models.JSONField(
        default=dict,
        blank=True,
        help_text=(
            "The process owner's impact assessment: similar active exceptions, customers, capacity effect, "
            "monthly cost, risk, notes. Prefilled from data; the owner edits it."
        ),
    )
    impact_updated_at = models.DateTimeField(null=True, blank=True)
    impact_updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    due_on = models.DateField(db_index=True)
    outcome = models.CharField(max_length=30, choices=Outcome.choices, default=Outcome.NONE, blank=True)
    rationale = models.TextField(blank=True)
    conditions = models.TextField(blank=True)
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    meeting = models.ForeignKey(
        "Meeting", null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions",
        help_text="The meeting in which the decision was taken, if any.",
    )  # fmt: skip
    deferrals = models.PositiveSmallIntegerField(default=0)
    rules = models.JSONField(default=dict, blank=True, help_text="Its board's quorum and rule at opening.")

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            # However often routing runs, a request has at most one open review of its own (not a proposal's).
            models.UniqueConstraint(
                fields=["exception"],
                condition=Q(status="open", policy__isnull=True),
                name="one_open_review_per_exception",
            ),
            # However often (and however concurrently) the threshold check runs: one open review per crossing.
            models.UniqueConstraint(
                fields=["policy", "subject_key"],
                condition=Q(status="open", policy__isnull=False),
                name="one_open_review_per_policy_subject",
            ),
            models.CheckConstraint(
                condition=Q(status="decided") | Q(outcome=""), name="review_outcome_only_when_decided"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["exception", "extension"], exception__isnull=False)
                | Q(kind__in=PROCESS_KINDS, process__isnull=False),
                name="review_has_its_subject",
            ),
            models.CheckConstraint(
                condition=Q(kind="extension") | Q(extension__isnull=True),
                name="review_extension_only_for_extensions",
            ),
        ]

    def __str__(self) -> str:
        if self.kind in (self.Kind.EXCEPTION, self.Kind.EXTENSION):
            return f"Review of request {self.exception_id} by board {self.board_id}"
        return f"{self.get_kind_display()} {self.pk} by board {self.board_id}"

    def get_absolute_url(self) -> str:
        """The review's page: the request or proposal, its votes and the chair's decision."""
        return reverse("governance:review", args=[self.pk])

    @property
    def headline(self) -> str:
        """What the review is about, in a line: a proposal's headline, or the request's title."""
        if self.title:
            return self.title
        if self.exception_id:
            return self.exception.title
        return f"{self.get_kind_display()} {self.pk}"


class Vote(models.Model):
    """One member's vote on one review, changeable until it is decided (`cast_by`: their delegate, if away)."""

    class Choice(models.TextChoices):
        APPROVE = "approve", "Approve"
        REJECT = "reject", "Reject"
        ABSTAIN = "abstain", "Abstain"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="votes")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="votes")
    cast_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+")
    choice = models.CharField(max_length=10, choices=Choice.choices)
    rationale = models.TextField(blank=True)
    cast_at = models.DateTimeField()
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["cast_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "member"], name="one_vote_per_member_per_review")
        ]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.choice} on review {self.review_id}"


class DeclaredInterest(models.Model):
    """A member declares an interest in a review themselves and steps aside (recused, recorded)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="declared_interests")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    statement = models.TextField()
    declared_at = models.DateTimeField()

    class Meta:
        ordering = ["declared_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "member"], name="one_interest_per_member_per_review")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} declared an interest in review {self.review_id}"


class CoOptedMember(models.Model):
    """A substitute the chair adds to one review when too few eligible members remain for quorum."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="co_opted")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    co_opted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    co_opted_at = models.DateTimeField()

    class Meta:
        ordering = ["co_opted_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "member"], name="one_co_option_per_member_per_review")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} co-opted to review {self.review_id}"


class Meeting(models.Model):
    """A board meeting: when, where, the agenda of reviews, who attended, the minutes."""

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="meetings")
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField()
    location = models.CharField(max_length=200, blank=True)
    agenda = models.ManyToManyField(Review, through="AgendaItem", related_name="meetings", blank=True)
    attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="meetings_attended")
    minutes = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_at:%Y-%m-%d %H:%M})"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "review"], name="review_once_per_agenda")]

    def __str__(self) -> str:
        return f"Item {self.position} of meeting {self.meeting_id}: review {self.review_id}"


def _new_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """A user's secret calendar address (`/governance/calendar/<token>.ics`): their boards' meetings and due dates."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=_new_token)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user_id}"


from governance.models_decisions import Condition, SunsetExclusion  # noqa: E402, F401  (shaped decisions)
