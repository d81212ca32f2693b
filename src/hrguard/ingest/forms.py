from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hrguard.ingest.kinds import importer_classes
from hrguard.ingest.services import import_max_mb


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
    create_departments = forms.BooleanField(
        label=_("新建不存在的部门"),
        required=False,
        help_text=_("只用于员工花名册：文件中的部门在系统中还没有时新建。不勾选时这样的行会报错。"),
    )
    accept_totals_mismatch = forms.BooleanField(
        label=_("已核对账单，仍然导入"),
        required=False,
        help_text=_(
            "只用于个人账单：账单声明的笔数与读到的不一致，而人事已核对文件完整时勾选。"
            "差异会记在导入结果中。"
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Chinese labels take no ASCII colon after them.
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit_mb = import_max_mb()
        if upload is not None and upload.size > limit_mb * 1024 * 1024:
            raise forms.ValidationError(
                _("文件超过了导入上限 %(limit)d MB。请按月份或部门拆分后分别导入。"),
                params={"limit": limit_mb},
            )
        return upload

    def clean(self) -> dict:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind and importer_classes()[kind].needs_employee and not data.get("employee_no"):
            self.add_error("employee_no", _("导入个人账单时必须填写所属员工的工号。"))
        return data
