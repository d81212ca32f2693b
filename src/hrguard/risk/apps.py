from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "hrguard.risk"
    label = "risk"
