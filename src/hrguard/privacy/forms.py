"""Forms of the privacy pages; the services check every value again."""

from django import forms
from django.utils.translation import gettext_lazy as _

from hrguard.privacy.models import DataCategory, LegalBasis, RequestKind, RequestStatus


class ActivityBasisForm(forms.Form):
    purpose = forms.CharField(label=_("处理目的"), widget=forms.Textarea(attrs={"rows": 3}))
    data_items = forms.CharField(label=_("个人信息种类"), widget=forms.Textarea(attrs={"rows": 2}))
    retention_period = forms.CharField(label=_("保存期限"), max_length=200)
    legal_basis = forms.ChoiceField(label=_("法律依据"), choices=LegalBasis.choices)
    rule_title = forms.CharField(label=_("规章制度名称"), max_length=200, required=False)
    rule_version = forms.CharField(label=_("规章制度版本"), max_length=50, required=False)
    consultation_record = forms.CharField(
        label=_("民主程序记录"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("职工代表大会或全体职工讨论、与工会或职工代表协商的时间和记录编号"),
    )
    published_on = forms.DateField(label=_("公示日期"), required=False)
    confirm_lexicon = forms.BooleanField(label=_("确认当前关键词表已告知员工"), required=False)


class SubjectRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("请求类型"), choices=RequestKind.choices)
    category = forms.ChoiceField(
        label=_("数据类别（删除敏感数据时选择）"),
        choices=[("", _("不指定")), *DataCategory.choices],
        required=False,
    )
    alert_id = forms.IntegerField(label=_("预警编号（要求解释时填写）"), required=False)
    details = forms.CharField(
        label=_("请求内容"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class RequestAnswerForm(forms.Form):
    status = forms.ChoiceField(
        label=_("处理结果"),
        choices=[
            (RequestStatus.COMPLETED.value, RequestStatus.COMPLETED.label),
            (RequestStatus.REFUSED.value, RequestStatus.REFUSED.label),
        ],
    )
    answer = forms.CharField(label=_("答复及理由"), widget=forms.Textarea(attrs={"rows": 6}))


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=_("验证码"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("请输入身份验证器显示的 6 位数字。")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
