"""Every kind of bad input is rejected with a located Chinese message and writes nothing."""

from pathlib import Path

import pytest

from hrguard.attendance.models import LeaveRecord
from hrguard.ingest.models import ImportBatch
from hrguard.ingest.services import import_file
from hrguard.payroll.models import PayrollRecord, Reimbursement
from hrguard.people.models import Employee
from hrguard.privacy.models import Consent
from tests.factories import EmployeeFactory
from tests.ingest.files import write_csv

pytestmark = pytest.mark.django_db

PAYROLL_HEADER = ["工号", "姓名", "月份", "应发工资", "实发工资"]


@pytest.fixture
def roster() -> None:
    EmployeeFactory(employee_no="E0001", name="张三")
    EmployeeFactory(employee_no="E0002", name="李四")


def import_rows(kind: str, rows: list[list[str]], tmp_path: Path, *, encoding: str = "utf-8"):
    path = write_csv(tmp_path / "input.csv", rows, encoding=encoding)
    return import_file(kind=kind, path=path, file_name="input.csv", create_departments=True)


def located(report) -> list[tuple[int | None, str | None, str | None]]:
    return [(issue.row, issue.column, issue.value) for issue in report.issues]


def test_import_empty_file_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")

    report = import_file(kind="payroll", path=path, file_name="empty.csv")

    assert report.status == ImportBatch.Status.REJECTED
    assert [issue.describe("empty.csv") for issue in report.issues] == [
        "文件「empty.csv」：是空的。请重新导出后再导入。"
    ]


def test_import_header_only_file_is_rejected(tmp_path: Path) -> None:
    report = import_rows("payroll", [PAYROLL_HEADER], tmp_path)

    assert [issue.message for issue in report.issues] == [
        "文件只有表头，没有数据行。请在表头下方填写数据后再导入。"
    ]


def test_import_unknown_encoding_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "utf16.csv"
    path.write_bytes("工号,姓名\nE0001,张三\n".encode("utf-16"))

    report = import_file(kind="employees", path=path, file_name="utf16.csv")

    assert len(report.issues) == 1
    assert "不是 UTF-8 或 GBK 编码的文本" in report.issues[0].message


def test_import_missing_column_lists_columns_found(roster: None, tmp_path: Path) -> None:
    report = import_rows(
        "payroll", [["工号", "姓名", "月份", "应发"], ["E0001", "张三", "2026-03", "1"]], tmp_path
    )

    assert len(report.issues) == 1
    message = report.issues[0].message
    assert "缺少列「实发工资」、「应发工资」" in message
    assert "工号、姓名、月份、应发" in message


def test_import_duplicated_column_is_rejected(roster: None, tmp_path: Path) -> None:
    rows = [
        ["工号", "员工编号", "月份", "应发工资", "实发工资"],
        ["E0001", "E0001", "2026-03", "2", "1"],
    ]

    report = import_rows("payroll", rows, tmp_path)

    assert len(report.issues) == 1
    assert "第 1 列和第 2 列都是「工号」" in report.issues[0].message


def test_employees_import_duplicate_employee_no_is_rejected(tmp_path: Path) -> None:
    rows = [
        ["工号", "姓名", "部门", "状态"],
        ["E0101", "王五", "财务部", "在职"],
        ["E0102", "赵六", "财务部", "在职"],
        ["E0101", "王五", "研发部", "在职"],
    ]

    report = import_rows("employees", rows, tmp_path)

    assert [(issue.row, issue.message) for issue in report.issues] == [
        (4, "工号「E0101」与第 2 行重复，同一记录只能出现一次。请删除或合并重复的行。")
    ]
    assert Employee.objects.count() == 0


def test_payroll_import_duplicate_month_is_rejected(roster: None, tmp_path: Path) -> None:
    rows = [
        PAYROLL_HEADER,
        ["E0001", "张三", "2026-03", "2", "1"],
        ["E0001", "张三", "2026/3", "3", "1"],
    ]

    report = import_rows("payroll", rows, tmp_path)

    assert [(issue.row, issue.message) for issue in report.issues] == [
        (
            3,
            "工号、月份「E0001、2026/3」与第 2 行重复，同一记录只能出现一次。请删除或合并重复的行。",
        )
    ]


