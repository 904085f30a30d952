from django.apps import AppConfig


class KernelConfig(AppConfig):
    name = "intimacy_ops"
    label = "intimacy_ops"
    verbose_name = "Kernel: audit trail and health"

    def ready(self) -> None:
        # Every app's (and kernel part's) access_rules, lifecycles, checks, navigation, home_cards,
        # dashboard, privacy and demo modules register themselves on import (intimacy_ops/discovery.py).
        from intimacy_ops import discovery

        discovery.autodiscover()
