from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "intimacy_ops.accounts"
    label = "accounts"
    verbose_name = "Accounts, roles and regions"

    def ready(self) -> None:
        # Register the access rules for users and regions, and the demo people.
        from intimacy_ops.accounts import access_rules, demo  # noqa: F401
