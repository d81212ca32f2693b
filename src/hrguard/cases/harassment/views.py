from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from hrguard.cases.harassment import selectors, services
from hrguard.cases.harassment.channels import channels_load
from hrguard.cases.harassment.forms import DebtorLinkForm, IncidentForm, PhoneLookupForm
from hrguard.cases.harassment.guidance import CHECKLIST, RECEPTION_SCRIPT
from hrguard.cases.harassment.models import HarassmentIncident
from hrguard.core.errors import HrguardError, NotFound, PermissionDenied
from hrguard.privacy.scopes import employees_visible_to

DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
RECENT_INCIDENTS = 50

View = Callable[..., HttpResponse]


def _translate_errors(view: View) -> View:
    """Turn NotFound into 404 and PermissionDenied into 403."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound as error:
            raise Http404(error.message) from error
        except PermissionDenied as error:
            raise DjangoPermissionDenied(error.message) from error

    return login_required(wrapped)


def _guidance_context() -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "checklist": CHECKLIST,
        "reception_script": RECEPTION_SCRIPT,
        "channels": [(channel, channel.is_stale(today)) for channel in channels_load()],
    }


@_translate_errors
def intake(request: HttpRequest) -> HttpResponse:
    selectors.harassment_permission_check(user=request.user)
    lookup = PhoneLookupForm(request.GET or None)
    found = None
    from_number: list[HarassmentIncident] = []
    if lookup.is_bound and lookup.is_valid():
        phone = lookup.cleaned_data["phone"]
        try:
            found = services.phone_lookup(user=request.user, phone=phone)
        except HrguardError as error:
            lookup.add_error("phone", error.message)
        else:
            from_number = list(selectors.incidents_from_number(user=request.user, phone=phone))
            if found is None and not from_number:
                lookup.add_error(
                    "phone", gettext("没有找到使用该手机号的员工，或该员工不在您的数据范围内。")
                )

    form = IncidentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        incident = _incident_record(request, form)
        if incident is not None:
            messages.success(
                request, gettext("已登记骚扰事件 #%(incident_id)s。") % {"incident_id": incident.pk}
            )
            return redirect("harassment:incident_detail", incident_id=incident.pk)

    context = {
        "lookup": lookup,
        "found": found,
        "from_number": from_number,
        "form": form,
        "incidents": selectors.incident_list_for_user(user=request.user)[:RECENT_INCIDENTS],
        **_guidance_context(),
    }
    return render(request, "harassment/intake.html", context, status=400 if form.errors else 200)


def _incident_record(request: HttpRequest, form: IncidentForm) -> HarassmentIncident | None:
    data = form.cleaned_data
    try:
        colleague = services.phone_lookup(user=request.user, phone=data["colleague_phone"])
        if colleague is None:
            form.add_error(
                "colleague_phone",
                gettext("没有找到使用该手机号的员工，或该员工不在您的数据范围内。"),
            )
            return None
        return services.incident_record(
            user=request.user,
            colleague=colleague,
            caller_number=data["caller_number"],
            platform=data["platform"],
            occurred_at=data["occurred_at"],
            channel=data["channel"],
            claimed_debtor=data["claimed_debtor"],
            threat_flags=data["threat_flags"],
            threats=data["threats"],
            evidence_notes=data["evidence_notes"],
        )
    except PermissionDenied:
        raise
    except HrguardError as error:
        form.add_error(None, error.message)
        return None


@_translate_errors
def incident_detail(request: HttpRequest, incident_id: int) -> HttpResponse:
    incident = selectors.incident_get_for_user(incident_id=incident_id, user=request.user)
    services.incident_view(incident=incident, user=request.user)
    context = {
        "incident": incident,
        "same_number": selectors.incidents_with_same_number(
            incident=incident, user=request.user
        ).count(),
        "masked_number": selectors.phone_mask(incident.caller_number),
        "debtor_form": DebtorLinkForm(),
        **_guidance_context(),
    }
    return render(request, "harassment/incident_detail.html", context)


@_translate_errors
@require_POST
def debtor_link(request: HttpRequest, incident_id: int) -> HttpResponse:
    incident = selectors.incident_get_for_user(incident_id=incident_id, user=request.user)
    form = DebtorLinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("请填写借款人的工号。"))
        return redirect("harassment:incident_detail", incident_id=incident.pk)

    employee_no = form.cleaned_data["employee_no"].strip()
    debtor = employees_visible_to(request.user).filter(employee_no=employee_no).first()
    if debtor is None:
        messages.error(
            request,
            gettext("工号 %(no)s 不存在，或不在您的数据范围内。") % {"no": employee_no},
        )
        return redirect("harassment:incident_detail", incident_id=incident.pk)
    try:
        services.incident_debtor_link(incident=incident, user=request.user, debtor=debtor)
    except HrguardError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, gettext("已将借款人确认为工号 %(no)s。") % {"no": debtor.employee_no}
        )
    return redirect("harassment:incident_detail", incident_id=incident.pk)


@_translate_errors
@require_POST
def debtor_unlink(request: HttpRequest, incident_id: int) -> HttpResponse:
    incident = selectors.incident_get_for_user(incident_id=incident_id, user=request.user)
    try:
        services.incident_debtor_unlink(incident=incident, user=request.user)
    except HrguardError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, gettext("已撤销借款人确认。"))
    return redirect("harassment:incident_detail", incident_id=incident.pk)


@_translate_errors
@require_POST
def letter_download(request: HttpRequest, incident_id: int) -> HttpResponse:
    incident = selectors.incident_get_for_user(incident_id=incident_id, user=request.user)
    content = services.stop_letter_generate(incident=incident, user=request.user)
    response = HttpResponse(content, content_type=DOCX_MEDIA_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"stop-contact-incident-{incident.pk}.docx"
    )
    return response


@_translate_errors
def summary(request: HttpRequest) -> HttpResponse:
    selectors.harassment_permission_check(user=request.user)
    incidents = selectors.incident_list_for_user(user=request.user)
    by_platform = selectors.counts_by_platform(incidents=incidents)
    by_caller = selectors.counts_by_caller(incidents=incidents)
    services.summary_view(user=request.user, incidents=sum(row.incidents for row in by_platform))
    context = {"by_platform": by_platform, "by_caller": by_caller}
    return render(request, "harassment/summary.html", context)
