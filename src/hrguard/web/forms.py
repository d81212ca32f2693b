from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from hrguard.people.models import Department
from hrguard.risk.models import Alert, AlertLevel
from hrguard.web.indicators import indicator_label


class AlertFilterForm(forms.Form):
    """Filters of the alert list, read from the query string."""

    level = forms.ChoiceField(
        label=_("级别"), required=False, choices=[("", _("全部级别")), *AlertLevel.choices]
    )
    department = forms.ModelChoiceField(
        label=_("部门"),
        required=False,
        queryset=Department.objects.order_by("name"),
        empty_label=_("全部部门"),
    )
    indicator = forms.ChoiceField(label=_("指标"), required=False)
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=Alert.Status.choices, initial=Alert.Status.OPEN
    )

    def __init__(
        self,
        *args: Any,
        indicator_codes: list[str],
        departments: QuerySet[Department],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # A user limited to some departments must not learn the names of the others.
        department = cast(forms.ModelChoiceField, self.fields["department"])
        department.queryset = departments
        choices = [(code, indicator_label(code)) for code in indicator_codes]
        indicator = cast(forms.ChoiceField, self.fields["indicator"])
        indicator.choices = [("", _("全部指标")), *choices]


class RevealNameForm(forms.Form):
    reason = forms.CharField(
        label=_("查看理由"),
        # A blank reason reaches privacy.services.reveal_name, which rejects it with its message.
        required=False,
        max_length=500,
        help_text=_("理由会记入审计日志，请勿填写手机号或身份证号。"),
        widget=forms.TextInput(attrs={"placeholder": _("例如：约谈前核对员工身份")}),
    )
