"""Size and row limits stop a huge file, or a small file of millions of rows, quickly."""

import time
from pathlib import Path

import openpyxl
import pytest

from hrguard.ingest.models import ImportBatch
from hrguard.ingest.services import import_file
from tests.factories import EmployeeFactory
from tests.ingest_hardening.helpers import grant_payments_consent, write_csv

pytestmark = pytest.mark.django_db

WECHAT = Path(__file__).parent.parent / "fixtures" / "bills" / "wechat-complete-bom-crlf.csv"
HEADER = ["工号", "姓名", "日期", "金额", "类别", "说明"]


def row_bomb(path: Path, rows: int, *, declare: bool) -> Path:
    """Write an xlsx of `rows` short rows; write-only mode declares no dimension."""
    workbook = openpyxl.Workbook(write_only=not declare)
    sheet = workbook.create_sheet() if not declare else workbook.active
    sheet.append(HEADER)
    for number in range(rows):
        sheet.append(["E0001", "", "2026-03-02", "1", "x", str(number)])
    workbook.save(path)
    return path


@pytest.mark.parametrize("declare", [True, False])
def test_xlsx_row_bomb_is_rejected(settings, tmp_path: Path, declare: bool) -> None:
    # given a limit of 500 rows for spreadsheets and a sheet of 3,000 rows
    settings.HRGUARD_IMPORT_MAX_ROWS_XLSX = 500
    EmployeeFactory(employee_no="E0001")
    path = row_bomb(tmp_path / "rowbomb.xlsx", 3000, declare=declare)

    # when it is imported
    started = time.monotonic()
    report = import_file(kind="reimbursements", path=path, file_name=path.name)

    # then one file-level issue names the limit, and no row past it was parsed
    assert [(issue.row, issue.message) for issue in report.issues] == [
        (None, "超过 500 行，超出了单个文件的导入上限。请拆分成多个文件后分别导入。")
    ]
    assert report.rows_total <= 500
    assert report.status == ImportBatch.Status.REJECTED
    assert time.monotonic() - started < 10


def test_csv_with_more_rows_than_limit_is_rejected(settings, tmp_path: Path) -> None:
    settings.HRGUARD_IMPORT_MAX_ROWS = 50
    EmployeeFactory(employee_no="E0001")
    rows = [HEADER, *[["E0001", "", "2026-03-02", "1", "x", str(n)] for n in range(100)]]
    path = write_csv(tmp_path / "报销.csv", rows)

    report = import_file(kind="reimbursements", path=path, file_name=path.name)

    assert [issue.message for issue in report.issues] == [
        "超过 50 行，超出了单个文件的导入上限。请拆分成多个文件后分别导入。"
    ]


def test_file_over_size_limit_is_rejected(settings, tmp_path: Path) -> None:
    settings.HRGUARD_IMPORT_MAX_MB = 1
    path = tmp_path / "报销.csv"
    path.write_bytes(",".join(HEADER).encode() + b"\r\n" + b"x" * (1024 * 1024 + 1))

    report = import_file(kind="reimbursements", path=path, file_name=path.name)

    assert [issue.message for issue in report.issues] == [
        "文件有 1.0 MB，超过了导入上限 1 MB。请按月份或部门拆分后分别导入。"
    ]
    assert report.rows_total == 0


@pytest.mark.parametrize("fast_min_bytes", [0, 1 << 40])
def test_csv_bill_over_row_limit_is_rejected(settings, tmp_path: Path, fast_min_bytes: int) -> None:
    # given a WeChat bill of 40 rows read with polars (0) or row by row, and a limit of 30
    settings.HRGUARD_FAST_IMPORT_MIN_BYTES = fast_min_bytes
    settings.HRGUARD_IMPORT_MAX_ROWS = 30
    employee = EmployeeFactory(employee_no="E0001")
    grant_payments_consent(employee)
    text = WECHAT.read_bytes().decode("utf-8-sig")
    head, _sep, rows = text.partition("交易时间,")
    header, _newline, body = rows.partition("\r\n")
    first = body.splitlines()[0]
    lines = [first.replace(first.split(",")[8], f'"{n:020d}\t"', 1) for n in range(40)]
    path = tmp_path / "微信支付账单.csv"
    path.write_bytes((head + "交易时间," + header + "\r\n" + "\r\n".join(lines) + "\r\n").encode())

    # when it is imported
    report = import_file(kind="payments", path=path, file_name=path.name, employee_no="E0001")

    # then the limit rejects it
    assert [issue.message for issue in report.issues] == [
        "超过 30 行，超出了单个文件的导入上限。请拆分成多个文件后分别导入。"
    ]
