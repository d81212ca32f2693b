from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "hrguard.privacy"
    label = "privacy"
