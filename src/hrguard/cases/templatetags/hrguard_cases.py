"""Template helpers of the case pages: the triage box on the alert page."""

from typing import Any

from django import template

from hrguard.cases import forms, selectors
from hrguard.privacy.roles import Action, can
from hrguard.risk.models import Alert

register = template.Library()


@register.inclusion_tag("cases/partials/triage.html", takes_context=True)
def case_triage(context: template.Context, alert: Alert) -> dict[str, Any]:
    """Render dismissal and case opening for an open alert, or a link to its case."""
    user = context["request"].user
    may_handle = can(user, Action.MANAGE_CASES)
    case = alert.cases.order_by("-pk").first() if may_handle else None
    open_case = selectors.case_open_for_employee(employee=alert.employee) if may_handle else None
    show_forms = may_handle and alert.status == Alert.Status.OPEN and case is None
    handlers = selectors.handlers_for_employee(employee=alert.employee) if show_forms else []
    return {
        "alert": alert,
        "may_handle": may_handle,
        "case": case,
        "open_case": open_case if open_case != case else None,
        "dismiss_form": forms.DismissForm() if show_forms else None,
        "open_form": forms.CaseOpenForm(handlers=handlers, initial={"assignee": user.pk})
        if show_forms
        else None,
        "csrf_token": context.get("csrf_token"),
    }
