"""Import errors reveal no roster name, and scoped HR staff import only inside their scope."""

from pathlib import Path

import pytest

from hrguard.attendance.models import LeaveRecord
from hrguard.ingest.models import ImportBatch
from hrguard.ingest.services import import_file
from hrguard.payroll.models import PayrollRecord, Reimbursement
from hrguard.people.models import Employee
from hrguard.privacy.roles import Role
from tests.ingest_hardening.helpers import company, make_user, write_csv

pytestmark = pytest.mark.django_db

REIMBURSEMENT_HEADER = ["工号", "姓名", "日期", "金额", "类别", "说明"]
ROSTER_HEADER = ["工号", "姓名", "部门", "岗位", "入职日期", "手机号", "状态"]


def test_name_mismatch_hides_roster_name(tmp_path: Path) -> None:
    # given an employee 尹新雅 and a file guessing another name for her 工号
    company()
    path = write_csv(
        tmp_path / "报销.csv",
        [REIMBURSEMENT_HEADER, ["K001", "猜一个名字", "2026-10-09", "10.00", "差旅", "probe"]],
    )

    # when the system operator imports it
    report = import_file(kind="reimbursements", path=path, file_name=path.name)

    # then the row is rejected without the roster name
    assert [issue.message for issue in report.issues] == [
        "姓名与工号 K001 的花名册姓名不一致。请核对工号和姓名。"
    ]
    assert "尹新雅" not in report.issues[0].describe(path.name)


def test_scoped_import_other_department_not_found(
    tmp_path: Path,
) -> None:
    # given a 销售部 specialist and a reimbursement file naming a 客服部 employee
    sales, _service, _seller, _agent = company()
    user = make_user("zhuanyuan", Role.HR_SPECIALIST, departments=(sales,))
    path = write_csv(
        tmp_path / "报销.csv",
        [
            REIMBURSEMENT_HEADER,
            ["S001", "王芳", "2026-10-09", "10.00", "差旅", "出差"],
            ["K001", "猜一个名字", "2026-10-09", "10.00", "差旅", "probe"],
        ],
    )

    # when she uploads it
    report = import_file(kind="reimbursements", path=path, file_name=path.name, user=user)

    # then the 客服部 row reads as unknown, exactly as an unused 工号, and nothing is written
    assert [(issue.row, issue.message) for issue in report.issues] == [
        (3, "花名册中没有工号 K001。请核对工号，或先导入包含该员工的花名册。")
    ]
    assert report.status == ImportBatch.Status.REJECTED
    assert Reimbursement.objects.count() == 0


@pytest.mark.parametrize(
    ("kind", "header", "row"),
    [
        ("payroll", ["工号", "姓名", "月份", "应发工资", "实发工资"], ["2026-03", "100", "90"]),
        ("leave", ["工号", "姓名", "日期", "类型", "时长(天)"], ["2026-03-02", "事假", "1"]),
        ("consents", ["工号", "姓名", "数据类别", "同意日期"], ["支付记录", "2026-03-01"]),
    ],
)
def test_scoped_import_rejects_rows_outside_scope(
    tmp_path: Path, kind: str, header: list[str], row: list[str]
) -> None:
    sales, _service, _seller, _agent = company()
    user = make_user("zhuanyuan", Role.HR_SPECIALIST, departments=(sales,))
    path = write_csv(tmp_path / f"{kind}.csv", [header, ["S001", "王芳", *row], ["K001", "", *row]])

    report = import_file(kind=kind, path=path, file_name=path.name, user=user)

    assert [(issue.row, issue.column) for issue in report.issues] == [(3, "工号")]
    assert PayrollRecord.objects.count() + LeaveRecord.objects.count() == 0


