from django.conf import settings
from django.db import models


class SavedView(models.Model):
    """A named query string of one work list (`list_key`: the list's URL name), one person's own."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views")
    list_key = models.CharField(max_length=64)
    name = models.CharField(max_length=60)
    query = models.CharField(max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "list_key", "name"], name="saved_view_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.list_key})"
