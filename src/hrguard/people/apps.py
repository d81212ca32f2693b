from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "hrguard.people"
    label = "people"
