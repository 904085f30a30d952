from django.apps import AppConfig


class KeyAccountsConfig(AppConfig):
    name = "keyaccounts"
    verbose_name = "Key accounts"
