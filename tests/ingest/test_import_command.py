"""`hrguard import`: the installed command in a fresh home, and the command in-process."""

import datetime
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from hrguard.people.models import Employee
from hrguard.privacy.models import Consent, DataCategory
from tests.factories import EmployeeFactory
from tests.ingest.files import write_csv

HRGUARD = Path(sys.executable).with_name("hrguard")


def run_hrguard(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env["HRGUARD_HOME"] = str(home)
    return subprocess.run(
        [str(HRGUARD), *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.slow
def test_import_command_success_and_rejection(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert run_hrguard(home, "migrate", "--no-input").returncode == 0
    roster = write_csv(
        tmp_path / "花名册.csv",
        [
            ["工号", "姓名", "部门", "状态"],
            ["E0001", "张三", "财务部", "在职"],
            ["E0002", "李四", "财务部", "试用"],
        ],
        encoding="gbk",
    )
    payroll = write_csv(
        tmp_path / "工资.csv",
        [
            ["工号", "姓名", "月份", "应发工资", "实发工资"],
            ["E0001", "张三", "2026-03", "8000", "9000"],
        ],
    )

    success = run_hrguard(home, "import", "employees", str(roster), "--create-departments")
    rejection = run_hrguard(home, "import", "payroll", str(payroll))

    assert success.returncode == 0, success.stderr
    assert "已导入「花名册.csv」：2 行，新增 2 条，更新 0 条，0 条不变。" in success.stdout
    assert rejection.returncode == 1
    assert (
        "文件「工资.csv」第 2 行「实发工资」列的值「9000」：实发工资不能大于应发工资（8000.00）。"
        "请检查两列是否填反。" in rejection.stderr
    )
    assert "没有写入任何数据" in rejection.stderr
    assert list((home / "imports").iterdir())[0].suffix == ".csv"


@pytest.mark.slow
def test_import_command_writes_template(tmp_path: Path) -> None:
    home = tmp_path / "home"
    out = tmp_path / "工资模板.csv"

    result = run_hrguard(home, "import", "--template", "payroll", "--format", "csv", str(out))

    assert result.returncode == 0, result.stderr
    assert out.read_text(encoding="utf-8-sig").splitlines()[0] == "工号,姓名,月份,应发工资,实发工资"


@pytest.mark.django_db
def test_import_command_dry_run_prints_counts(tmp_path: Path) -> None:
    roster = write_csv(
        tmp_path / "花名册.csv",
        [["工号", "姓名", "部门", "状态"], ["E0001", "张三", "财务部", "在职"]],
    )
    out = io.StringIO()

    call_command(
        "import_data", "employees", str(roster), "--dry-run", "--create-departments", stdout=out
    )

    assert out.getvalue().splitlines()[0] == (
        "仅校验「花名册.csv」：1 行全部有效；导入将新增 1 条、更新 0 条、0 条不变。没有写入任何数据。"
    )
    assert not Employee.objects.exists()


@pytest.mark.django_db
def test_import_command_payments_prints_layout() -> None:
    employee = EmployeeFactory(employee_no="E0001")
    Consent.objects.create(
        employee=employee, category=DataCategory.PAYMENTS, granted_on=datetime.date(2020, 1, 1)
    )
    bill = (
        Path(__file__).resolve().parent.parent
        / "fixtures"
        / "bills"
        / "wechat_sample_refund-statuses.csv"
    )
    out = io.StringIO()

    call_command("import_data", "payments", str(bill), "--employee", "E0001", stdout=out)

    assert out.getvalue().splitlines() == [
        "已导入「wechat_sample_refund-statuses.csv」：8 行，新增 8 条，更新 0 条，0 条不变。",
        "文件格式：微信支付账单（CSV）",
    ]


@pytest.mark.django_db
def test_import_command_unknown_kind_fails(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", [["a"], ["b"]])

    with pytest.raises(CommandError, match="未知的导入类型「salary」"):
        call_command("import_data", "salary", str(path))
