from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class ChatConfig(AppConfig):
    name = "hrguard.chat"
    label = "chat"

    def ready(self) -> None:
        # Scans read flagged requests only for employees whose chat consent is in force.
        from hrguard.chat.explain import colleague_borrowing_describe
        from hrguard.chat.selectors import chat_frame_load
        from hrguard.privacy.models import DataCategory
        from hrguard.risk.explain import describer_register
        from hrguard.risk.frames import frame_source_register

        frame_source_register("chat", chat_frame_load, consent=DataCategory.CHAT)
        describer_register(
            "colleague_borrowing", gettext_lazy("向同事借钱"), colleague_borrowing_describe
        )
