"""The rule settings page: thresholds of the rule set in force and the borrowing lexicon."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from hrguard.chat import services
from hrguard.chat.forms import RuleSettingsForm
from hrguard.chat.selectors import lexicon_current
from hrguard.core.errors import ValidationFailed
from hrguard.privacy.roles import Action, can
from hrguard.risk.services import rule_set_in_force


@login_required
def rule_settings(request: HttpRequest) -> HttpResponse:
    if not can(request.user, Action.MANAGE_RULES):
        raise PermissionDenied

    rule_set = rule_set_in_force()
    lexicon = lexicon_current()
    form = RuleSettingsForm(request.POST or None, rule_set_text=rule_set.text, lexicon=lexicon)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.rule_settings_save(
                changes=form.changes(), terms=form.terms(), user=request.user
            )
        except ValidationFailed as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("已保存为规则集版本 %(version)s，下一次扫描起使用。")
                % {"version": saved.version},
            )
            return redirect("chat:rule_settings")

    return render(
        request,
        "chat/rule_settings.html",
        {"form": form, "rule_set": rule_set, "lexicon": lexicon},
    )
