"""Pages for triage, cases, follow-up and the legal-aid directory.

Each view parses the form, calls one service and redirects back. A service's
HrguardError becomes a page message, NotFound a 404 and a missing capability
a 403. The services decide what is allowed.
"""

import functools
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from hrguard.cases import follow_up, forms, selectors, services
from hrguard.cases.models import Case, LegalAidProvider
from hrguard.cases.page import case_page_context
from hrguard.core.errors import HrguardError, NotFound
from hrguard.core.errors import PermissionDenied as HrguardPermissionDenied
from hrguard.privacy.roles import Action, can
from hrguard.risk import selectors as risk_selectors
from hrguard.risk.models import Alert

CASES_PER_PAGE = 25

View = Callable[..., HttpResponse]


def case_handler_required(view: View) -> View:
    """Require login and MANAGE_CASES, and turn NotFound into 404 and a service's denial into 403."""

    @functools.wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can(request.user, Action.MANAGE_CASES):
            raise PermissionDenied
        try:
            return view(request, *args, **kwargs)
        except NotFound as error:
            raise Http404(error.message) from error
        except HrguardPermissionDenied as error:
            raise PermissionDenied(error.message) from error

    return login_required(checked)


def _run(request: HttpRequest, action: Callable[[], Any], success: str) -> bool:
    """Call a service, show its error or `success` as a page message, and return whether it ran."""
    try:
        action()
    except NotFound:
        raise
    except HrguardError as error:
        messages.error(request, error.message)
        return False
    messages.success(request, success)
    return True


def _submit(
    request: HttpRequest,
    form: Any,
    action: Callable[[dict[str, Any]], Any],
    success: str,
) -> bool:
    """Validate the form, then call `action` with its cleaned data as `_run` does."""
    if not form.is_valid():
        _form_errors(request, form)
        return False
    return _run(request, lambda: action(form.cleaned_data), success)


def _form_errors(request: HttpRequest, form: Any) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}：{error}" if label else str(error))


def _case(request: HttpRequest, case_id: int) -> Case:
    return selectors.case_get_for_user(case_id=case_id, user=request.user)


# Triage from the alert page.


def _alert(request: HttpRequest, alert_id: int) -> Alert:
    if not can(request.user, Action.VIEW_ALERTS):
        raise PermissionDenied
    return risk_selectors.alert_get_for_user(alert_id=alert_id, user=request.user)


