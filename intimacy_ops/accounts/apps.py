from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "intimacy_ops.accounts"
    label = "accounts"
    verbose_name = "Accounts, roles and regions"

    def ready(self):
        # The sign-in signal that keeps the person's time zone in the session (accounts/time_zones.py).
        from intimacy_ops.accounts import time_zones  # noqa: F401
