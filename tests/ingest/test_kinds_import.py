"""Happy paths of every canonical template kind, in each file format."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from hrguard.attendance.models import LeaveRecord
from hrguard.ingest.models import ImportBatch
from hrguard.ingest.services import import_file
from hrguard.payroll.models import Reimbursement
from hrguard.people.models import Department, Employee
from hrguard.privacy.models import Consent, DataCategory
from tests.factories import EmployeeFactory
from tests.ingest.files import FORMATS, write_file

pytestmark = pytest.mark.django_db

ROSTER_HEADER = ["工号", "姓名", "部门", "岗位", "入职日期", "手机号", "状态"]


@pytest.fixture
def roster() -> None:
    EmployeeFactory(employee_no="E0001", name="张三")
    EmployeeFactory(employee_no="E0002", name="李四")


@pytest.mark.parametrize("file_format", FORMATS)
def test_employees_import_each_format_creates_roster(tmp_path: Path, file_format: str) -> None:
    path = write_file(
        tmp_path / "花名册",
        [
            ROSTER_HEADER,
            ["E0101", "王五", "财务部", "会计", "2023-07-01", "13800138000", "在职"],
            ["E0102", "赵六", "研发部", "工程师", "2024/2/29", "", "试用"],
            ["E0103", "孙七", "财务部", "", "", "", "离职"],
        ],
        file_format,
    )

    report = import_file(kind="employees", path=path, file_name=path.name, create_departments=True)

    assert report.issues == []
    assert (report.rows_total, report.rows_created) == (3, 3)
    assert sorted(Department.objects.values_list("name", flat=True)) == ["研发部", "财务部"]
    wang = Employee.objects.get(employee_no="E0101")
    assert wang.name == "王五"
    assert wang.department.name == "财务部"
    assert wang.hire_date == datetime.date(2023, 7, 1)
    assert wang.phone == "13800138000"
    assert wang.status == Employee.Status.ACTIVE
    assert wang.pseudonym.startswith("员工-")
    assert Employee.objects.get(employee_no="E0102").status == Employee.Status.PROBATION
    assert Employee.objects.get(employee_no="E0103").status == Employee.Status.LEFT


def test_employees_import_synonym_headers_are_accepted(tmp_path: Path) -> None:
    path = write_file(
        tmp_path / "花名册",
        [
            ["2026年3月员工花名册"],
            ["员工编号", "员工姓名", "所属部门", "员工状态"],
            ["E0101", "王五", "财务部", "在职"],
        ],
        "utf-8",
    )

    report = import_file(kind="employees", path=path, file_name=path.name, create_departments=True)

    assert report.issues == []
    assert Employee.objects.get(employee_no="E0101").department.name == "财务部"


def test_employees_import_changed_row_updates_employee(tmp_path: Path) -> None:
    rows = [ROSTER_HEADER, ["E0101", "王五", "财务部", "会计", "2023-07-01", "", "试用"]]
    first = write_file(tmp_path / "v1", rows, "utf-8")
    import_file(kind="employees", path=first, file_name=first.name, create_departments=True)
    pseudonym = Employee.objects.get(employee_no="E0101").pseudonym
    rows[1][6] = "在职"
    rows[1][2] = "审计部"
    second = write_file(tmp_path / "v2", rows, "utf-8")

    report = import_file(
        kind="employees", path=second, file_name=second.name, create_departments=True
    )

    assert (report.rows_created, report.rows_updated, report.rows_unchanged) == (0, 1, 0)
    employee = Employee.objects.get(employee_no="E0101")
    assert employee.status == Employee.Status.ACTIVE
    assert employee.department.name == "审计部"
    assert employee.pseudonym == pseudonym


@pytest.mark.parametrize("file_format", FORMATS)
def test_leave_import_each_format_creates_records(
    roster: None, tmp_path: Path, file_format: str
) -> None:
    path = write_file(
        tmp_path / "请假",
        [
            ["工号", "姓名", "日期", "类型", "时长(天)"],
            ["E0001", "张三", "2026-03-02", "事假", "1"],
            ["E0001", "张三", "2026-03-02", "迟到", "0.1"],
            ["E0002", "李四", "2026年3月3日", "病假", "0.5"],
        ],
        file_format,
    )

    report = import_file(kind="leave", path=path, file_name=path.name)

    assert report.issues == []
    assert report.rows_created == 3
    sick = LeaveRecord.objects.get(employee__employee_no="E0002")
    assert (sick.date, sick.leave_type, sick.days) == (
        datetime.date(2026, 3, 3),
        "病假",
        Decimal("0.50"),
    )


@pytest.mark.parametrize("file_format", FORMATS)
def test_reimbursements_import_each_format_creates_claims(
    roster: None, tmp_path: Path, file_format: str
) -> None:
    path = write_file(
        tmp_path / "报销",
        [
            ["工号", "姓名", "日期", "金额", "类别", "说明"],
            ["E0001", "张三", "2026-03-05", "￥356.50", "差旅", "上海出差高铁票"],
            ["E0001", "张三", "2026-03-05", "356.50", "差旅", "返程高铁票"],
            ["E0002", "李四", "2026-03-06", "88元", "餐费", ""],
        ],
        file_format,
    )

    report = import_file(kind="reimbursements", path=path, file_name=path.name)

    assert report.issues == []
    assert report.rows_created == 3
    assert Reimbursement.objects.get(employee__employee_no="E0002").amount == Decimal("88.00")
    assert (
        Reimbursement.objects.filter(
            employee__employee_no="E0001", amount=Decimal("356.50")
        ).count()
        == 2
    )


@pytest.mark.parametrize("file_format", FORMATS)
def test_consents_import_each_format_creates_consents(
    roster: None, tmp_path: Path, file_format: str
) -> None:
    path = write_file(
        tmp_path / "授权",
        [
            ["工号", "数据类别", "同意日期", "撤回日期"],
            ["E0001", "支付记录", "2026-03-01", ""],
            ["E0001", "聊天记录", "2026-03-01", "2026-04-01"],
            ["E0002", "征信报告", "2026-02-15", ""],
        ],
        file_format,
    )

    report = import_file(kind="consents", path=path, file_name=path.name)

    assert report.issues == []
    assert report.rows_created == 3
    chat = Consent.objects.get(employee__employee_no="E0001", category=DataCategory.CHAT)
    assert chat.withdrawn_on == datetime.date(2026, 4, 1)
    assert Consent.objects.get(employee__employee_no="E0002").category == DataCategory.CREDIT


def test_consents_import_without_withdrawal_keeps_recorded_withdrawal(
    roster: None, tmp_path: Path
) -> None:
    header = ["工号", "数据类别", "同意日期", "撤回日期"]
    first = write_file(
        tmp_path / "v1", [header, ["E0001", "支付记录", "2026-03-01", "2026-05-01"]], "utf-8"
    )
    import_file(kind="consents", path=first, file_name=first.name)
    second = write_file(tmp_path / "v2", [header, ["E0001", "支付记录", "2026-03-01", ""]], "utf-8")

    report = import_file(kind="consents", path=second, file_name=second.name)

    assert report.rows_unchanged == 1
    assert Consent.objects.get().withdrawn_on == datetime.date(2026, 5, 1)
    assert len(report.notes) == 1


def test_import_committed_batch_stores_original_by_hash(
    roster: None, tmp_path: Path, hrguard_home: Path
) -> None:
    path = write_file(
        tmp_path / "请假",
        [["工号", "日期", "类型", "时长(天)"], ["E0001", "2026-03-02", "年假", "1"]],
        "utf-8",
    )

    report = import_file(kind="leave", path=path, file_name="请假.csv")

    batch = ImportBatch.objects.get(pk=report.batch_id)
    assert batch.status == ImportBatch.Status.COMMITTED
    assert batch.stored_path == f"imports/{batch.sha256}.csv"
    assert (hrguard_home / batch.stored_path).read_bytes() == path.read_bytes()
    assert LeaveRecord.objects.get().batch == batch


def test_employees_import_gb18030_only_name_is_read(tmp_path: Path) -> None:
    # 䶮 (U+4DAE) is in GB18030 but not in GBK, so only a GB18030 decoder reads it.
    path = tmp_path / "花名册.csv"
    path.write_bytes("工号,姓名,部门,状态\r\nE0101,刘䶮,财务部,在职\r\n".encode("gb18030"))

    report = import_file(kind="employees", path=path, file_name=path.name, create_departments=True)

    assert report.issues == []
    assert Employee.objects.get().name == "刘䶮"


def test_employees_import_excel_serial_hire_date_is_converted(tmp_path: Path) -> None:
    path = write_file(
        tmp_path / "花名册",
        [
            ["工号", "姓名", "部门", "入职日期", "状态"],
            ["E0101", "王五", "财务部", "45108", "在职"],
        ],
        "utf-8",
    )

    report = import_file(kind="employees", path=path, file_name=path.name, create_departments=True)

    assert report.issues == []
    assert Employee.objects.get().hire_date == datetime.date(2023, 7, 1)


def test_employees_import_xlsx_date_cell_is_read(tmp_path: Path) -> None:
    path = write_file(
        tmp_path / "花名册",
        [
            ["工号", "姓名", "部门", "入职日期", "状态"],
            ["E0101", "王五", "财务部", datetime.date(2023, 7, 1), "在职"],
        ],
        "xlsx",
    )

    report = import_file(kind="employees", path=path, file_name=path.name, create_departments=True)

    assert report.issues == []
    assert Employee.objects.get().hire_date == datetime.date(2023, 7, 1)


@pytest.mark.parametrize(
    ("file_format", "layout"),
    [
        ("utf-8", "csv-utf-8"),
        ("utf-8-sig", "csv-utf-8-sig"),
        ("gbk", "csv-gb18030"),
        ("xlsx", "xlsx"),
    ],
)
def test_template_import_reports_file_format_as_layout(
    roster: None, tmp_path: Path, file_format: str, layout: str
) -> None:
    path = write_file(
        tmp_path / "授权",
        [["工号", "数据类别", "同意日期"], ["E0001", "支付记录", "2026-03-01"]],
        file_format,
    )

    report = import_file(kind="consents", path=path, file_name=path.name)

    assert report.layout == layout
    assert ImportBatch.objects.get().layout == layout
