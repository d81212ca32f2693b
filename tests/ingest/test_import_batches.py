"""Re-imports, dry runs, the rejected-rows workbook and the templates."""

import datetime
import io
from pathlib import Path

import openpyxl
import pytest

from hrguard.ingest.models import ImportBatch
from hrguard.ingest.selectors import batch_rejected_rows_xlsx
from hrguard.ingest.services import import_file
from hrguard.ingest.templates import template_bytes, template_kinds
from hrguard.payroll.models import PayrollRecord
from hrguard.people.models import Department, Employee
from tests.factories import EmployeeFactory
from tests.ingest.files import write_csv, write_file

pytestmark = pytest.mark.django_db

PAYROLL_HEADER = ["工号", "姓名", "月份", "应发工资", "实发工资"]


@pytest.fixture
def roster() -> None:
    EmployeeFactory(employee_no="E0001", name="张三")
    EmployeeFactory(employee_no="E0002", name="李四")


@pytest.fixture
def payroll_file(tmp_path: Path) -> Path:
    rows = [
        PAYROLL_HEADER,
        ["E0001", "张三", "2026-03", "12000", "9800"],
        ["E0002", "李四", "2026-03", "8000", "7000"],
    ]
    return write_csv(tmp_path / "工资.csv", rows)


def test_payroll_reimport_same_file_changes_nothing(roster: None, payroll_file: Path) -> None:
    import_file(kind="payroll", path=payroll_file, file_name=payroll_file.name)
    before = list(PayrollRecord.objects.values_list("pk", "gross_pay", "net_pay", "batch_id"))

    report = import_file(kind="payroll", path=payroll_file, file_name=payroll_file.name)

    assert (report.rows_created, report.rows_updated, report.rows_unchanged) == (0, 0, 2)
    assert (
        list(PayrollRecord.objects.values_list("pk", "gross_pay", "net_pay", "batch_id")) == before
    )
    assert ImportBatch.objects.filter(status=ImportBatch.Status.COMMITTED).count() == 2


def test_employees_reimport_same_file_changes_nothing(tmp_path: Path) -> None:
    rows = [
        ["工号", "姓名", "部门", "岗位", "入职日期", "手机号", "状态"],
        ["E0101", "王五", "财务部", "会计", "2023-07-01", "13800138000", "在职"],
    ]
    path = write_csv(tmp_path / "花名册.csv", rows)
    import_file(kind="employees", path=path, file_name=path.name, create_departments=True)
    updated_at = Employee.objects.get().updated_at

    report = import_file(kind="employees", path=path, file_name=path.name, create_departments=True)

    assert (report.rows_created, report.rows_updated, report.rows_unchanged) == (0, 0, 1)
    assert Employee.objects.get().updated_at == updated_at


def test_payroll_import_changed_amount_updates_record(roster: None, tmp_path: Path) -> None:
    first = write_csv(
        tmp_path / "v1.csv", [PAYROLL_HEADER, ["E0001", "张三", "2026-03", "12000", "9800"]]
    )
    import_file(kind="payroll", path=first, file_name=first.name)
    second = write_csv(
        tmp_path / "v2.csv", [PAYROLL_HEADER, ["E0001", "张三", "2026-03", "12000", "9900"]]
    )

    report = import_file(kind="payroll", path=second, file_name=second.name)

    assert (report.rows_created, report.rows_updated, report.rows_unchanged) == (0, 1, 0)
    record = PayrollRecord.objects.get()
    assert str(record.net_pay) == "9900.00"
    assert record.batch_id == report.batch_id


def test_payroll_dry_run_counts_and_writes_nothing(
    roster: None, payroll_file: Path, hrguard_home: Path
) -> None:
    report = import_file(
        kind="payroll", path=payroll_file, file_name=payroll_file.name, dry_run=True
    )

    assert report.status == ImportBatch.Status.DRY_RUN
    assert (report.rows_total, report.rows_created) == (2, 2)
    assert PayrollRecord.objects.count() == 0
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.DRY_RUN
    assert batch.stored_path == ""
    assert not (hrguard_home / "imports").exists()


def test_employees_dry_run_creates_no_department(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "花名册.csv",
        [["工号", "姓名", "部门", "状态"], ["E0101", "王五", "新部门", "在职"]],
    )

    report = import_file(
        kind="employees", path=path, file_name=path.name, dry_run=True, create_departments=True
    )

    assert report.rows_created == 1
    assert Employee.objects.count() == 0
    assert not Department.objects.filter(name="新部门").exists()


def test_dry_run_with_issues_records_errors(roster: None, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "工资.csv", [PAYROLL_HEADER, ["E0001", "张三", "2026-03", "x", "1"]]
    )

    report = import_file(kind="payroll", path=path, file_name=path.name, dry_run=True)

    batch = ImportBatch.objects.get(pk=report.batch_id)
    assert batch.status == ImportBatch.Status.DRY_RUN
    assert [error["row"] for error in batch.errors] == [2]


