from django.apps import AppConfig


class ChatConfig(AppConfig):
    name = "hrguard.chat"
    label = "chat"
