from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "hrguard.cases"
    label = "cases"