@pytest.mark.parametrize(
    ("kind", "rows"),
    [
        ("payroll", [PAYROLL_HEADER, ["E9999", "", "2026-03", "2", "1"]]),
        ("leave", [["工号", "日期", "类型", "时长(天)"], ["E9999", "2026-03-02", "事假", "1"]]),
        (
            "reimbursements",
            [["工号", "日期", "金额", "类别"], ["E9999", "2026-03-02", "1", "差旅"]],
        ),
        ("consents", [["工号", "数据类别", "同意日期"], ["E9999", "支付记录", "2026-03-02"]]),
    ],
)
def test_import_employee_not_on_roster_is_rejected(
    roster: None, tmp_path: Path, kind: str, rows: list[list[str]]
) -> None:
    report = import_rows(kind, rows, tmp_path)

    assert located(report) == [(2, "工号", "E9999")]
    assert (
        report.issues[0].message
        == "花名册中没有工号 E9999。请核对工号，或先导入包含该员工的花名册。"
    )


def test_payroll_import_name_not_matching_roster_is_rejected(roster: None, tmp_path: Path) -> None:
    report = import_rows(
        "payroll", [PAYROLL_HEADER, ["E0001", "李四", "2026-03", "2", "1"]], tmp_path
    )

    assert located(report) == [(2, "姓名", "李四")]
    assert report.issues[0].message == "姓名与工号 E0001 的花名册姓名不一致。请核对工号和姓名。"


@pytest.mark.parametrize(
    ("gross", "net", "column", "message_part"),
    [
        ("-8000", "100", "应发工资", "是负数"),
        ("八千", "100", "应发工资", "不是有效的金额"),
        ("8000.123", "100", "应发工资", "小数超过两位"),
        ("", "100", "应发工资", "金额不能为空"),
        ("8000", "9000", "实发工资", "实发工资不能大于应发工资（8000.00）"),
    ],
)
def test_payroll_import_bad_amount_is_rejected(
    roster: None, tmp_path: Path, gross: str, net: str, column: str, message_part: str
) -> None:
    report = import_rows(
        "payroll", [PAYROLL_HEADER, ["E0001", "张三", "2026-03", gross, net]], tmp_path
    )

    assert [(issue.row, issue.column) for issue in report.issues] == [(2, column)]
    assert message_part in report.issues[0].message
    assert PayrollRecord.objects.count() == 0


@pytest.mark.parametrize("month", ["2026-13", "三月", "2026-02-30"])
def test_payroll_import_bad_month_is_rejected(roster: None, tmp_path: Path, month: str) -> None:
    report = import_rows("payroll", [PAYROLL_HEADER, ["E0001", "张三", month, "2", "1"]], tmp_path)

    assert located(report) == [(2, "月份", month)]


@pytest.mark.parametrize("day", ["2026-02-30", "昨天", "03/02"])
def test_leave_import_bad_date_is_rejected(roster: None, tmp_path: Path, day: str) -> None:
    rows = [["工号", "日期", "类型", "时长(天)"], ["E0001", day, "事假", "1"]]

    report = import_rows("leave", rows, tmp_path)

    assert located(report) == [(2, "日期", day)]
    assert LeaveRecord.objects.count() == 0


def test_leave_import_unknown_type_is_rejected(roster: None, tmp_path: Path) -> None:
    rows = [["工号", "日期", "类型", "时长(天)"], ["E0001", "2026-03-02", "探亲假", "1"]]

    report = import_rows("leave", rows, tmp_path)

    assert located(report) == [(2, "类型", "探亲假")]
    assert report.issues[0].message == (
        "未知的类型。请填写以下之一：事假、病假、年假、婚假、产假、陪产假、丧假、调休、旷工、迟到。"
    )


@pytest.mark.parametrize("days", ["-1", "一天", "400"])
def test_leave_import_bad_days_is_rejected(roster: None, tmp_path: Path, days: str) -> None:
    rows = [["工号", "日期", "类型", "时长(天)"], ["E0001", "2026-03-02", "事假", days]]

    report = import_rows("leave", rows, tmp_path)

    assert located(report) == [(2, "时长(天)", days)]


def test_consents_import_unknown_category_is_rejected(roster: None, tmp_path: Path) -> None:
    rows = [["工号", "数据类别", "同意日期"], ["E0001", "通话记录", "2026-03-02"]]

    report = import_rows("consents", rows, tmp_path)

    assert located(report) == [(2, "数据类别", "通话记录")]
    assert (
        report.issues[0].message == "未知的数据类别。请填写以下之一：支付记录、征信报告、聊天记录。"
    )
    assert Consent.objects.count() == 0


