from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "hrguard.demo"
    label = "demo"
