from django.apps import AppConfig


class SegmentsConfig(AppConfig):
    name = "segments"
    verbose_name = "Segments, SLAs and service cases"

    def ready(self) -> None:
        # Retention kinds, checks and demo policies; who records consent and exports a data subject.
        from segments import imports, privacy_rules  # noqa: F401
        from segments.retention import demo as retention_demo  # noqa: F401
        from segments.retention import navigation as retention_navigation  # noqa: F401
        from segments.retention import service as retention_service  # noqa: F401
        from segments.services import privacy, sla  # noqa: F401

        # Customers carry sensitive fields: the kernel's masking and access log ask segments about grants.
        privacy.register()
