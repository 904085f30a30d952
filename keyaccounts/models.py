"""Key accounts kept close (issue 20). Today: the customer's own view of their terms, through a link.

A `CustomerLink` lets one customer contact read that customer's terms without an account: a signed token
(keyaccounts/links.py) naming the link and a secret, of which only a hash is kept; it expires, can be
revoked (a lifecycle row, keyaccounts/lifecycles.py), and every view is in the access log.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class CustomerLink(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        REVOKED = "revoked", "Revoked"

    customer = models.ForeignKey("segments.Customer", on_delete=models.CASCADE, related_name="links")
    contact_name = models.CharField(max_length=200, help_text="Who at the customer the link is for.")
    secret_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the token's secret.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    views = models.PositiveIntegerField(default=0)
    last_viewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        indexes = [models.Index(fields=["customer", "issued_at"], name="customerlink_customer_issued")]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("issued_at")), name="link_expires_after_issue"
            ),
            models.CheckConstraint(
                condition=Q(status="active", revoked_at__isnull=True)
                | Q(status="revoked", revoked_at__isnull=False),
                name="link_revoked_has_a_time",
            ),
        ]

    def __str__(self) -> str:
        return f"Link for {self.contact_name} ({self.customer_id})"

    def is_open(self, now) -> bool:
        return self.status == self.Status.ACTIVE and self.expires_at > now
