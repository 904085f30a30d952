from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "intimacy_ops.accounts"
    label = "accounts"
    verbose_name = "Accounts, roles and regions"
