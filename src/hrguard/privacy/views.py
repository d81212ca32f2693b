"""Privacy pages: notice, self-service portal, rights requests, register, retention, PIA, OTP."""

from __future__ import annotations

import base64
import functools
import logging
from collections.abc import Callable
from typing import Any

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from hrguard.core.errors import HrguardError, NotFound, PermissionDenied
from hrguard.privacy import consents, notices, pia, register, requests, retention
from hrguard.privacy.audit import audit_record
from hrguard.privacy.forms import (
    ActivityBasisForm,
    RequestAnswerForm,
    SubjectRequestForm,
    TokenForm,
)
from hrguard.privacy.models import PurgeJob, RequestKind
from hrguard.privacy.otp import otp_confirmed_device
from hrguard.privacy.roles import Action, can

logger = logging.getLogger(__name__)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

View = Callable[..., HttpResponse]


def capability_required(action: Action) -> Callable[[View], View]:
    """Require login, then `action` (403 without it)."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not can(request.user, action):
                raise DjangoPermissionDenied
            return view(request, *args, **kwargs)

        return login_required(checked)

    return decorate


def _fail(request: HttpRequest, error: HrguardError, back: str, **kwargs: Any) -> HttpResponse:
    """Turn a service error into a 403, a 404, or a message on the page `back`."""
    if isinstance(error, PermissionDenied):
        raise DjangoPermissionDenied(error.message)
    if isinstance(error, NotFound):
        raise Http404(error.message)
    messages.error(request, error.message)
    return redirect(back, **kwargs)


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Open the privacy page that fits the user's role; everyone else reads the notice."""
    if can(request.user, Action.USE_SELF_SERVICE):
        return redirect("privacy:me")
    if can(request.user, Action.HANDLE_SUBJECT_REQUESTS):
        return redirect("privacy:requests")
    return redirect("privacy:notice")


@login_required
@require_GET
def notice(request: HttpRequest) -> HttpResponse:
    current = notices.notice_current()
    return render(
        request,
        "privacy/notice.html",
        {
            "notice": current,
            "content": current.content,
            "sensitive_text": notices.notice_sensitive_text(),
            "rights": notices.notice_rights_lines(),
        },
    )


