"""Size and row limits stop a huge file, or a small file of millions of rows, quickly."""

import time
from pathlib import Path

import openpyxl
import pytest

from hrguard.ingest.models import ImportBatch
from hrguard.ingest.services import import_file
from tests.factories import EmployeeFactory
from tests.ingest_hardening.helpers import write_csv

pytestmark = pytest.mark.django_db

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
