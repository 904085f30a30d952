"""Survey invitations (issue 19, item 5): an NPS or CES survey request to a customer's contact, due on a day,
sent by the check `feedback.surveys_due` (feedback/services/surveys.py) — or held, with the reason, while the
customer is held (feedback/holds.py: in recovery from an active incident), and resumed when the hold ends.
Lifecycle: feedback/lifecycles.py. Imported by feedback/models.py (the app's models module).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from intimacy_ops.notifications.models import EmailState
from segments.models import Customer

USER = settings.AUTH_USER_MODEL


class SurveyInvitation(models.Model):
    """An NPS or CES survey request to a customer's contact, sent on `due_on` by the check (never while held)."""

    class Survey(models.TextChoices):
        # The feedback sources of the answers (`Source.NPS_SURVEY`, `Source.CES_SURVEY`).
        NPS = "nps_survey", "NPS survey (0–10)"
        CES = "ces_survey", "CES survey (1–7)"

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        SENT = "sent", "Sent"
        SUPPRESSED = "suppressed", "Held"
        CANCELLED = "cancelled", "Cancelled"

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="survey_invitations")
    survey = models.CharField(max_length=20, choices=Survey.choices)
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    # Why it is held (or was, last): the hold's reason when the check suppressed it; kept after it resumed.
    held_reason = models.CharField(max_length=300, blank=True, default="")
    held_at = models.DateTimeField(null=True, blank=True)
    resumed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The e-mail to the customer's contact: its outbox state, as a notification's (queued → sending → sent;
    # failed with `email_error`), the attempt that claimed it, and how many attempts the mail server refused.
    email_state = models.CharField(max_length=10, choices=EmailState.choices, default=EmailState.NONE)
    email_state_at = models.DateTimeField(null=True, blank=True)
    email_claim = models.CharField(max_length=80, blank=True)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_error = models.CharField(max_length=300, blank=True)
    scheduled_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            # The check's two lines: due scheduled invitations, and held ones.
            models.Index(
                fields=["due_on"], condition=Q(status__in=["scheduled", "suppressed"]), name="survey_waiting"
            ),
            models.Index(
                fields=["email_state_at"],
                condition=Q(email_state__in=["queued", "sending"]),
                name="survey_outbox",
            ),
            models.Index(fields=["customer", "status"], name="survey_customer"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="suppressed") | ~Q(held_reason=""), name="survey_held_with_reason"
            ),
            # One open invitation per customer and survey: scheduling it twice is a 409, never two e-mails.
            models.UniqueConstraint(
                fields=["customer", "survey"],
                condition=Q(status__in=["scheduled", "suppressed"]),
                name="survey_open_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_survey_display()} to {self.customer_id} on {self.due_on}"
