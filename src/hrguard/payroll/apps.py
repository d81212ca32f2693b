from django.apps import AppConfig


class PayrollConfig(AppConfig):
    name = "hrguard.payroll"
    label = "payroll"
