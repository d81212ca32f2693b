from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "hrguard.payments"
    label = "payments"
