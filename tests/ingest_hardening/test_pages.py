"""Result pages, messages, downloads, templates and CLI edges a new user ran into."""

import io
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from hrguard.ingest.base import RowIssue
from hrguard.ingest.models import ImportBatch
from hrguard.ingest.selectors import batch_rejected_rows_xlsx
from hrguard.ingest.services import import_file
from hrguard.ingest.templates import template_bytes
from hrguard.payroll.models import Reimbursement
from hrguard.privacy.roles import Role
from tests.factories import EmployeeFactory
from tests.ingest_hardening.helpers import grant_payments_consent, make_user, write_csv

pytestmark = pytest.mark.django_db

HEADER = ["工号", "姓名", "日期", "金额", "类别", "说明"]


def manager_client() -> Client:
    client = Client()
    client.force_login(make_user("manager", Role.HR_MANAGER))
    return client


def test_batch_page_file_error_has_no_download() -> None:
    # given a UTF-16 file, which has no readable rows at all
    client = manager_client()
    content = ",".join(HEADER).encode("utf-16")

    # when it is uploaded
    response = client.post(
        reverse("ingest:upload"),
        {"kind": "reimbursements", "file": SimpleUploadedFile("utf16.csv", content)},
        follow=True,
    )

    # then the page names the file in the message and offers no rejected-rows download
    page = response.content.decode()
    assert "发现 0 行有错" not in page
    assert "下载错误行" not in page
    assert "文件本身有问题，整个文件都没有写入。" in page
    assert "文件「utf16.csv」：不是 UTF-8 或 GBK 编码的文本" in page
    listing = client.get(reverse("ingest:upload")).content.decode()
    assert "<td>整个文件</td>" in listing


def test_batch_page_layout_in_words(tmp_path: Path) -> None:
    client = manager_client()
    EmployeeFactory(employee_no="E0001", name="张三")
    data = write_csv(tmp_path / "x.csv", [HEADER, ["E0001", "张三", "2026-03-02", "abc", "x", ""]])

    response = client.post(
        reverse("ingest:upload"),
        {
            "kind": "reimbursements",
            "file": SimpleUploadedFile("报销.csv", data.read_text().encode("gb18030")),
        },
        follow=True,
    )

    page = response.content.decode()
    assert "<div><dt>格式</dt><dd>CSV（GB18030 编码）</dd></div>" in page
    assert "csv-gb18030" not in page


def test_long_cell_value_is_cut(tmp_path: Path) -> None:
    # given a 说明 of 100,000 characters
    EmployeeFactory(employee_no="E0001", name="张三")
    long_text = "长" * 100_000
    path = write_csv(
        tmp_path / "报销.csv", [HEADER, ["E0001", "张三", "2026-03-02", "1", "x", long_text]]
    )

    report = import_file(kind="reimbursements", path=path, file_name=path.name)

    # then the message quotes its first 80 characters and its length
    described = report.issues[0].describe(path.name)
    assert "「" + "长" * 80 + "…（共 100000 字）」" in described
    assert len(described) < 300
    stored = ImportBatch.objects.get(pk=report.batch_id).errors[0]
    assert stored["value"] == "长" * 80 + "…（共 100000 字）"


def test_rejected_rows_xlsx_reimports_formula_like_values_unchanged(tmp_path: Path) -> None:
    # given a file whose 类别/说明 look like formulas and whose amounts are wrong
    EmployeeFactory(employee_no="E0001", name="张三")
    values = ["=cmd|' /C calc'!A0", "@SUM(1)", "-2+3", '=HYPERLINK("http://x.test")']
    rows = [["E0001", "张三", "2026-03-02", "abc", value, value] for value in values]
    path = write_csv(tmp_path / "报销.csv", [HEADER, *rows])
    batch = ImportBatch.objects.get(
        pk=import_file(kind="reimbursements", path=path, file_name=path.name).batch_id
    )

    # when HR fixes the amounts in the rejected-rows workbook and imports it
    workbook = openpyxl.load_workbook(io.BytesIO(batch_rejected_rows_xlsx(batch=batch)))
    sheet = workbook.active
    sheet.delete_cols(1)  # 行号
    sheet.delete_cols(sheet.max_column)  # 错误说明
    for row in sheet.iter_rows(min_row=2):
        row[3].value = "10"
    fixed = tmp_path / "报销-改正.xlsx"
    workbook.save(fixed)
    report = import_file(kind="reimbursements", path=fixed, file_name=fixed.name)

    # then the values are stored as they were written, with no apostrophe added
    assert report.issues == []
    assert sorted(Reimbursement.objects.values_list("category", flat=True)) == sorted(values)


