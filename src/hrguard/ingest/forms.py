from django import forms
from django.utils.translation import gettext_lazy as _

from hrguard.ingest.kinds import importer_classes


def _kind_choices() -> list[tuple[str, str]]:
    return [(kind, str(cls.label)) for kind, cls in importer_classes().items()]


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("数据类型"), choices=_kind_choices)
    file = forms.FileField(label=_("文件"), help_text=_("xlsx 或 CSV（UTF-8 或 GBK 编码）"))
    employee_no = forms.CharField(
        label=_("工号"),
        required=False,
        max_length=32,
        help_text=_("导入个人账单（支付记录）时必填：账单所属员工的工号。"),
    )
    dry_run = forms.BooleanField(label=_("仅校验，不写入"), required=False)
    accept_totals_mismatch = forms.BooleanField(
        label=_("已核对账单，仍然导入"),
        required=False,
        help_text=_(
            "只用于个人账单：账单声明的笔数与读到的不一致，而人事已核对文件完整时勾选。"
            "差异会记在导入结果中。"
        ),
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind and importer_classes()[kind].needs_employee and not data.get("employee_no"):
            self.add_error("employee_no", _("导入个人账单时必须填写所属员工的工号。"))
        return data
