from django import forms
from django.utils.translation import gettext_lazy as _

from hrguard.cases.harassment.models import Channel, ThreatFlag


class PhoneLookupForm(forms.Form):
    phone = forms.CharField(
        label=_("同事的手机号或来电号码"),
        max_length=40,
        help_text=_(
            "任意常见写法均可，例如 +86 138 0013 8000、138-0013-8000。"
            "输入来电号码时，列出该号码此前登记的骚扰事件。"
        ),
    )


class IncidentForm(forms.Form):
    colleague_phone = forms.CharField(label=_("被骚扰同事的手机号"), max_length=40)
    caller_number = forms.CharField(
        label=_("来电或来信号码"), max_length=40, help_text=_("照来电显示或短信发送号码填写。")
    )
    platform = forms.CharField(label=_("对方自称的平台或出借方"), max_length=200)
    occurred_at = forms.DateTimeField(
        label=_("发生时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    channel = forms.ChoiceField(label=_("方式"), choices=Channel.choices)
    claimed_debtor = forms.CharField(
        label=_("对方所称的借款人（如有）"),
        max_length=100,
        required=False,
        help_text=_("照对方原话记录，不要向对方确认此人是否为本公司员工。"),
    )
    threat_flags = forms.MultipleChoiceField(
        label=_("威胁类型"),
        choices=ThreatFlag.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    threats = forms.CharField(
        label=_("威胁内容"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    evidence_notes = forms.CharField(
        label=_("证据说明"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("录音、截图保存在哪里，由谁保管。"),
    )


class DebtorLinkForm(forms.Form):
    employee_no = forms.CharField(label=_("经核实的借款人工号"), max_length=32)
