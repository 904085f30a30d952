from django.apps import AppConfig


class SegmentsConfig(AppConfig):
    name = "segments"
    verbose_name = "Segments, SLAs and service cases"

    def ready(self) -> None:
        # Access rules, navigation, periodic checks and demo data register themselves on import.
        from segments import access_rules, demo, home_cards, imports, navigation  # noqa: F401
        from segments.services import sla  # noqa: F401
