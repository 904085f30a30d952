from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Kind(models.TextChoices):
    """What a notification is about, for the list's filter and each person's per-kind preference. Told from
    the page it links to (`kind_of_link`), so no caller has to name it."""

    REQUESTS = "requests", "Exception requests"
    REVIEWS = "reviews", "Board reviews and meetings"
    ESCALATIONS = "escalations", "Escalations"
    CUSTOMERS = "customers", "Customers and service cases"
    PRIVACY = "privacy", "Sensitive data (grants, break-glass)"
    MENTIONS = "mentions", "Mentions of you"
    OTHER = "other", "Everything else"


# The first part of the link's path → its kind (the privacy pages live under /segments/privacy/).
LINK_KINDS = (
    ("/segments/privacy/", Kind.PRIVACY),
    ("/exceptions/", Kind.REQUESTS),
    ("/governance/", Kind.REVIEWS),
    ("/escalations/", Kind.ESCALATIONS),
    ("/segments/", Kind.CUSTOMERS),
)


def kind_of_link(link: str) -> str:
    return next(
        (kind.value for prefix, kind in LINK_KINDS if (link or "").startswith(prefix)), Kind.OTHER.value
    )


class EmailState(models.TextChoices):
    """What became of a notification's e-mail copy."""

    NONE = "none", "No e-mail (no address, or the person turned non-urgent mail off)"
    QUEUED = "queued", "Queued for sending"
    SENDING = "sending", "Being sent (claimed by a worker)"
    SENT = "sent", "Sent"
    HELD = "held", "Held for the daily digest"
    DIGESTED = "digested", "Sent in a daily digest"
    FAILED = "failed", "Failed (see the dead letters)"


class Notification(models.Model):
    """Something a person should know: shown in the app (unread until opened), copied by e-mail."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=500, blank=True)
    urgent = models.BooleanField(
        default=False, help_text="Urgent ones (escalations) are e-mailed at once, whatever the preference."
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    email_state = models.CharField(max_length=10, choices=EmailState.choices, default=EmailState.NONE)
    # The outbox (intimacy_ops/notifications/delivery.py): when the state last moved or the e-mail was last
    # handed to the broker, and which task attempt ("<task id>:<retry>") claimed it for sending.
    email_state_at = models.DateTimeField(default=timezone.now)
    email_claim = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "intimacy_ops"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            # The digest's one query: what is held, per recipient.
            models.Index(
                fields=["recipient", "created_at"],
                name="notification_held",
                condition=Q(email_state="held"),
            ),
            # The outbox check's one query: e-mails waiting or being sent, by age.
            models.Index(
                fields=["email_state_at"],
                name="notification_outbox",
                condition=Q(email_state__in=["queued", "sending"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id}: {self.subject}"


class EmailPreference(models.TextChoices):
    IMMEDIATE = "immediate", "Immediately, one e-mail per notification"
    DIGEST = "digest", "One daily digest"
    OFF = "off", "No e-mail"


class NotificationPreference(models.Model):
    """How a person wants the e-mail copies of non-urgent notifications; urgent ones always go at once.

    No row means the default: immediately.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email = models.CharField(
        max_length=10, choices=EmailPreference.choices, default=EmailPreference.IMMEDIATE
    )
    muted_kinds = models.JSONField(
        default=list,
        blank=True,
        help_text="Kinds (Kind values) the person does not want to hear about; urgent ones always arrive.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "intimacy_ops"

    def __str__(self) -> str:
        return f"{self.user_id}: {self.email}"


class NotificationDigest(models.Model):
    """One daily digest e-mail: at most one per person and day (the digest check may run as often as it likes)."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    notifications = models.ManyToManyField(Notification, related_name="digests", blank=True)
    email_state = models.CharField(max_length=10, choices=EmailState.choices, default=EmailState.QUEUED)
    email_state_at = models.DateTimeField(default=timezone.now)  # as on Notification
    email_claim = models.CharField(max_length=80, blank=True)

    class Meta:
        app_label = "intimacy_ops"
        ordering = ["-sent_on", "-id"]
        indexes = [
            models.Index(
                fields=["email_state_at"],
                name="digest_outbox",
                condition=Q(email_state__in=["queued", "sending"]),
            )
        ]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "sent_on"], name="one_digest_per_person_per_day")
        ]

    def __str__(self) -> str:
        return f"digest for {self.recipient_id} on {self.sent_on}"


class EmailDeadLetter(models.Model):
    """An e-mail the mail server kept refusing after every retry. The in-app notification is still there."""

    notification = models.ForeignKey(
        Notification, null=True, blank=True, on_delete=models.CASCADE, related_name="dead_letters"
    )
    digest = models.ForeignKey(
        NotificationDigest, null=True, blank=True, on_delete=models.CASCADE, related_name="dead_letters"
    )
    address = models.CharField(max_length=254)
    subject = models.CharField(max_length=250)
    error = models.TextField()
    attempts = models.PositiveSmallIntegerField()
    failed_at = models.DateTimeField(db_index=True)

    class Meta:
        app_label = "intimacy_ops"
        ordering = ["-failed_at", "-id"]
        constraints = [
            # One per e-mail: a task that fails at every level of an eager retry chain records it once.
            models.UniqueConstraint(
                fields=["notification"],
                condition=Q(notification__isnull=False),
                name="one_dead_letter_per_notification",
            ),
            models.UniqueConstraint(
                fields=["digest"], condition=Q(digest__isnull=False), name="one_dead_letter_per_digest"
            ),
            models.CheckConstraint(
                condition=Q(notification__isnull=False) | Q(digest__isnull=False),
                name="dead_letter_of_something",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.address}: {self.subject} ({self.attempts} attempts)"
