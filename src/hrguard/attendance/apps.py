from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "hrguard.attendance"
    label = "attendance"
