"""Who may read a data subject's sensitive fields beyond their role, the record of every look, and retention.

A *data subject* is a record of any app that declared its model in its `privacy.py`
(`privacy.declare.subject`): the rows here point at it generically — its content type and id —
so this part names no business model. Scoping stays in SQL: a row's subject is matched against
the owning model's scoped queryset (`subject_id IN (SELECT id FROM … WHERE …)`).

- `SensitiveAccessGrant`: why and until when a data steward gave a user a subject's sensitive fields;
  the guardian object permission (the owning app's direct-FK permission model) is the permission,
  the grant its purpose and term (checked at read time).
- `BreakGlassSession`: emergency access to one subject, justified, for at most N hours, reviewed
  afterwards by a data steward.
- `AccessLogEntry`: append-only, one row per subject per response that showed sensitive values.
- `RetentionPolicy`: keep one kind of data this many months, then anonymize or delete it.

The masking that reads grants and writes the log is `intimacy_ops.sensitive`.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.db.models import Q

from intimacy_ops import sensitive


class SubjectQuerySet(models.QuerySet):
    def about(self, subject_obj) -> "SubjectQuerySet":
        """The rows about this record (its content type and id: one indexed lookup)."""
        content_type = ContentType.objects.get_for_model(subject_obj, for_concrete_model=False)
        return self.filter(subject_type=content_type, subject_id=subject_obj.pk)


class SubjectMixin(models.Model):
    """The data subject a row is about: any declared model's record, by content type and id."""

    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")

    objects = SubjectQuerySet.as_manager()

    class Meta:
        abstract = True


class SensitiveAccessGrant(SubjectMixin):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sensitive_grants"
    )
    purpose = models.CharField(max_length=200)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoke_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-granted_at", "-id"]
        indexes = [
            models.Index(
                fields=["user", "subject_type", "subject_id", "expires_at"], name="grant_user_subject_expiry"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("granted_at")), name="grant_expires_after_start"
            ),
            models.CheckConstraint(condition=~Q(purpose=""), name="grant_has_purpose"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.subject_type_id}:{self.subject_id} until {self.expires_at:%Y-%m-%d %H:%M}"

    def is_active(self, now) -> bool:
        return self.revoked_at is None and self.granted_at <= now < self.expires_at


class BreakGlassSession(SubjectMixin):
    class Outcome(models.TextChoices):
        ACCEPT = "accept", "Accepted"
        FLAG = "flag", "Flagged"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glass_sessions"
    )
    justification = models.TextField()
    opened_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    review_comment = models.TextField(blank=True)
    closed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Set once the session has expired, when the same person next opens one on the same subject.",
    )

    class Meta:
        ordering = ["-opened_at", "-id"]
        indexes = [
            models.Index(
                fields=["user", "subject_type", "subject_id", "expires_at"], name="breakglass_user_subject"
            )
        ]
        constraints = [
            # One open session per person and subject: two opens at the same instant give one session and a 409.
            models.UniqueConstraint(
                fields=["user", "subject_type", "subject_id"],
                condition=Q(closed_at__isnull=True),
                name="breakglass_one_open_per_user_subject",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("opened_at")), name="breakglass_expires_after_open"
            ),
            models.CheckConstraint(
                condition=Q(review_outcome="", reviewed_at__isnull=True)
                | (~Q(review_outcome="") & Q(reviewed_at__isnull=False)),
                name="breakglass_review_complete",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"break-glass by {self.user_id} on {self.subject_type_id}:{self.subject_id} "
            f"at {self.opened_at:%Y-%m-%d %H:%M}"
        )


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete an access-log entry."""


class AccessLogQuerySet(SubjectQuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Access-log entries are append-only: they cannot be updated.")

    def delete(self):
        raise AppendOnlyError(
            "Access-log entries are append-only: they cannot be deleted (see purge_before)."
        )

    _raw_delete = delete

    def purge_before(self, cutoff) -> int:
        """Retention's one way out: delete the entries logged before `cutoff` (the trigger lets it pass)."""
        return purge(AccessLogEntry.objects.filter(at__lt=cutoff))


def purge(entries: models.QuerySet) -> int:
    """Delete these access-log entries: on PostgreSQL the trigger lets retention's transaction through."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL intimacy_ops.retention = 'on'")
        return models.QuerySet._raw_delete(entries, entries.db)


class AccessLogEntry(SubjectMixin):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    fields = models.JSONField(help_text="The sensitive fields shown unmasked.")
    at = models.DateTimeField(db_index=True)
    purpose = models.CharField(max_length=250, help_text='"own account", "grant: …" or "break-glass".')
    channel = models.CharField(max_length=20, choices=sensitive.CHANNELS)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "access log entries"
        indexes = [
            models.Index(fields=["subject_type", "subject_id", "at"], name="accesslog_subject_at"),
            models.Index(fields=["user", "at"], name="privacy_accesslog_user_at"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.at:%Y-%m-%d %H:%M} {self.user_id} saw {', '.join(self.fields)} "
            f"of {self.subject_type_id}:{self.subject_id}"
        )

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Access-log entries are append-only: they cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Access-log entries are append-only: they cannot be deleted.")


class RetentionPolicy(models.Model):
    """Keep one kind of data this many months, then anonymize or delete it (privacy.retention applies it)."""

    class Action(models.TextChoices):
        ANONYMIZE = "anonymize", "Anonymize"
        DELETE = "delete", "Delete"

    kind = models.CharField(
        max_length=40,
        help_text="A retention kind (declared in an app's privacy.py): closed_cases, access_log, …",
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    keep_months = models.PositiveIntegerField(help_text="Rows older than this many months are processed.")
    active = models.BooleanField(default=True)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "action"]
        verbose_name_plural = "retention policies"
        constraints = [
            models.UniqueConstraint(fields=["kind", "action"], name="privacy_retention_one_per_kind_action"),
            models.CheckConstraint(condition=Q(keep_months__gte=1), name="retention_keep_at_least_a_month"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.action} after {self.keep_months} months"
