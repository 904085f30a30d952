from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "privacy"
    label = "privacy"
    verbose_name = "Privacy: grants, break-glass, access log, consent, retention, subject export"
