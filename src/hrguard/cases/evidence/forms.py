from django import forms
from django.utils.translation import gettext_lazy as _

from hrguard.cases.evidence.models import EvidenceKind


class EvidenceUploadForm(forms.Form):
    file = forms.FileField(label=_("文件"))
    kind = forms.ChoiceField(
        label=_("证据类别"),
        choices=[("", _("按文件内容自动判断")), *EvidenceKind.choices],
        required=False,
    )
    description = forms.CharField(
        label=_("说明"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text=_("例如：2026-11-20 催收电话录音，来电号码见截图。"),
    )
