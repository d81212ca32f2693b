from decimal import Decimal
from pathlib import Path

import pytest

from hrguard.ingest.services import import_file
from hrguard.payroll.models import PayrollRecord
from tests.factories import EmployeeFactory
from tests.ingest.files import FORMATS, write_file

HEADER = ["工号", "姓名", "月份", "应发工资", "实发工资"]

pytestmark = pytest.mark.django_db


@pytest.fixture
def roster() -> None:
    EmployeeFactory(employee_no="E0001", name="张三")
    EmployeeFactory(employee_no="E0002", name="李四")


@pytest.mark.parametrize("file_format", FORMATS)
def test_payroll_import_each_format_creates_records(
    roster: None, tmp_path: Path, file_format: str
) -> None:
    path = write_file(
        tmp_path / "工资",
        [
            HEADER,
            ["E0001", "张三", "2026-03", "12,000.00", "9856.40"],
            ["E0002", "李四", "2026/3", "8000", "7000"],
        ],
        file_format,
    )

    report = import_file(kind="payroll", path=path, file_name=path.name)

    assert report.issues == []
    assert (report.rows_total, report.rows_created, report.rows_updated) == (2, 2, 0)
    record = PayrollRecord.objects.get(employee__employee_no="E0001")
    assert record.month.isoformat() == "2026-03-01"
    assert record.gross_pay == Decimal("12000.00")
    assert record.net_pay == Decimal("9856.40")
