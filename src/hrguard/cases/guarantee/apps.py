from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuaranteeConfig(AppConfig):
    name = "hrguard.cases.guarantee"
    label = "guarantee"
    verbose_name = _("担保纠纷")
