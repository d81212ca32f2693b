"""Hand out reports: audit the per-employee assessment and write report files to a folder."""

import logging
import re
from pathlib import Path

from django.contrib.auth.models import User
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext

from hrguard.core.errors import ValidationFailed
from hrguard.privacy.audit import audit_record
from hrguard.reports import documents, xlsx
from hrguard.reports.selectors import (
    EmployeeReport,
    MonthlyReport,
    employee_report_for_system,
    employee_report_for_user,
)

logger = logging.getLogger(__name__)

_UNSAFE_FILE_CHARACTERS = re.compile(r"[^A-Za-z0-9_-]")


class ReportOutput(models.TextChoices):
    PAGE = "page", "page"
    HTML = "html", "HTML"
    XLSX = "xlsx", "Excel"
    PDF = "pdf", "PDF"
    # The command line writes HTML, .xlsx and PDF files together.
    FILES = "files", "files"


def employee_report_generate(*, user: User, employee_id: int, output: str) -> EmployeeReport:
    """Return one employee's risk assessment for `user` and record it in the audit log.

    Raises NotFound when the employee is outside the user's scope or the user
    may not view alerts; nothing is audited then.
    """
    report = employee_report_for_user(user=user, employee_id=employee_id)

    with transaction.atomic():
        _audit_employee_report(actor=user, report=report, output=output, reason="")
    return report


def employee_report_generate_by_system(
    *, employee_no: str, reason: str, show_name: bool, output: str
) -> EmployeeReport:
    """Return one employee's risk assessment for a command-line run, audited with its reason.

    The command line has no user, so the audit entry names the system as the
    actor and keeps the operator's reason.
    """
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(
            gettext("请用 --reason 说明生成该员工评估报告的理由。"), code="reason_required"
        )
    report = employee_report_for_system(employee_no=employee_no, show_name=show_name)

    with transaction.atomic():
        _audit_employee_report(actor=None, report=report, output=output, reason=reason)
    return report


def _audit_employee_report(
    *, actor: User | None, report: EmployeeReport, output: str, reason: str
) -> None:
    audit_record(
        actor=actor,
        action="reports.employee_report",
        target_type="employee",
        target_id=report.employee.employee_no,
        after={"output": output, "name_shown": report.name_shown},
        reason=reason,
    )


def monthly_file_stem(report: MonthlyReport) -> str:
    return f"hrguard-monthly-{report.month:%Y-%m}"


def employee_file_stem(report: EmployeeReport) -> str:
    """Return the file name stem: employee number and day, with no characters unsafe in paths."""
    employee_no = _UNSAFE_FILE_CHARACTERS.sub("_", report.employee.employee_no)
    day = timezone.localdate(report.generated_at)
    return f"hrguard-employee-{employee_no}-{day:%Y%m%d}"


def monthly_report_files_write(*, report: MonthlyReport, out_dir: Path) -> list[Path]:
    """Write the monthly report as .html, .xlsx and .pdf into `out_dir`; return the paths."""
    stem = monthly_file_stem(report)
    html = documents.monthly_html(report)
    return _files_write(
        out_dir,
        {
            f"{stem}.html": html.encode("utf-8"),
            f"{stem}.xlsx": xlsx.monthly_xlsx(report),
            f"{stem}.pdf": documents.html_to_pdf(html),
        },
    )


def employee_report_files_write(*, report: EmployeeReport, out_dir: Path) -> list[Path]:
    """Write the per-employee report as .html, .xlsx and .pdf into `out_dir`; return the paths."""
    stem = employee_file_stem(report)
    html = documents.employee_html(report)
    return _files_write(
        out_dir,
        {
            f"{stem}.html": html.encode("utf-8"),
            f"{stem}.xlsx": xlsx.employee_xlsx(report),
            f"{stem}.pdf": documents.html_to_pdf(html),
        },
    )


def _files_write(out_dir: Path, contents: dict[str, bytes]) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, content in contents.items():
        path = out_dir / name
        path.write_bytes(content)
        paths.append(path)
    logger.info("report files written", extra={"out_dir": str(out_dir), "files": len(paths)})
    return paths