def test_reimbursements_import_zero_amount_is_rejected(roster: None, tmp_path: Path) -> None:
    rows = [["工号", "日期", "金额", "类别"], ["E0001", "2026-03-02", "0", "差旅"]]

    report = import_rows("reimbursements", rows, tmp_path)

    assert located(report) == [(2, "金额", "0")]
    assert Reimbursement.objects.count() == 0


def test_employees_import_unknown_status_is_rejected(tmp_path: Path) -> None:
    rows = [["工号", "姓名", "部门", "状态"], ["E0101", "王五", "财务部", "退休"]]

    report = import_rows("employees", rows, tmp_path)

    assert located(report) == [(2, "状态", "退休")]
    assert report.issues[0].message == "未知的状态。请填写以下之一：在职、试用、离职。"


def test_import_every_bad_row_is_reported_at_once(roster: None, tmp_path: Path) -> None:
    rows = [
        PAYROLL_HEADER,
        ["E0001", "张三", "2026-01", "abc", "1"],
        ["E0001", "张三", "2026-02", "2", "1"],
        ["E0002", "李四", "2026-99", "2", "-1"],
    ]

    report = import_rows("payroll", rows, tmp_path)

    assert located(report) == [
        (2, "应发工资", "abc"),
        (4, "月份", "2026-99"),
        (4, "实发工资", "-1"),
    ]
    batch = ImportBatch.objects.get(pk=report.batch_id)
    assert batch.rows_rejected == 2
    assert batch.rows_total == 3


def test_import_error_in_last_row_leaves_database_unchanged(roster: None, tmp_path: Path) -> None:
    rows = [PAYROLL_HEADER] + [
        ["E0001", "张三", f"2025-{month:02d}", "2", "1"] for month in range(1, 13)
    ]
    rows.append(["E0002", "李四", "2026-01", "2", "3"])

    report = import_rows("payroll", rows, tmp_path)

    assert located(report) == [(14, "实发工资", "3")]
    assert PayrollRecord.objects.count() == 0
    batch = ImportBatch.objects.get(pk=report.batch_id)
    assert batch.status == ImportBatch.Status.REJECTED
    assert batch.stored_path == ""


def test_import_formula_text_is_stored_verbatim(roster: None, tmp_path: Path) -> None:
    rows = [
        ["工号", "日期", "金额", "类别", "说明"],
        ["E0001", "2026-03-02", "10", "+办公", '=HYPERLINK("http://x.test","点我")'],
        ["E0001", "2026-03-02", "10", "@餐费", "-1+1"],
    ]

    report = import_rows("reimbursements", rows, tmp_path)

    assert report.issues == []
    assert sorted(Reimbursement.objects.values_list("category", "description")) == [
        ("+办公", '=HYPERLINK("http://x.test","点我")'),
        ("@餐费", "-1+1"),
    ]


def test_reimbursements_identical_rows_are_rejected(roster: None, tmp_path: Path) -> None:
    row = ["E0001", "2026-03-02", "10", "交通", "打车"]

    report = import_rows(
        "reimbursements", [["工号", "日期", "金额", "类别", "说明"], row, row], tmp_path
    )

    assert [issue.row for issue in report.issues] == [3]
    assert "与第 2 行完全相同" in report.issues[0].message


def test_import_issue_describe_names_file_row_column_value(roster: None, tmp_path: Path) -> None:
    report = import_rows(
        "payroll", [PAYROLL_HEADER, ["E0001", "张三", "2026-03", "abc", "1"]], tmp_path
    )

    assert report.issues[0].describe("input.csv") == (
        "文件「input.csv」第 2 行「应发工资」列的值「abc」："
        "「abc」不是有效的金额。请只填写数字，例如 1234.50 或 ¥88。"
    )


@pytest.mark.parametrize("phone", ["abc", "-----", "电话13800138000"])
def test_employees_import_bad_phone_is_rejected(tmp_path: Path, phone: str) -> None:
    rows = [["工号", "姓名", "部门", "手机号", "状态"], ["E0101", "王五", "财务部", phone, "在职"]]

    report = import_rows("employees", rows, tmp_path)

    assert located(report) == [(2, "手机号", phone)]
