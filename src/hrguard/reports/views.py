"""Report pages: the month chooser, the monthly report and the per-employee assessment.

`?format=xlsx` or `?format=pdf` downloads the same report as a file.
"""

from typing import cast

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from hrguard.core.errors import NotFound, ValidationFailed
from hrguard.privacy.roles import Action, can
from hrguard.reports import documents, selectors, xlsx
from hrguard.reports.services import (
    ReportOutput,
    employee_file_stem,
    employee_report_generate,
    monthly_file_stem,
)
from hrguard.risk.engine.inputs import month_shift

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_alert_viewer(request: HttpRequest) -> None:
    if not can(request.user, Action.VIEW_ALERTS):
        raise PermissionDenied


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _requested_output(request: HttpRequest) -> str:
    output = request.GET.get("format", ReportOutput.PAGE)
    if output not in (ReportOutput.PAGE, ReportOutput.XLSX, ReportOutput.PDF):
        raise Http404
    return output


@login_required
def report_index(request: HttpRequest) -> HttpResponse:
    """Choose a month (last month by default) and open or download its report."""
    _require_alert_viewer(request)
    month = month_shift(timezone.localdate().replace(day=1), -1)
    error = None
    if request.GET.get("month"):
        try:
            month = selectors.month_parse(request.GET["month"])
        except ValidationFailed as failure:
            error = failure.message

    employee_error = None
    employee_no = request.GET.get("employee_no", "").strip()
    if employee_no:
        try:
            employee_id = selectors.employee_id_for_user(user=request.user, employee_no=employee_no)
        except NotFound as failure:
            employee_error = failure.message
        else:
            return redirect("reports:employee", employee_id=employee_id)

    context = {
        "month": month,
        "error": error,
        "employee_no": employee_no,
        "employee_error": employee_error,
    }
    return render(request, "reports/index.html", context)


@login_required
def monthly_report(request: HttpRequest, month: str) -> HttpResponse:
    _require_alert_viewer(request)
    output = _requested_output(request)
    try:
        first_day = selectors.month_parse(month)
    except ValidationFailed as failure:
        raise Http404(failure.message) from failure

    report = selectors.monthly_report_for_user(user=request.user, month=first_day)

    stem = monthly_file_stem(report)
    if output == ReportOutput.XLSX:
        return _download(xlsx.monthly_xlsx(report), XLSX_TYPE, f"{stem}.xlsx")
    if output == ReportOutput.PDF:
        return _download(documents.monthly_pdf(report), "application/pdf", f"{stem}.pdf")
    context = documents.monthly_context(report, svg=False)
    return render(request, "reports/monthly.html", context)


@login_required
def employee_report(request: HttpRequest, employee_id: int) -> HttpResponse:
    _require_alert_viewer(request)
    output = _requested_output(request)
    try:
        report = employee_report_generate(
            # login_required let only logged-in users through.
            user=cast(User, request.user),
            employee_id=employee_id,
            output=output,
        )
    except NotFound as error:
        raise Http404(error.message) from error

    stem = employee_file_stem(report)
    if output == ReportOutput.XLSX:
        return _download(xlsx.employee_xlsx(report), XLSX_TYPE, f"{stem}.xlsx")
    if output == ReportOutput.PDF:
        return _download(documents.employee_pdf(report), "application/pdf", f"{stem}.pdf")
    return render(request, "reports/employee.html", {"report": report})
