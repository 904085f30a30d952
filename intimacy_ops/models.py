"""The kernel's models live beside the code that owns them; Django finds them here."""

from intimacy_ops.audit import AuditEvent
from intimacy_ops.conversation.models import Attachment, Comment, Watch
from intimacy_ops.dashboard.summary_tables import SummaryRefresh
from intimacy_ops.escalations.models import Escalation
from intimacy_ops.health import CheckRun, Heartbeat
from intimacy_ops.notifications.models import (
    EmailDeadLetter,
    Notification,
    NotificationDigest,
    NotificationPreference,
)
from intimacy_ops.saved_views.models import SavedView

__all__ = [
    "Attachment",
    "AuditEvent",
    "CheckRun",
    "Comment",
    "EmailDeadLetter",
    "Escalation",
    "Heartbeat",
    "Notification",
    "NotificationDigest",
    "NotificationPreference",
    "SavedView",
    "SummaryRefresh",
    "Watch",
]
