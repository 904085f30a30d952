"""The customer's voice and what is done about it (DESIGN.md, "feedback/"; issue 16).

- `FeedbackItem`: one thing a customer said (a survey answer, a transcript, an account manager's insight,
  the delivery team's word, a privacy complaint), its score where the source has one, and its sentiment:
  computed only with the customer's consent (else every sentiment field is empty), machine-suggested with
  its score, confidence and the words that drove it; below the confidence threshold it needs a person to
  confirm or correct it before it counts in any aggregate (`FeedbackItemQuerySet.counted`).
  While the customer is held (feedback/holds.py: in recovery from an active incident) nothing is analysed:
  `sentiment_paused_reason` says why, and the check `feedback.surveys_due` analyses it once the hold ends.
- `SurveyInvitation`: an NPS or CES survey request to the customer's contact, due on a day, sent by the check
  `feedback.surveys_due` (feedback/services/surveys.py) unless the customer is held then (suppressed with the
  reason, resumed when the hold ends): feedback/models_surveys.py.
- `RootCauseAnalysis`: a recurring failure on one process, opened once per process and window (a
  constraint), with its five whys (`WhyStep`), corrective actions (`CorrectiveAction`), the loop closed with the
  people told (`LoopClosure`), and the effectiveness check's figures after closing.
Lifecycles: feedback/lifecycles.py. Who sees what: feedback/access_rules.py. Privacy: feedback/privacy.py.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from exceptions.models import ExceptionRequest, Process
from feedback.models_surveys import SurveyInvitation  # noqa: F401  (a model of this app, in its own module)
from intimacy_ops.accounts.models import Region
from segments.models import Customer, ServiceCase

USER = settings.AUTH_USER_MODEL


class Source(models.TextChoices):
    NPS_SURVEY = "nps_survey", "NPS survey"
    CES_SURVEY = "ces_survey", "CES survey"
    SUPPORT_TRANSCRIPT = "support_transcript", "Support transcript"
    ACCOUNT_MANAGER_INSIGHT = "account_manager_insight", "Account manager insight"
    DELIVERY_TEAM = "delivery_team", "Delivery team"
    PRIVACY_COMPLAINT = "privacy_complaint", "Privacy complaint"


# The sources that carry a score, and its range (both ends included); every other source has none.
SCORE_RANGES: dict[str, tuple[int, int]] = {Source.NPS_SURVEY: (0, 10), Source.CES_SURVEY: (1, 7)}
# A score at or below this is negative: an NPS detractor (0–6), a CES of high effort (1–3).
NEGATIVE_AT_MOST: dict[str, int] = {Source.NPS_SURVEY: 6, Source.CES_SURVEY: 3}


class Sentiment(models.TextChoices):
    POSITIVE = "positive", "Positive"
    NEUTRAL = "neutral", "Neutral"
    NEGATIVE = "negative", "Negative"


def _score_fits_source() -> Q:
    fits = Q(score__isnull=True) & ~Q(source__in=list(SCORE_RANGES))
    for source, (low, high) in SCORE_RANGES.items():
        fits |= Q(source=source, score__isnull=False, score__gte=low, score__lte=high)
    return fits


# A sentiment that counts in aggregates: analysed, and confident or settled by a person. The one definition:
# `counted()` filters by it, and aggregates count with it (`Count("pk", filter=COUNTED_SENTIMENT)`).
COUNTED_SENTIMENT = Q(sentiment__isnull=False) & (
    Q(sentiment_confirmed=True) | Q(sentiment_needs_confirmation=False)
)


class FeedbackItemQuerySet(models.QuerySet):
    def counted(self):
        """Items whose sentiment counts in aggregates: analysed, and confident or settled by a person."""
        return self.filter(COUNTED_SENTIMENT)

    def to_confirm(self):
        """The confirmation queue: suggested below the threshold, nobody has confirmed or corrected it yet."""
        return self.filter(
            sentiment__isnull=False, sentiment_needs_confirmation=True, sentiment_confirmed=False
        )

    def negative(self):
        """Negative items: a low score (NEGATIVE_AT_MOST), or a counted negative sentiment."""
        low = Q(pk__in=[])
        for source, at_most in NEGATIVE_AT_MOST.items():
            low |= Q(source=source, score__lte=at_most)
        return self.filter(low | (Q(sentiment=Sentiment.NEGATIVE) & COUNTED_SENTIMENT))


class FeedbackItem(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="feedback_items")
    source = models.CharField(max_length=30, choices=Source.choices, db_index=True)
    score = models.SmallIntegerField(
        null=True, blank=True, help_text="NPS 0–10, CES 1–7; no other source carries a score."
    )
    text = models.TextField(blank=True)
    received_on = models.DateField(db_index=True)
    process = models.ForeignKey(
        Process, null=True, blank=True, on_delete=models.PROTECT, related_name="feedback_items"
    )
    exception = models.ForeignKey(
        ExceptionRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback_items"
    )
    case = models.ForeignKey(
        ServiceCase, null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback_items"
    )
    actionable = models.BooleanField(default=False)
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Where an imported item comes from and its id there: an import is idempotent by (import_source,
    # external_id) — the import file's `source` and `external_id` columns (its `channel` is `source` here).
    import_source = models.CharField(max_length=40, blank=True, default="")
    external_id = models.CharField(max_length=100, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Sentiment: every field empty without the customer's consent (`consent_sentiment`) or without text.
    # NULL, not "": the API says `null` without consent (CONTRACT.md), and "not analysed" is not a label.
    sentiment = models.CharField(max_length=10, choices=Sentiment.choices, null=True, blank=True)  # noqa: DJ001
    sentiment_score = models.FloatField(null=True, blank=True, help_text="The analyser's compound, −1 to 1.")
    sentiment_confidence = models.FloatField(null=True, blank=True, help_text="0 to 1.")
    sentiment_rationale = models.JSONField(
        default=list, blank=True, help_text="The words that drove the suggestion, strongest first."
    )
    sentiment_machine_suggested = models.BooleanField(default=False)
    sentiment_needs_confirmation = models.BooleanField(
        default=False, help_text="Suggested below the confidence threshold: counts once a person settles it."
    )
    sentiment_confirmed = models.BooleanField(default=False, help_text="A person confirmed or corrected it.")
    sentiment_confirmed_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sentiment_confirmed_at = models.DateTimeField(null=True, blank=True)
    sentiment_corrected_from = models.CharField(
        max_length=10,
        choices=Sentiment.choices,
        blank=True,
        default="",
        help_text="The machine's label when a person corrected it.",
    )
    # Not analysed because the customer was held when it arrived (feedback/holds.py): why, e.g. "customer in
    # recovery from incident #12 'Warehouse down'". Emptied when the check analyses it after the hold.
    sentiment_paused_reason = models.CharField(max_length=300, blank=True, default="")
    # Set by retention (feedback/privacy.py): the text was blanked; it is not matched again.
    anonymized_at = models.DateTimeField(null=True, blank=True)

    objects = FeedbackItemQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["process", "received_on"], name="feedback_process_received"),
            models.Index(fields=["customer", "received_on"], name="feedback_customer_received"),
            models.Index(
                fields=["customer"],
                condition=Q(sentiment_needs_confirmation=True, sentiment_confirmed=False),
                name="feedback_to_confirm",
            ),
            models.Index(
                fields=["customer"], condition=~Q(sentiment_paused_reason=""), name="feedback_paused"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["import_source", "external_id"],
                condition=~Q(external_id=""),
                name="feedback_import_once",
            ),
            models.CheckConstraint(condition=_score_fits_source(), name="feedback_score_fits_source"),
            models.CheckConstraint(
                condition=Q(sentiment__isnull=False)
                | Q(
                    sentiment_score__isnull=True,
                    sentiment_confidence__isnull=True,
                    sentiment_confirmed=False,
                    sentiment_needs_confirmation=False,
                ),
                name="feedback_no_sentiment_no_figures",
            ),
            models.CheckConstraint(
                condition=Q(sentiment_paused_reason="") | Q(sentiment__isnull=True),
                name="feedback_paused_not_analysed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} from {self.customer_id} on {self.received_on}"

    @property
    def sentiment_counts(self) -> bool:
        return self.sentiment is not None and (
            self.sentiment_confirmed or not self.sentiment_needs_confirmation
        )


class RootCauseAnalysis(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ANALYSING = "analysing", "Analysing"
        ACTIONS_PLANNED = "actions_planned", "Actions planned"
        VERIFYING = "verifying", "Verifying"
        CLOSED = "closed", "Closed"
        CANCELLED = "cancelled", "Cancelled"

    class Trigger(models.TextChoices):
        RECURRING = "recurring", "Recurring failures (the check)"
        MANUAL = "manual", "Opened by hand"
        INCIDENT = "incident", "An incident's post-mortem"

    process = models.ForeignKey(Process, on_delete=models.PROTECT, related_name="rcas")
    owner = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="rcas")
    # The regions of the customers concerned (the triggering items'): operations leads see their regions'.
    regions = models.ManyToManyField(Region, blank=True, related_name="+")
    trigger = models.CharField(max_length=10, choices=Trigger.choices, default=Trigger.MANUAL)
    problem = models.TextField(help_text="The problem statement.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(blank=True)
    root_cause = models.TextField(blank=True)
    contributing_factors = models.TextField(blank=True)
    # The window of negative feedback that opened it (the recurring-failure check): once per process and window.
    window_start = models.DateField(null=True, blank=True)
    window_end = models.DateField(null=True, blank=True)
    triggering_items = models.ManyToManyField(FeedbackItem, blank=True, related_name="rcas")
    opened_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The effectiveness check, N days after closing: the negative-feedback rate on the process before and after.
    before_negative = models.PositiveIntegerField(null=True, blank=True)
    before_total = models.PositiveIntegerField(null=True, blank=True)
    before_rate = models.FloatField(null=True, blank=True)
    after_negative = models.PositiveIntegerField(null=True, blank=True)
    after_total = models.PositiveIntegerField(null=True, blank=True)
    after_rate = models.FloatField(null=True, blank=True)
    effectiveness_recorded_at = models.DateTimeField(null=True, blank=True)
    effectiveness_fell = models.BooleanField(null=True, blank=True, help_text="Did the negative rate fall?")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "root-cause analysis"
        verbose_name_plural = "root-cause analyses"
        indexes = [
            models.Index(fields=["process", "status"], name="rca_process_status"),
            models.Index(
                fields=["closed_at"],
                condition=Q(status="closed", effectiveness_recorded_at__isnull=True),
                name="rca_effectiveness_due",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["process", "window_start", "window_end"], name="rca_once_per_process_and_window"
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancel_reason=""), name="rca_cancelled_with_reason"
            ),
            models.CheckConstraint(
                condition=Q(window_start__isnull=True, window_end__isnull=True)
                | Q(
                    window_start__isnull=False,
                    window_end__isnull=False,
                    window_start__lte=models.F("window_end"),
                ),
                name="rca_window_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"RCA {self.pk}: {self.problem[:60]}"


class WhyStep(models.Model):
    """One of the five whys, in order (1, 2, …; unique per RCA on every database). Reordering moves the
    whys through free positions first (e.g. + 1000, then their final ones) in one transaction."""

    rca = models.ForeignKey(RootCauseAnalysis, on_delete=models.CASCADE, related_name="whys")
    position = models.PositiveSmallIntegerField()
    question = models.TextField()
    answer = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["rca", "position"]
        verbose_name = "why"
        verbose_name_plural = "whys"
        constraints = [
            models.UniqueConstraint(fields=["rca", "position"], name="why_position_once"),
            models.CheckConstraint(condition=Q(position__gte=1), name="why_position_from_one"),
        ]

    def __str__(self) -> str:
        return f"Why {self.position}: {self.question[:60]}"


class CorrectiveAction(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    OPEN_STATUSES = (Status.PLANNED, Status.IN_PROGRESS)

    rca = models.ForeignKey(RootCauseAnalysis, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    owner = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="corrective_actions")
    due_on = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    evidence = models.TextField(blank=True, help_text="What shows it was done.")
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            # What the overdue check looks for: open actions by due date.
            models.Index(
                fields=["due_on"], condition=Q(status__in=["planned", "in_progress"]), name="action_open_due"
            ),
        ]

    def __str__(self) -> str:
        return f"Action {self.pk}: {self.description[:60]}"


class LoopClosure(models.Model):
    """Closing the loop: who was told what came of it, when and how (an RCA closes only once it has one)."""

    class Audience(models.TextChoices):
        ACCOUNT_MANAGERS = "account_managers", "Account managers"
        CUSTOMER = "customer", "Customer"

    class Channel(models.TextChoices):
        EMAIL = "email", "E-mail"
        MEETING = "meeting", "Meeting"
        PHONE = "phone", "Phone"
        LETTER = "letter", "Letter"
        IN_APP = "in_app", "In the app"

    rca = models.ForeignKey(RootCauseAnalysis, on_delete=models.CASCADE, related_name="loop_closures")
    audience = models.CharField(max_length=20, choices=Audience.choices)
    customer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    who = models.CharField(max_length=200, help_text="Who was told (names, team).")
    told_on = models.DateField()
    channel = models.CharField(max_length=10, choices=Channel.choices)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["told_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_audience_display()} told on {self.told_on} ({self.get_channel_display()})"


class RecurringFailureRule(models.Model):
    """A process's own line for the recurring-failure check (without one: 5 negative items within 30 days)."""

    process = models.OneToOneField(Process, on_delete=models.CASCADE, related_name="recurring_failure_rule")
    negatives = models.PositiveSmallIntegerField(
        default=5, help_text="This many negative items within the window open a root-cause analysis."
    )
    window_days = models.PositiveSmallIntegerField(default=30)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(negatives__gte=1), name="recurring_rule_negatives_from_one"),
            models.CheckConstraint(condition=Q(window_days__gte=1), name="recurring_rule_window_from_one"),
        ]

    def __str__(self) -> str:
        return f"{self.negatives} negative items within {self.window_days} days on {self.process_id}"