def test_rejected_rows_xlsx_has_rows_and_explanations(roster: None, tmp_path: Path) -> None:
    rows = [
        PAYROLL_HEADER,
        ["E0001", "张三", "2026-03", "12000", "9800"],
        ["E0002", "=cmd|' /C calc'!A0", "2026-03", "abc", "-5"],
    ]
    path = write_csv(tmp_path / "工资.csv", rows)
    report = import_file(kind="payroll", path=path, file_name=path.name)
    batch = ImportBatch.objects.get(pk=report.batch_id)

    workbook = openpyxl.load_workbook(io.BytesIO(batch_rejected_rows_xlsx(batch=batch)))

    sheet = workbook.active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == ["行号", *PAYROLL_HEADER, "错误说明"]
    assert len(values) == 2
    assert values[1][:6] == [3, "E0002", "=cmd|' /C calc'!A0", "2026-03", "abc", "-5"]
    assert (sheet["C2"].data_type, sheet["C2"].quotePrefix) == ("s", True)
    explanation = values[1][6]
    assert "「姓名」列：姓名与工号 E0002 的花名册姓名不一致" in explanation
    assert "「应发工资」列：「abc」不是有效的金额" in explanation
    assert "「实发工资」列：金额「-5」是负数" in explanation


def test_rejected_rows_xlsx_lists_file_level_problem(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "工资.csv", [["工号", "月份"], ["E0001", "2026-03"]])
    report = import_file(kind="payroll", path=path, file_name=path.name)
    batch = ImportBatch.objects.get(pk=report.batch_id)

    sheet = openpyxl.load_workbook(io.BytesIO(batch_rejected_rows_xlsx(batch=batch))).active

    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == ["行号", "错误说明"]
    assert "缺少列" in rows[1][1]


@pytest.mark.parametrize("kind", ["employees", "payroll", "leave", "reimbursements", "consents"])
@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_template_example_row_is_rejected_as_example(
    tmp_path: Path, kind: str, file_format: str
) -> None:
    EmployeeFactory(employee_no="E0001", name="张三")
    path = tmp_path / f"template.{file_format}"
    path.write_bytes(template_bytes(kind, file_format))

    report = import_file(kind=kind, path=path, file_name=path.name, dry_run=True)

    assert [(issue.row, issue.message) for issue in report.issues] == [
        (
            2,
            "这是导入模板自带的示例行（工号以「示例-」开头），不会导入。请删除这一行后重新导入。",
        )
    ]
    assert report.rows_total == 1


@pytest.mark.parametrize("kind", ["employees", "payroll", "leave", "reimbursements", "consents"])
@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_template_example_with_real_employee_no_imports_cleanly(
    tmp_path: Path, kind: str, file_format: str
) -> None:
    # given a template whose example 工号 a user replaced with a real one
    EmployeeFactory(employee_no="E0001", name="张三", department__name="财务部")
    path = tmp_path / f"template.{file_format}"
    data = template_bytes(kind, "csv").decode("utf-8-sig").replace("示例-E0001", "E0001")
    rows = [line.split(",") for line in data.splitlines()]
    write_file(path, rows, "xlsx" if file_format == "xlsx" else "utf-8")
    path = path.with_suffix(".xlsx") if file_format == "xlsx" else path.with_suffix(".csv")

    report = import_file(kind=kind, path=path, file_name=path.name, dry_run=True)

    assert report.issues == []
    assert report.rows_total == 1


def test_template_kinds_are_the_canonical_templates() -> None:
    assert sorted(template_kinds()) == [
        "consents",
        "employees",
        "leave",
        "payroll",
        "reimbursements",
    ]


def test_template_csv_has_bom_and_header() -> None:
    data = template_bytes("payroll", "csv")

    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").splitlines()[0] == ",".join(PAYROLL_HEADER)


def test_employees_import_changed_row_sets_update_time(tmp_path: Path) -> None:
    header = ["工号", "姓名", "部门", "状态"]
    first = write_csv(tmp_path / "v1.csv", [header, ["E0101", "王五", "财务部", "试用"]])
    import_file(kind="employees", path=first, file_name=first.name, create_departments=True)
    Employee.objects.update(updated_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
    second = write_csv(tmp_path / "v2.csv", [header, ["E0101", "王五", "财务部", "在职"]])

    import_file(kind="employees", path=second, file_name=second.name, create_departments=True)

    assert Employee.objects.get().updated_at.year >= 2026


def test_import_concurrent_write_rejects_whole_file(
    roster: None, payroll_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    manager = PayrollRecord._default_manager
    real_bulk_create = manager.bulk_create

    def bulk_create_after_another_import(objs, *args, **kwargs):
        # Another import stores E0002's March pay between this chunk's look-up and insert.
        employee = Employee.objects.get(employee_no="E0002")
        PayrollRecord.objects.create(employee=employee, month=objs[0].month, gross_pay=1, net_pay=1)
        return real_bulk_create(objs, *args, **kwargs)

    monkeypatch.setattr(manager, "bulk_create", bulk_create_after_another_import)

    report = import_file(kind="payroll", path=payroll_file, file_name=payroll_file.name)

    assert report.status == ImportBatch.Status.REJECTED
    assert [issue.message for issue in report.issues] == [
        "另一个导入同时写入了相同的记录，本次导入没有写入任何数据。请稍后重新导入。"
    ]
    assert PayrollRecord.objects.count() == 0
    assert ImportBatch.objects.get().status == ImportBatch.Status.REJECTED