@login_required
@require_GET
def notice_download(request: HttpRequest, version: int) -> HttpResponse:
    found = notices.notice_get(version)
    if found is None:
        raise Http404
    response = HttpResponse(notices.notice_docx(found), content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="privacy-notice-v{version}.docx"'
    return response


# Self-service (员工自助)


@capability_required(Action.USE_SELF_SERVICE)
@require_GET
def me(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    try:
        employee = consents.self_service_employee(user)
    except HrguardError as error:
        raise DjangoPermissionDenied(error.message) from error
    today = timezone.localdate()
    context = {
        "employee": employee,
        "counts": requests.subject_data_counts(employee=employee),
        "consents": consents.consent_states(employee=employee, today=today),
        "tickets": requests.requests_for_employee(user=user),
        "form": SubjectRequestForm(),
        "notice": notices.notice_current(),
        "copy_kind": RequestKind.COPY.value,
    }
    return render(request, "privacy/me.html", context)


@capability_required(Action.USE_SELF_SERVICE)
@require_POST
def consent_grant(request: HttpRequest, category: str) -> HttpResponse:
    try:
        consent = consents.consent_grant(user=_user(request), category=category)
    except HrguardError as error:
        return _fail(request, error, "privacy:me")
    messages.success(
        request,
        gettext("已记录您对“%(category)s”的单独同意（告知书第 %(version)s 版）。")
        % {
            "category": consent.get_category_display(),
            "version": consent.notice.version if consent.notice else "-",
        },
    )
    return redirect("privacy:me")


@capability_required(Action.USE_SELF_SERVICE)
@require_POST
def consent_withdraw(request: HttpRequest, category: str) -> HttpResponse:
    try:
        job = consents.consent_withdraw(user=_user(request), category=category)
    except HrguardError as error:
        return _fail(request, error, "privacy:me")
    messages.success(
        request,
        gettext(
            "已撤回“%(category)s”的授权：下一次风险扫描起不再读取这类数据，已保存的数据将被删除。"
        )
        % {"category": job.get_category_display()},
    )
    return redirect("privacy:me")


@capability_required(Action.USE_SELF_SERVICE)
@require_POST
def request_submit(request: HttpRequest) -> HttpResponse:
    form = SubjectRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("请求内容有误，请检查后重新提交。"))
        return redirect("privacy:me")
    try:
        ticket = requests.request_submit(
            user=_user(request),
            kind=form.cleaned_data["kind"],
            category=form.cleaned_data["category"],
            alert_id=form.cleaned_data["alert_id"],
            details=form.cleaned_data["details"],
        )
    except HrguardError as error:
        return _fail(request, error, "privacy:me")
    messages.success(
        request,
        gettext("请求已登记（编号 %(id)s），将在 %(deadline)s 之前答复。")
        % {"id": ticket.pk, "deadline": ticket.deadline.isoformat()},
    )
    return redirect("privacy:me")


@capability_required(Action.USE_SELF_SERVICE)
@require_GET
def request_export(request: HttpRequest, request_id: int, data_format: str) -> HttpResponse:
    try:
        name, content = requests.subject_data_export(
            user=_user(request), request_id=request_id, data_format=data_format
        )
    except HrguardError as error:
        return _fail(request, error, "privacy:me")
    content_type = "application/json" if data_format == "json" else "application/zip"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# Rights requests, handled by the personal-information protection officer


@capability_required(Action.HANDLE_SUBJECT_REQUESTS)
@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    tickets = requests.requests_for_officer(user=request.user)
    return render(
        request,
        "privacy/requests.html",
        {"tickets": tickets, "today": timezone.localdate()},
    )


@capability_required(Action.HANDLE_SUBJECT_REQUESTS)
def request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    try:
        ticket = requests.request_get_for_officer(user=request.user, request_id=request_id)
    except HrguardError as error:
        return _fail(request, error, "privacy:requests")

    if request.method == "POST":
        form = RequestAnswerForm(request.POST)
        if form.is_valid():
            try:
                requests.request_answer(
                    actor=_user(request),
                    request_id=ticket.pk,
                    status=form.cleaned_data["status"],
                    answer=form.cleaned_data["answer"],
                )
            except HrguardError as error:
                return _fail(request, error, "privacy:request_detail", request_id=ticket.pk)
            messages.success(request, gettext("答复已保存，员工可在自助页面查看。"))
            return redirect("privacy:requests")
    else:
        initial = {}
        if ticket.kind == RequestKind.EXPLANATION:
            initial["answer"] = requests.explanation_draft(ticket)
        form = RequestAnswerForm(initial=initial)
    return render(request, "privacy/request_detail.html", {"ticket": ticket, "form": form})


# Processing register, retention and impact assessment


@capability_required(Action.MANAGE_CONSENTS)
@require_GET
def register_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    rows = [
        (activity, register.basis_problems(activity, today=today))
        for activity in register.activities_list()
    ]
    return render(request, "privacy/register.html", {"rows": rows})


@capability_required(Action.MANAGE_CONSENTS)
def register_edit(request: HttpRequest, source: str) -> HttpResponse:
    try:
        activity = register.activity_get(source)
    except HrguardError as error:
        return _fail(request, error, "privacy:register")

    if request.method == "POST":
        form = ActivityBasisForm(request.POST)
        if form.is_valid():
            try:
                register.activity_record_basis(
                    actor=request.user, source=source, **form.cleaned_data
                )
            except HrguardError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, gettext("法律依据已记录。"))
                return redirect("privacy:register")
    else:
        form = ActivityBasisForm(
            initial={
                "purpose": activity.purpose,
                "data_items": activity.data_items,
                "retention_period": activity.retention_period,
                "legal_basis": activity.legal_basis,
                "rule_title": activity.rule_title,
                "rule_version": activity.rule_version,
                "consultation_record": activity.consultation_record,
                "published_on": activity.published_on,
            }
        )
    return render(request, "privacy/register_edit.html", {"activity": activity, "form": form})