def test_scoped_roster_rejects_other_employee(
    tmp_path: Path,
) -> None:
    # given a 销售部 specialist who tries to move 客服部's K001 into 销售部
    sales, service, _seller, _agent = company()
    user = make_user("zhuanyuan", Role.HR_SPECIALIST, departments=(sales,))
    path = write_csv(
        tmp_path / "花名册.csv",
        [
            ROSTER_HEADER,
            ["K001", "尹新雅", "销售部", "被专员改了", "2020-01-01", "13900000000", "离职"],
        ],
    )

    # when she uploads the roster
    report = import_file(kind="employees", path=path, file_name=path.name, user=user)

    # then the row is an error naming row and 工号 only, and K001 is unchanged
    assert [(issue.row, issue.column, issue.value, issue.message) for issue in report.issues] == [
        (
            2,
            "工号",
            "K001",
            "工号 K001 不在您的数据范围内，您不能新增或修改这名员工。请交由 HR 经理导入。",
        )
    ]
    agent = Employee.objects.get(employee_no="K001")
    assert (agent.department, agent.status, agent.phone) == (service, Employee.Status.ACTIVE, "")


def test_scoped_roster_rejects_other_department(
    tmp_path: Path,
) -> None:
    sales, _service, _seller, _agent = company()
    user = make_user("zhuanyuan", Role.HR_SPECIALIST, departments=(sales,))
    path = write_csv(
        tmp_path / "花名册.csv",
        [
            ROSTER_HEADER,
            ["S002", "李雷", "销售部", "", "", "", "在职"],
            ["S001", "王芳", "客服部", "", "", "", "在职"],
        ],
    )

    report = import_file(kind="employees", path=path, file_name=path.name, user=user)

    assert [(issue.row, issue.column, issue.message) for issue in report.issues] == [
        (3, "部门", "部门「客服部」不在您的数据范围内。您可以导入的部门：销售部。")
    ]
    assert not Employee.objects.filter(employee_no="S002").exists()


def test_scoped_roster_inside_scope_is_written(tmp_path: Path) -> None:
    sales, _service, _seller, _agent = company()
    user = make_user("zhuanyuan", Role.HR_SPECIALIST, departments=(sales,))
    path = write_csv(
        tmp_path / "花名册.csv",
        [ROSTER_HEADER, ["S002", "李雷", "销售部", "", "", "", "在职"]],
    )

    report = import_file(kind="employees", path=path, file_name=path.name, user=user)

    assert (report.issues, report.rows_created) == ([], 1)
    assert Employee.objects.get(employee_no="S002").department == sales


def test_scoped_bill_other_employee_not_found(tmp_path: Path) -> None:
    sales, _service, _seller, _agent = company()
    user = make_user("zhuanyuan", Role.HR_SPECIALIST, departments=(sales,))
    path = write_csv(tmp_path / "账单.csv", [["x"]])

    report = import_file(
        kind="payments", path=path, file_name=path.name, employee_no="K001", user=user
    )

    assert [issue.message for issue in report.issues] == [
        "花名册中没有工号 K001。请核对工号，或先导入包含该员工的花名册。"
    ]


def test_roster_unknown_department_is_rejected(tmp_path: Path) -> None:
    # given a roster whose 部门 is misspelt
    company()
    path = write_csv(
        tmp_path / "花名册.csv", [ROSTER_HEADER, ["S002", "李雷", "消售部", "", "", "", "在职"]]
    )

    # when it is imported without --create-departments, then with it
    rejected = import_file(kind="employees", path=path, file_name=path.name)
    created = import_file(kind="employees", path=path, file_name=path.name, create_departments=True)

    # then the first names the existing departments, the second creates 消售部
    assert [issue.message for issue in rejected.issues] == [
        "系统中没有部门「消售部」。现有部门：客服部、销售部。请核对部门名称；"
        "确需新建部门时，请勾选“新建不存在的部门”（命令行用 --create-departments）后重新导入。"
    ]
    assert (created.issues, created.rows_created) == ([], 1)
    assert Employee.objects.get(employee_no="S002").department.name == "消售部"
