"""A run of an import and the rows it rejected (found by Django through segments/models.py, which imports
them)."""

from django.conf import settings
from django.db import models


class ImportRun(models.Model):
    """One import of a customers or cases file: its counts, and the rows it rejected with their errors."""

    class Kind(models.TextChoices):
        CUSTOMERS = "customers", "Customers"
        CASES = "cases", "Service cases"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        REFUSED = "refused", "Refused"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    filename = models.CharField(max_length=255)
    stored_path = models.CharField(
        max_length=500, blank=True, help_text="Where an uploaded file waits for the worker."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    total_bytes = models.PositiveBigIntegerField(default=0)
    processed_bytes = models.PositiveBigIntegerField(default=0)
    rows_seen = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True, help_text="Why a file was refused or failed.")
    # The regions of the customers its rows describe (a case's region is its customer's), written batch by
    # batch: who sees the run besides its starter (segments/access_rules.py).
    regions = models.ManyToManyField(
        "accounts.Region",
        blank=True,
        related_name="+",
        help_text="Regions of the customers its rows describe.",
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} import of {self.filename} ({self.status})"

    @property
    def summary(self) -> str:
        return f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}, rejected {self.rejected}"


class ImportRejectedRow(models.Model):
    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="rejected_rows")
    line = models.PositiveIntegerField(help_text="Line (CSV) or item number (JSON) in the file.")
    data = models.JSONField()
    errors = models.JSONField(help_text="Field name → messages.")
    # The customer the row names, when it exists (a customers row by its key, a cases row by its customer's
    # key): whose sensitive data the row's sensitive cells are, so they are shown only to who may see it.
    customer = models.ForeignKey(
        "segments.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # That customer's region, else the region the row's `region` cell names; none when neither is known.
    region = models.ForeignKey(
        "accounts.Region", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Set by retention (declared in segments/privacy.py): the row's data was emptied; it is not matched again.
    anonymized_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run", "line"]

    def __str__(self) -> str:
        return f"line {self.line} of run {self.run_id}"
