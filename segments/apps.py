from django.apps import AppConfig


class SegmentsConfig(AppConfig):
    name = "segments"
    verbose_name = "Segments, SLAs and service cases"

    def ready(self) -> None:
        # The imports page's navigation entry (checks, privacy, lifecycles…: discovered by the kernel).
        from segments import imports  # noqa: F401
