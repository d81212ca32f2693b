from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "hrguard.core"
    label = "core"
