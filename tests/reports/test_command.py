"""`hrguard report`: in-process for the audit and errors, and once as the installed command."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook
from pypdf import PdfReader

from hrguard.privacy.models import AuditEntry
from tests.reports.conftest import Company

HRGUARD = Path(sys.executable).with_name("hrguard")

# Seeds one department, employee and November alert into a fresh home's database.
SEED = """
import os
import django
os.environ["DJANGO_SETTINGS_MODULE"] = "hrguard.config.settings"
django.setup()
from hrguard.people.models import Department, Employee
from hrguard.risk.models import Alert, RuleSet, ScanRun
sales = Department.objects.create(name="销售部")
employee = Employee.objects.create(
    employee_no="E2001", name="孙悟净", department=sales, pseudonym="员工-CLI1"
)
rule_set = RuleSet.objects.create(version="cli-1", content="", sha256="0" * 64)
scan = ScanRun.objects.create(as_of="2026-11-30", rule_set=rule_set)
alert = Alert.objects.create(
    employee=employee, level="high", indicators=["loan_platforms"],
    first_scan=scan, last_scan=scan, rule_set=rule_set,
)
Alert.objects.filter(pk=alert.pk).update(created_at="2026-11-05T10:00:00+08:00")
"""


def _run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env["HRGUARD_HOME"] = str(home)
    return subprocess.run(  # noqa: S603
        [*args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_report_employee_audited_as_system_with_reason(company: Company, tmp_path: Path) -> None:
    out = io.StringIO()
    folder = tmp_path / "out"

    call_command(
        "report", "employee", "E1001", "--reason", "季度复核", "--out", str(folder), stdout=out
    )

    [entry] = AuditEntry.objects.filter(action="reports.employee_report")
    assert entry.actor_id is None
    assert entry.target_id == "E1001"
    assert entry.reason == "季度复核"
    assert entry.after == {"output": "files", "name_shown": False}
    lines = out.getvalue().splitlines()
    assert len(lines) == 3
    assert all(line.startswith("已生成：") for line in lines)
    assert sorted(path.suffix for path in folder.iterdir()) == [".html", ".pdf", ".xlsx"]


def test_report_employee_show_name_in_files(company: Company, tmp_path: Path) -> None:
    call_command(
        "report", "employee", "E1001", "--reason", "谈话准备", "--show-name", "--out", str(tmp_path)
    )

    [html] = tmp_path.glob("*.html")
    assert "王小明" in html.read_text(encoding="utf-8")
    assert AuditEntry.objects.get(action="reports.employee_report").after["name_shown"] is True


def test_report_employee_blank_reason_rejected(company: Company, tmp_path: Path) -> None:
    folder = tmp_path / "out"

    with pytest.raises(CommandError) as raised:
        call_command("report", "employee", "E1001", "--reason", "  ", "--out", str(folder))

    assert str(raised.value) == "请用 --reason 说明生成该员工评估报告的理由。"
    assert not folder.exists()
    assert not AuditEntry.objects.filter(action="reports.employee_report").exists()


def test_report_employee_unknown_number_rejected(company: Company, tmp_path: Path) -> None:
    with pytest.raises(CommandError) as raised:
        call_command("report", "employee", "E9999", "--reason", "复核", "--out", str(tmp_path))

    assert str(raised.value) == "员工 E9999 不存在。"


def test_report_monthly_invalid_month_rejected(db: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError) as raised:
        call_command("report", "monthly", "--month", "2026-13", "--out", str(tmp_path))

    assert str(raised.value) == "月份“2026-13”无效，请写成 YYYY-MM，例如 2026-11。"


@pytest.mark.slow
def test_report_command_writes_files_in_fresh_home(tmp_path: Path) -> None:
    home = tmp_path / "home"
    out = tmp_path / "out"
    migrated = _run(home, str(HRGUARD), "migrate", "--no-input")
    assert migrated.returncode == 0, migrated.stderr
    seeded = _run(home, sys.executable, "-c", SEED)
    assert seeded.returncode == 0, seeded.stderr

    monthly = _run(home, str(HRGUARD), "report", "monthly", "--month", "2026-11", "--out", str(out))
    employee = _run(
        home, str(HRGUARD), "report", "employee", "E2001", "--reason", "复核", "--out", str(out)
    )

    assert monthly.returncode == 0, monthly.stderr
    assert monthly.stdout.splitlines() == [
        f"已生成：{out.resolve() / 'hrguard-monthly-2026-11.html'}",
        f"已生成：{out.resolve() / 'hrguard-monthly-2026-11.xlsx'}",
        f"已生成：{out.resolve() / 'hrguard-monthly-2026-11.pdf'}",
    ]
    assert employee.returncode == 0, employee.stderr
    assert len(employee.stdout.splitlines()) == 3

    workbook = load_workbook(out / "hrguard-monthly-2026-11.xlsx")
    assert [list(row) for row in workbook["预警级别"].iter_rows(values_only=True)] == [
        ["级别", "预警数"],
        ["关注", 0],
        ["中风险", 0],
        ["高风险", 1],
    ]
    pdf_text = PdfReader(out / "hrguard-monthly-2026-11.pdf").pages[0].extract_text()
    assert "销售部" in pdf_text
    assert "孙悟净" not in pdf_text
    assert "孙悟净" not in (out / "hrguard-monthly-2026-11.html").read_text(encoding="utf-8")
    [employee_pdf] = out.glob("hrguard-employee-E2001-*.pdf")
    assert "员工-CLI1" in PdfReader(employee_pdf).pages[0].extract_text()


def test_report_employee_missing_reason_rejected(db: None) -> None:
    with pytest.raises(CommandError) as raised:
        call_command("report", "employee", "E1001")

    assert "--reason" in str(raised.value)
