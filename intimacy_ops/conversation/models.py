"""Comments, their attachments and who watches a subject. A subject is any model an app registered
(`intimacy_ops.conversation.register`), named by content type and id."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

BODY_MAX_LENGTH = 4000


class Comment(models.Model):
    """Something a person said on a subject: part of its timeline and of the audit trail."""

    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.PositiveBigIntegerField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments")
    body = models.TextField(max_length=BODY_MAX_LENGTH)
    mentioned = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="mentioned_in", blank=True, help_text="Told by a notification."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "intimacy_ops"
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["subject_type", "subject_id", "created_at"], name="comment_subject")]

    def __str__(self) -> str:
        return f"{self.author_id} on {self.subject_type_id}#{self.subject_id}: {self.body[:40]}"

    @property
    def at(self):  # the timeline orders its entries by `at`
        return self.created_at

    is_comment = True


def attachment_path(attachment: "Attachment", filename: str) -> str:
    # Never the uploader's name as the stored path (it is kept in `name`): no guessing, no clashes.
    return f"conversation/{timezone.now():%Y/%m}/{attachment.token}"


class Attachment(models.Model):
    """A file uploaded with a comment: stored through Django's storage API, downloaded only through an
    access-checked view (never a public media URL)."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=300)
    token = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=255, help_text="The file's name as uploaded.")
    content_type = models.CharField(max_length=100)
    size_bytes = models.PositiveBigIntegerField()

    class Meta:
        app_label = "intimacy_ops"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Watch(models.Model):
    """A person's choice about a subject's new comments: watching (told) or not (a participant who opted out)."""

    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.PositiveBigIntegerField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watches")
    watching = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "intimacy_ops"
        constraints = [
            models.UniqueConstraint(fields=["subject_type", "subject_id", "user"], name="watch_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {'watches' if self.watching else 'ignores'} {self.subject_type_id}#{self.subject_id}"
