from django.apps import AppConfig


class KernelConfig(AppConfig):
    name = "intimacy_ops"
    label = "intimacy_ops"
    verbose_name = "Kernel: audit trail and health"
