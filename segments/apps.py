from django.apps import AppConfig


class SegmentsConfig(AppConfig):
    name = "segments"
    verbose_name = "Segments, SLAs and service cases"

    def ready(self) -> None:
        # The imports page's navigation entry and the SLA checks (privacy: segments/privacy.py, discovered).
        from segments import imports  # noqa: F401
        from segments.services import sla  # noqa: F401
