from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "hrguard.reports"
    label = "reports"
