from django import forms
from django.utils.translation import gettext_lazy as _

from hrguard.cases.guarantee.models import DocumentKind


class DisputeForm(forms.Form):
    employee_no = forms.CharField(label=_("被列为担保人的员工工号"), max_length=32)
    lender = forms.CharField(label=_("声称的出借方或平台"), max_length=200)
    claimed_debtor = forms.CharField(
        label=_("声称的借款人（如知道）"), max_length=100, required=False
    )
    reported_on = forms.DateField(
        label=_("反映日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    notes = forms.CharField(
        label=_("情况记录"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class SignedDocumentForm(forms.Form):
    file = forms.FileField(label=_("文件"))
    title = forms.CharField(label=_("文件名称"), max_length=200)
    kind = forms.ChoiceField(label=_("文件类别"), choices=DocumentKind.choices)
    signed_on = forms.DateField(label=_("签署日期"), widget=forms.DateInput(attrs={"type": "date"}))