def test_non_bill_uploaded_as_payments_names_file_once(tmp_path: Path) -> None:
    employee = EmployeeFactory(employee_no="E0001", name="张三")
    grant_payments_consent(employee)
    path = write_csv(tmp_path / "报销.csv", [HEADER, ["E0001", "张三", "2026-03-02", "1", "x", ""]])

    report = import_file(kind="payments", path=path, file_name=path.name, employee_no="E0001")

    described = report.issues[0].describe(path.name)
    assert described.startswith("文件「报销.csv」：无法识别该文件的账单格式")
    assert described.count("报销.csv") == 1


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (
            [["E0001", "张三", "2026-03-02", "0", "x", ""]],
            [(2, "金额", "0", "金额「0」为 0，这里必须大于 0。")],
        ),
        (
            [
                ["E0001", "张三", "2026-03-02", "1", "x", "a"],
                ["E0001", "张三", "2026-03-02", "1", "x", "a"],
            ],
            [(3, None, None, "与第 2 行完全相同")],
        ),
    ],
)
def test_messages_quote_column_and_value(
    tmp_path: Path, rows: list[list[str]], expected: list[tuple]
) -> None:
    EmployeeFactory(employee_no="E0001", name="张三")
    path = write_csv(tmp_path / "报销.csv", [HEADER, *rows])

    report = import_file(kind="reimbursements", path=path, file_name=path.name)

    found = [(i.row, i.column, i.value, i.message[: len(expected[0][3])]) for i in report.issues]
    assert found == expected


def test_roster_duplicate_employee_no_quotes_the_value(tmp_path: Path) -> None:
    header = ["工号", "姓名", "部门", "状态"]
    rows = [header, ["E0101", "王五", "财务部", "在职"], ["E0101", "王五", "财务部", "在职"]]
    path = write_csv(tmp_path / "花名册.csv", rows)

    report = import_file(kind="employees", path=path, file_name=path.name, create_departments=True)

    assert [issue.message for issue in report.issues] == [
        "工号「E0101」与第 2 行重复，同一记录只能出现一次。请删除或合并重复的行。"
    ]


def test_template_command_writes_csv_for_csv_file_name(tmp_path: Path) -> None:
    out = tmp_path / "花名册.csv"

    call_command("import_data", "--template", "employees", str(out), stdout=io.StringIO())

    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").splitlines()[1].startswith("示例-E0001,")


def test_template_command_explicit_format_wins_over_extension(tmp_path: Path) -> None:
    out = tmp_path / "花名册.csv"

    call_command(
        "import_data", "--template", "employees", "--format", "xlsx", str(out), stdout=io.StringIO()
    )

    assert out.read_bytes().startswith(b"PK\x03\x04")


def test_template_command_keeps_existing_file(tmp_path: Path) -> None:
    out = tmp_path / "花名册.csv"
    out.write_bytes(b"mine")

    with pytest.raises(CommandError) as raised:
        call_command("import_data", "--template", "employees", str(out))

    assert str(raised.value) == f"文件「{out}」已存在，没有覆盖。请换一个文件名，或先删除它。"
    assert out.read_bytes() == b"mine"


def test_import_command_directory_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(CommandError) as raised:
        call_command("import_data", "reimbursements", str(tmp_path))

    assert str(raised.value) == f"「{tmp_path}」是一个目录，不是文件。请给出要导入的文件。"


def test_upload_page_lists_bill_employee(tmp_path: Path) -> None:
    # given a bill batch for 员工 E0001
    client = manager_client()
    employee = EmployeeFactory(employee_no="E0001", name="张三")
    ImportBatch.objects.create(
        kind="payments", file_name="微信支付账单.csv", sha256="0" * 64, size=1, employee=employee
    )

    page = client.get(reverse("ingest:upload")).content.decode()

    assert f"<td>{employee.pseudonym}（E0001）</td>" in page
    assert '<label for="id_kind">数据类型</label>' in page
    assert "数据类型:" not in page


def test_upload_page_hides_bill_employee_outside_scope() -> None:
    # given a specialist's own bill batch for an employee who has since left her scope
    user = make_user("hr", Role.HR_SPECIALIST)
    employee = EmployeeFactory(employee_no="E0001", name="张三")
    ImportBatch.objects.create(
        kind="payments", file_name="账单.csv", sha256="0" * 64, size=1, employee=employee,
        created_by=user,
    )  # fmt: skip
    client = Client()
    client.force_login(user)

    page = client.get(reverse("ingest:upload")).content.decode()

    assert "账单.csv" in page
    assert employee.pseudonym not in page
    assert "E0001" not in page


def test_row_issue_describe_cuts_long_value() -> None:
    issue = RowIssue(message="问题", row=2, column="说明", value="x" * 81)

    assert (
        issue.describe("a.csv")
        == f"文件「a.csv」第 2 行「说明」列的值「{'x' * 80}…（共 81 字）」：问题"
    )


def test_xlsx_template_lists_allowed_values() -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(template_bytes("employees", "xlsx")))

    notes = [[cell.value for cell in row] for row in workbook["填写说明"].iter_rows()]

    assert workbook.active.title == "员工花名册"
    assert notes[0] == ["第 2 行是示例（工号以「示例-」开头），导入前请删除。", None, None]
    assert ["状态", "必填", "在职、试用、离职"] in notes
    assert ["岗位", "选填", None] in notes


def test_long_value_in_parse_message_is_cut(tmp_path: Path) -> None:
    EmployeeFactory(employee_no="E0001", name="张三")
    long_date = "2" * 1000
    path = write_csv(tmp_path / "报销.csv", [HEADER, ["E0001", "张三", long_date, "1", "x", ""]])

    report = import_file(kind="reimbursements", path=path, file_name=path.name)

    assert report.issues[0].message.startswith(
        "「" + "2" * 80 + "…（共 1000 字）」不是有效的日期。"
    )