@require_POST
@case_handler_required
def alert_dismiss(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = _alert(request, alert_id)
    form = forms.DismissForm(request.POST)
    _submit(
        request,
        form,
        lambda data: services.alert_dismiss(
            alert=alert,
            user=request.user,
            reason_code=data["reason_code"],
            note=data["note"],
        ),
        gettext("预警已排除，排除原因已记录。"),
    )
    return redirect("web:alert_detail", alert_id=alert.pk)


@require_POST
@case_handler_required
def case_open(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = _alert(request, alert_id)
    form = forms.CaseOpenForm(
        request.POST, handlers=selectors.handlers_for_employee(employee=alert.employee)
    )
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("web:alert_detail", alert_id=alert.pk)
    try:
        case = services.case_open_from_alert(
            alert=alert,
            user=request.user,
            assignee=form.cleaned_data["assignee"],
            due_date=form.cleaned_data["due_date"],
        )
    except NotFound:
        raise
    except HrguardError as error:
        messages.error(request, error.message)
        return redirect("web:alert_detail", alert_id=alert.pk)
    messages.success(request, gettext("已立案，案件编号 #%(case_id)s。") % {"case_id": case.pk})
    return redirect("cases:case_detail", case_id=case.pk)


# The case list and the case page.


@case_handler_required
def case_list(request: HttpRequest) -> HttpResponse:
    assignees = selectors.case_assignees_for_user(user=request.user)
    form = forms.CaseFilterForm(request.GET, handlers=assignees)
    form.is_valid()
    # Invalid fields are left out of cleaned_data, so the valid filters still apply.
    filters = form.cleaned_data
    state = filters.get("state") or forms.CaseFilterForm.OPEN
    today = timezone.localdate()
    cases = selectors.case_list_for_user(
        user=request.user,
        open_only=state == forms.CaseFilterForm.OPEN,
        state=None if state in (forms.CaseFilterForm.OPEN, forms.CaseFilterForm.ALL) else state,
        assignee_id=filters["assignee"].pk if filters.get("assignee") else None,
        overdue_on=today if filters.get("overdue") else None,
    )
    page = Paginator(cases, CASES_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode(), "today": today}
    return render(request, "cases/case_list.html", context)


@case_handler_required
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)
    return render(request, "cases/case_detail.html", case_page_context(case, request.user))


@require_POST
@case_handler_required
def case_transition(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)
    form = forms.TransitionForm(request.POST)
    _submit(
        request,
        form,
        lambda data: services.case_transition(
            case=case,
            user=request.user,
            to_state=data["to_state"],
            note=data["note"],
        ),
        gettext("案件状态已更新。"),
    )
    return redirect("cases:case_detail", case_id=case.pk)


@require_POST
@case_handler_required
def case_assign(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)
    form = forms.AssignForm(
        request.POST, handlers=selectors.handlers_for_employee(employee=case.employee)
    )
    _submit(
        request,
        form,
        lambda data: services.case_assign(case=case, user=request.user, assignee=data["assignee"]),
        gettext("负责人已更新。"),
    )
    return redirect("cases:case_detail", case_id=case.pk)


@require_POST
@case_handler_required
def case_due_date(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)
    form = forms.DueDateForm(request.POST)
    _submit(
        request,
        form,
        lambda data: services.case_set_due_date(
            case=case, user=request.user, due_date=data["due_date"]
        ),
        gettext("处理期限已更新。"),
    )
    return redirect("cases:case_detail", case_id=case.pk)


@require_POST
@case_handler_required
def case_note(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)
    form = forms.NoteForm(request.POST)
    form.is_valid()
    _run(
        request,
        lambda: services.case_note_add(
            case=case, user=request.user, note=form.cleaned_data.get("note", "")
        ),
        gettext("备注已添加。"),
    )
    return redirect("cases:case_detail", case_id=case.pk)


# The intervention plan.


@require_POST
@case_handler_required
def step_add(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)
    form = forms.StepAddForm(
        request.POST, handlers=selectors.handlers_for_employee(employee=case.employee)
    )
    _submit(
        request,
        form,
        lambda data: services.plan_step_add(
            case=case,
            user=request.user,
            kind=data["kind"],
            owner=data["owner"],
            due_date=data["due_date"],
            note=data["note"],
            legal_aid_provider=data["legal_aid_provider"],
        ),
        gettext("干预步骤已加入计划。"),
    )
    return redirect("cases:case_detail", case_id=case.pk)


@require_POST
@case_handler_required
def step_result(request: HttpRequest, step_id: int) -> HttpResponse:
    step = selectors.step_get_for_user(step_id=step_id, user=request.user)
    form = forms.StepResultForm(request.POST)
    _submit(
        request,
        form,
        lambda data: services.plan_step_record_result(
            step=step,
            user=request.user,
            status=data["status"],
            result=data["result"],
        ),
        gettext("步骤结果已记录。"),
    )
    return redirect("cases:case_detail", case_id=step.case_id)


# Follow-up.


@require_POST
@case_handler_required
def follow_up_consent(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)
    form = forms.FollowUpConsentForm(request.POST)
    _submit(
        request,
        form,
        lambda data: follow_up.follow_up_consent_record(
            case=case,
            user=request.user,
            given_on=data["given_on"],
            how_recorded=data["how_recorded"],
        ),
        gettext("已记录员工同意跟踪回访。"),
    )
    return redirect("cases:case_detail", case_id=case.pk)


@require_POST
@case_handler_required
def follow_up_consent_withdraw(request: HttpRequest, consent_id: int) -> HttpResponse:
    consent = selectors.follow_up_consent_get_for_user(consent_id=consent_id, user=request.user)
    form = forms.ConsentWithdrawForm(request.POST)
    _submit(
        request,
        form,
        lambda data: follow_up.follow_up_consent_withdraw(
            consent=consent, user=request.user, withdrawn_on=data["withdrawn_on"]
        ),
        gettext("已记录员工撤回跟踪回访的同意，待回访节点已取消。"),
    )
    return redirect("cases:case_detail", case_id=consent.case_id)


@require_POST
@case_handler_required
def checkpoint_record(request: HttpRequest, checkpoint_id: int) -> HttpResponse:
    checkpoint = selectors.checkpoint_get_for_user(checkpoint_id=checkpoint_id, user=request.user)
    form = forms.CheckpointForm(request.POST)
    _submit(
        request,
        form,
        lambda data: follow_up.checkpoint_record(
            checkpoint=checkpoint,
            user=request.user,
            repayment_status=data["repayment_status"],
            note=data["note"],
        ),
        gettext("回访结果已记录。"),
    )
    return redirect("cases:case_detail", case_id=checkpoint.follow_up.case_id)


# The legal-aid directory.


@case_handler_required
def legal_aid_list(request: HttpRequest) -> HttpResponse:
    may_edit = can(request.user, Action.APPROVE_INTERVENTIONS)
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        form = forms.LegalAidProviderForm(request.POST)
        if _provider_save(request, form, provider=None):
            return redirect("cases:legal_aid_list")
    else:
        form = forms.LegalAidProviderForm(initial={"last_verified_on": timezone.localdate()})
    context = {
        "providers": selectors.legal_aid_providers_all(),
        "max_age_days": selectors.LEGAL_AID_MAX_AGE_DAYS,
        "stale_before": selectors.legal_aid_stale_before(today=timezone.localdate()),
        "form": form if may_edit else None,
    }
    return render(request, "cases/legal_aid_list.html", context)


@case_handler_required
def legal_aid_edit(request: HttpRequest, provider_id: int) -> HttpResponse:
    if not can(request.user, Action.APPROVE_INTERVENTIONS):
        raise PermissionDenied
    provider = selectors.legal_aid_provider_get(provider_id=provider_id)
    if request.method == "POST":
        form = forms.LegalAidProviderForm(request.POST)
        if _provider_save(request, form, provider=provider):
            return redirect("cases:legal_aid_list")
    else:
        form = forms.LegalAidProviderForm(
            initial={
                "name": provider.name,
                "contact": provider.contact,
                "scope": provider.scope,
                "region": provider.region,
                "last_verified_on": provider.last_verified_on,
                "active": provider.active,
            }
        )
    return render(request, "cases/legal_aid_edit.html", {"provider": provider, "form": form})


def _provider_save(
    request: HttpRequest, form: forms.LegalAidProviderForm, *, provider: LegalAidProvider | None
) -> bool:
    return _submit(
        request,
        form,
        lambda data: services.legal_aid_provider_save(
            user=request.user,
            name=data["name"],
            contact=data["contact"],
            scope=data["scope"],
            region=data["region"],
            last_verified_on=data["last_verified_on"],
            active=data["active"],
            provider=provider,
        ),
        gettext("法律援助机构“%(name)s”已保存。") % {"name": form.data.get("name", "").strip()},
    )
