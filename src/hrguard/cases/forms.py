"""Forms that parse the case pages' input. The rules about the values live in the services."""

from typing import Any, cast

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from hrguard.cases.models import (
    DismissalReason,
    InterventionKind,
    InterventionStep,
    LegalAidProvider,
    RepaymentStatus,
)
from hrguard.cases.states import CaseState

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NOTE_WIDGET = forms.Textarea(attrs={"rows": 3})


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_username())


def _user_field(label: Any, users: list[Any], *, required: bool) -> UserChoiceField:
    # The choices are the users a selector found, and the service checks the chosen one again.
    return UserChoiceField(
        label=label,
        queryset=get_user_model().objects.filter(pk__in=[user.pk for user in users]),
        required=required,
        empty_label=_("暂不指派") if not required else "---------",
    )


class DismissForm(forms.Form):
    reason_code = forms.ChoiceField(label=_("排除原因"), choices=DismissalReason.choices)
    # Blank notes reach alert_dismiss, which requires one for “其他”.
    note = forms.CharField(label=_("说明"), required=False, widget=NOTE_WIDGET)


class CaseOpenForm(forms.Form):
    due_date = forms.DateField(label=_("处理期限"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args: Any, handlers: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"] = _user_field(_("负责人"), handlers, required=False)
        self.order_fields(["assignee", "due_date"])


class TransitionForm(forms.Form):
    to_state = forms.ChoiceField(choices=CaseState.choices, widget=forms.HiddenInput)
    note = forms.CharField(label=_("说明"), required=False, widget=NOTE_WIDGET)


class AssignForm(forms.Form):
    def __init__(self, *args: Any, handlers: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"] = _user_field(_("负责人"), handlers, required=True)


class DueDateForm(forms.Form):
    due_date = forms.DateField(
        label=_("处理期限"), required=False, widget=DATE_WIDGET, help_text=_("留空表示不设期限。")
    )


class NoteForm(forms.Form):
    note = forms.CharField(label=_("备注"), required=False, widget=NOTE_WIDGET)


class StepAddForm(forms.Form):
    kind = forms.ChoiceField(label=_("干预方式"), choices=InterventionKind.choices)
    due_date = forms.DateField(label=_("期限"), widget=DATE_WIDGET)
    note = forms.CharField(label=_("说明"), required=False, widget=NOTE_WIDGET)
    legal_aid_provider = forms.ModelChoiceField(
        label=_("法律援助机构"),
        queryset=LegalAidProvider.objects.none(),
        required=False,
        empty_label=_("不适用"),
    )

    def __init__(
        self, *args: Any, handlers: list[Any], providers: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"] = _user_field(_("执行人"), handlers, required=True)
        provider_field = cast(forms.ModelChoiceField, self.fields["legal_aid_provider"])
        # Every provider parses, because plan_step_add rejects inactive or stale ones with a message.
        provider_field.queryset = (
            providers if providers is not None else LegalAidProvider.objects.all()
        )
        self.order_fields(["kind", "owner", "due_date", "legal_aid_provider", "note"])


class StepResultForm(forms.Form):
    status = forms.ChoiceField(
        label=_("结果"),
        choices=[
            (value, label)
            for value, label in InterventionStep.Status.choices
            if value != InterventionStep.Status.PLANNED
        ],
    )
    result = forms.CharField(label=_("结果说明"), required=False, widget=NOTE_WIDGET)


class FollowUpConsentForm(forms.Form):
    given_on = forms.DateField(label=_("同意日期"), widget=DATE_WIDGET)
    how_recorded = forms.CharField(
        label=_("同意方式"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("例如：书面签字，存于案件证据")}),
    )


class ConsentWithdrawForm(forms.Form):
    withdrawn_on = forms.DateField(label=_("撤回日期"), widget=DATE_WIDGET)


class CheckpointForm(forms.Form):
    repayment_status = forms.ChoiceField(label=_("还款情况"), choices=RepaymentStatus.choices)
    note = forms.CharField(label=_("说明"), required=False, widget=NOTE_WIDGET)


class CaseFilterForm(forms.Form):
    OPEN = "open"
    ALL = "all"

    state = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[(OPEN, _("未结案")), (ALL, _("全部状态")), *CaseState.choices],
    )
    overdue = forms.BooleanField(label=_("只看已逾期"), required=False)

    def __init__(self, *args: Any, handlers: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = _user_field(_("负责人"), handlers, required=False)
        field.empty_label = _("全部负责人")
        self.fields["assignee"] = field
        self.order_fields(["state", "assignee", "overdue"])


class LegalAidProviderForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=200, required=False)
    contact = forms.CharField(label=_("联系方式"), max_length=200, required=False)
    scope = forms.CharField(label=_("服务范围"), required=False, widget=NOTE_WIDGET)
    region = forms.CharField(label=_("地区"), max_length=100, required=False)
    last_verified_on = forms.DateField(label=_("最近核实日期"), widget=DATE_WIDGET)
    active = forms.BooleanField(label=_("启用"), required=False, initial=True)
