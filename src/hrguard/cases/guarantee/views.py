"""Pages for guarantee disputes and the signed documents they are checked against."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from hrguard.cases.guarantee import selectors, services
from hrguard.cases.guarantee.forms import DisputeForm, SignedDocumentForm
from hrguard.cases.guarantee.models import DisputeStatus, GuaranteeDispute
from hrguard.cases.guarantee.steps import COLLEAGUE_STEPS
from hrguard.core.errors import HrguardError, NotFound, PermissionDenied
from hrguard.people.models import Employee
from hrguard.privacy.roles import Action, can
from hrguard.privacy.scopes import employee_get_for_user, employees_visible_to

DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

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


def _dispute(request: HttpRequest, dispute_id: int) -> GuaranteeDispute:
    return selectors.dispute_get_for_user(dispute_id=dispute_id, user=request.user)


@_translate_errors
def dispute_list(request: HttpRequest) -> HttpResponse:
    if not (
        can(request.user, Action.MANAGE_LEGAL_MATTERS) or can(request.user, Action.MANAGE_CASES)
    ):
        raise PermissionDenied(gettext("您没有处理担保纠纷的权限。"))
    form = DisputeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        colleague = (
            employees_visible_to(request.user)
            .filter(employee_no=data["employee_no"].strip())
            .first()
        )
        if colleague is None:
            form.add_error(
                "employee_no",
                gettext("工号 %(no)s 不存在，或不在您的数据范围内。") % {"no": data["employee_no"]},
            )
        else:
            try:
                dispute = services.dispute_open(
                    colleague=colleague,
                    user=request.user,
                    lender=data["lender"],
                    reported_on=data["reported_on"],
                    claimed_debtor=data["claimed_debtor"],
                    notes=data["notes"],
                )
            except HrguardError as error:
                form.add_error(None, error.message)
            else:
                return redirect("guarantee:dispute_detail", dispute_id=dispute.pk)

    context = {"disputes": selectors.dispute_list_for_user(user=request.user), "form": form}
    return render(
        request, "guarantee/dispute_list.html", context, status=400 if form.errors else 200
    )


@_translate_errors
def dispute_detail(request: HttpRequest, dispute_id: int) -> HttpResponse:
    dispute = _dispute(request, dispute_id)
    context = {
        "dispute": dispute,
        "documents": selectors.signed_documents_for_employee(
            employee=dispute.colleague, user=request.user
        ),
        "scan": selectors.scan_latest(dispute=dispute),
        "steps": COLLEAGUE_STEPS,
        "statuses": DisputeStatus.choices,
        "can_export": can(request.user, Action.EXPORT_EVIDENCE),
    }
    return render(request, "guarantee/dispute_detail.html", context)


@_translate_errors
@require_POST
def dispute_scan(request: HttpRequest, dispute_id: int) -> HttpResponse:
    dispute = _dispute(request, dispute_id)
    try:
        scan = services.dispute_scan(dispute=dispute, user=request.user)
    except HrguardError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            gettext("已检索 %(documents)s 份文件，命中 %(hits)s 处，%(scans)s 份不可检索。")
            % {"documents": scan.documents, "hits": scan.hits, "scans": scan.not_searchable},
        )
    return redirect("guarantee:dispute_detail", dispute_id=dispute.pk)


@_translate_errors
@require_POST
def dispute_status(request: HttpRequest, dispute_id: int) -> HttpResponse:
    dispute = _dispute(request, dispute_id)
    try:
        dispute = services.dispute_status_set(
            dispute=dispute, user=request.user, status=request.POST.get("status", "")
        )
    except HrguardError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            gettext("担保纠纷状态已改为“%(status)s”。") % {"status": dispute.get_status_display()},
        )
    return redirect("guarantee:dispute_detail", dispute_id=dispute.pk)


@_translate_errors
@require_POST
def letter_download(request: HttpRequest, dispute_id: int) -> HttpResponse:
    dispute = _dispute(request, dispute_id)
    try:
        content = services.dispute_letter_generate(dispute=dispute, user=request.user)
    except HrguardError as error:
        messages.error(request, error.message)
        return redirect("guarantee:dispute_detail", dispute_id=dispute.pk)
    return _attachment(content, DOCX_MEDIA_TYPE, f"statement-dispute-{dispute.pk}.docx")


@_translate_errors
@require_POST
def package_download(request: HttpRequest, dispute_id: int) -> HttpResponse:
    dispute = _dispute(request, dispute_id)
    try:
        content = services.dispute_package_export(dispute=dispute, user=request.user)
    except PermissionDenied:
        raise
    except HrguardError as error:
        messages.error(request, error.message)
        return redirect("guarantee:dispute_detail", dispute_id=dispute.pk)
    return _attachment(content, "application/zip", f"evidence-dispute-{dispute.pk}.zip")


def _attachment(content: bytes, media_type: str, file_name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=media_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=file_name
    )
    return response


@_translate_errors
def signed_documents(request: HttpRequest, employee_id: int) -> HttpResponse:
    employee: Employee = employee_get_for_user(user=request.user, employee_id=employee_id)
    form = SignedDocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.signed_document_add(
                employee=employee,
                user=request.user,
                uploaded_file=data["file"],
                title=data["title"],
                kind=data["kind"],
                signed_on=data["signed_on"],
            )
        except HrguardError as error:
            form.add_error("file", error.message)
        else:
            messages.success(
                request, gettext("已保存签署文件“%(title)s”。") % {"title": data["title"]}
            )
            return redirect("guarantee:documents", employee_id=employee.pk)

    context = {
        "employee": employee,
        "documents": selectors.signed_documents_for_employee(employee=employee, user=request.user),
        "form": form,
    }
    return render(
        request, "guarantee/signed_documents.html", context, status=400 if form.errors else 200
    )
