from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HarassmentConfig(AppConfig):
    name = "hrguard.cases.harassment"
    label = "harassment"
    verbose_name = _("催收骚扰")

    def ready(self) -> None:
        # Scans read the incidents HR linked to a debtor; the monthly report counts incidents.
        from hrguard.cases.harassment.explain import collector_contact_describe
        from hrguard.cases.harassment.selectors import (
            PlatformCounts,
            harassment_frame_load,
        )
        from hrguard.reports.selectors import harassment_source_register
        from hrguard.risk.explain import describer_register
        from hrguard.risk.frames import frame_source_register

        frame_source_register("harassment", harassment_frame_load)
        describer_register("collector_contact", _("催收联系"), collector_contact_describe)
        harassment_source_register(PlatformCounts())