@capability_required(Action.MANAGE_CONSENTS)
@require_POST
def register_switch(request: HttpRequest, source: str) -> HttpResponse:
    enabled = request.POST.get("enabled") == "1"
    try:
        register.activity_switch(actor=request.user, source=source, enabled=enabled)
    except HrguardError as error:
        return _fail(request, error, "privacy:register")
    return redirect("privacy:register")


@capability_required(Action.MANAGE_RETENTION)
@require_GET
def retention_page(request: HttpRequest) -> HttpResponse:
    preview = retention.retention_run(actor=request.user, dry_run=True)
    pending = PurgeJob.objects.filter(status=PurgeJob.Status.PENDING).select_related("employee")
    return render(
        request,
        "privacy/retention.html",
        {
            "policies": retention.retention_policies(),
            "preview": retention.retention_summary_text(preview),
            "pending": pending,
        },
    )


@capability_required(Action.MANAGE_CONSENTS)
@require_GET
def pia_page(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "privacy/pia.html",
        {
            "rows": pia.pia_rows(),
            "policies": retention.retention_policies(),
            "safeguards": [str(item) for item in pia.GENERAL_SAFEGUARDS],
        },
    )


@capability_required(Action.MANAGE_CONSENTS)
@require_GET
def pia_download(request: HttpRequest) -> HttpResponse:
    content = pia.pia_docx()
    with transaction.atomic():
        audit_record(actor=request.user, action="pia.export", target_type="pia", target_id="report")
    day = timezone.localdate().isoformat()
    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="pia-{day}.docx"'
    return response


# Two-factor login


@login_required
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Enrol a TOTP device: show its QR code, confirm it with a first code."""
    user = _user(request)
    if otp_confirmed_device(user) is not None:
        return redirect(_otp_next_url(request, "privacy:otp_verify"))

    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="hrguard", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].strip()):
            with transaction.atomic():
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                audit_record(
                    actor=user,
                    action="account.otp_enrol",
                    target_type="user",
                    target_id=str(user.pk),
                )
            otp_login(request, device)
            return redirect(_next_or_home(request))
        logger.warning("otp enrolment code rejected", extra={"user_id": user.pk})
        form.add_error("token", gettext("验证码不正确或已过期，请输入身份验证器当前显示的数字。"))

    uri = device.config_url
    qr_svg = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage).to_string(
        encoding="unicode"
    )
    secret = base64.b32encode(device.bin_key).decode("ascii")
    return render(
        request,
        "privacy/otp_setup.html",
        {"form": form, "qr_svg": qr_svg, "secret": secret, "next": request.GET.get("next", "")},
    )


@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if otp_confirmed_device(user) is None:
        return redirect(_otp_next_url(request, "privacy:otp_setup"))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["token"].strip())
        if device is not None:
            otp_login(request, device)
            return redirect(_next_or_home(request))
        logger.warning("otp code rejected", extra={"user_id": user.pk})
        form.add_error("token", gettext("验证码不正确或已过期，请输入身份验证器当前显示的数字。"))
    return render(
        request, "privacy/otp_verify.html", {"form": form, "next": request.GET.get("next", "")}
    )


def _otp_next_url(request: HttpRequest, step: str) -> str:
    from django.urls import reverse

    query = request.GET.urlencode()
    return f"{reverse(step)}?{query}" if query else reverse(step)


def _next_or_home(request: HttpRequest) -> str:
    target = request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise DjangoPermissionDenied
    return user
