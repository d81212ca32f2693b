"""Bills whose rows disagree with the totals they state: counts reject, sums warn.

Every licensed sample layout is imported through `import_file`; the declared numbers
in the expectations below are copied from each file's own header or trailer.
"""

import datetime
import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db.models import Count, Sum
from django.test import Client
from django.urls import reverse

from hrguard.ingest.bills import BillRow, DeclaredTotal, read_bill
from hrguard.ingest.models import ImportBatch
from hrguard.ingest.services import import_file
from hrguard.payments.models import PaymentTransaction
from hrguard.people.models import Employee
from hrguard.privacy.models import Consent, DataCategory
from hrguard.privacy.roles import Role
from tests.factories import EmployeeFactory
from tests.privacy.helpers import make_user

pytestmark = pytest.mark.django_db

BILLS = Path(__file__).resolve().parent.parent / "fixtures" / "bills"
COUNT_FIX = (
    "文件可能被截断或改动过。请重新导出完整的原始账单；如果已核对文件完整，"
    "可在命令行加 --accept-totals-mismatch，或在上传页面勾选「已核对账单，仍然导入」后再导入。"
)
ACCEPTED = "已按「已核对账单，仍然导入」接受这一差异。"


def counted(income: tuple[int, str], expense: tuple[int, str], neutral: tuple[int, str]) -> dict:
    return {
        direction: (count, Decimal(amount))
        for direction, (count, amount) in zip(
            ("income", "expense", "neutral"), (income, expense, neutral), strict=True
        )
    }


def stated(count: int | None, amount: str, line: int, label: str) -> DeclaredTotal:
    return DeclaredTotal(count=count, amount=Decimal(amount), line=line, label=label)


WECHAT_2019_ROWS = counted((5, "28.49"), (11, "2904.53"), (11, "26100.89"))
# (file, layout, rows read, rows by direction, 共N笔记录 and its line,
#  stated income/expense/neutral as the file writes them)
SAMPLES = [
    (
        "alipay-2023-format-gbk.csv", "alipay-2023", 10,
        counted((1, "222228.50"), (5, "211.64"), (4, "247.37")), (66, 8),
        (stated(1, "28.50", 9, "收入"), stated(63, "16.54", 10, "支出"),
         stated(2, "16.37", 11, "不计收支")),
    ),
    (
        "alipay-2021-format-gbk.csv", "alipay-2021", 16,
        counted((3, "161.90"), (6, "321.81"), (7, "3197.41")), (21, 25),
        (stated(0, "0.00", 26, "收入"), stated(None, "1234.56", 27, "支出"),
         stated(None, "9876.54", 28, "其他")),
    ),
    (
        "wechat-records.csv", "wechat-csv", 27, WECHAT_2019_ROWS, (43, 7),
        (stated(1, "0.35", 8, "收入"), stated(1, "28.16", 9, "支出"),
         stated(0, "0.00", 10, "中性交易")),
    ),
    (
        "wechat-20200830-20200906-bom-crlf.csv", "wechat-csv", 7,
        counted((2, "1412.00"), (5, "621.88"), (0, "0")), (21, 7),
        (stated(2, "1412.00", 8, "收入"), stated(19, "3082.56", 9, "支出"),
         stated(0, "0.00", 10, "中性交易")),
    ),
    (
        "wechat-records-2025-xlsx-format.xlsx", "wechat-xlsx-2025", 27, WECHAT_2019_ROWS, (10, 7),
        (stated(1, "0.35", 8, "收入"), stated(1, "28.16", 9, "支出"),
         stated(0, "0.00", 10, "中性交易")),
    ),
    (
        "wechat-records.xlsx", "wechat-xlsx-2026", 27, WECHAT_2019_ROWS, (10, 7),
        (stated(1, "0.35", 8, "收入"), stated(1, "28.16", 9, "支出"),
         stated(0, "0.00", 10, "中性交易")),
    ),
    (
        "wechat_sample_refund-statuses.csv", "wechat-csv", 8,
        counted((2, "250.00"), (5, "289.50"), (1, "88.00")), (8, 7),
        (stated(2, "250.00", 8, "收入"), stated(5, "289.50", 9, "支出"),
         stated(1, "88.00", 10, "中性交易")),
    ),
    (
        "alipay-2023-complete-gbk.csv", "alipay-2023", 24,
        counted((2, "2567.44"), (11, "10124.44"), (11, "8725.89")), (24, 8),
        (stated(2, "2567.44", 9, "收入"), stated(11, "10124.44", 10, "支出"),
         stated(11, "8725.89", 11, "不计收支")),
    ),
    (
        "wechat-complete-bom-crlf.csv", "wechat-csv", 12,
        counted((3, "558.88"), (7, "486.10"), (2, "1200.00")), (12, 7),
        (stated(3, "558.88", 8, "收入"), stated(7, "486.10", 9, "支出"),
         stated(2, "1200.00", 10, "中性交易")),
    ),
]  # fmt: skip
COMPLETE = {"wechat_sample_refund-statuses.csv", "alipay-2023-complete-gbk.csv",
            "wechat-complete-bom-crlf.csv"}  # fmt: skip


def unique_orders(name: str, tmp_path: Path) -> Path:
    """Copy a sample with each repeated order number made unique by its line number.

    The maintainers of most samples masked order numbers (`xxxx`, `123456`), which
    makes them repeat, and a bill with a repeated order number is rejected.
    """
    source = BILLS / name
    bill = read_bill(source, file_name=name)
    seen: set[str] = set()
    repeats: dict[int, str] = {}
    for row in bill.rows():
        assert isinstance(row, BillRow)
        if row.order_no in seen:
            repeats[row.line] = row.order_no
        seen.add(row.order_no)
    if not repeats:
        return source
    column = bill.field_columns["order_no"]
    target = tmp_path / name
    if bill.encoding is None:
        workbook = openpyxl.load_workbook(source)
        for line, order_no in repeats.items():
            cell = workbook.active.cell(row=line, column=column + 1)
            cell.value = str(cell.value).replace(order_no, f"{order_no}-{line}", 1)
        workbook.save(target)
        return target
    lines = source.read_bytes().decode(bill.encoding).splitlines(keepends=True)
    for line, order_no in repeats.items():
        fields = split_fields(lines[line - 1])
        fields[column] = fields[column].replace(order_no, f"{order_no}-{line}", 1)
        lines[line - 1] = ",".join(fields)
    target.write_bytes("".join(lines).encode(bill.encoding))
    return target


def split_fields(line: str) -> list[str]:
    """Split one CSV line at the commas outside quotes, keeping each field's bytes."""
    fields, current, quoted = [], "", False
    for char in line:
        if char == '"':
            quoted = not quoted
        if char == "," and not quoted:
            fields.append(current)
            current = ""
        else:
            current += char
    fields.append(current)
    return fields


@pytest.fixture
def employee() -> Employee:
    employee = EmployeeFactory(employee_no="E0001")
    Consent.objects.create(
        employee=employee, category=DataCategory.PAYMENTS, granted_on=datetime.date(2020, 1, 1)
    )
    return employee


def stored_by_direction(employee: Employee) -> dict[str, tuple[int, Decimal]]:
    found = {
        row["direction"]: (row["rows"], row["amount"])
        for row in PaymentTransaction.objects.filter(employee=employee)
        .values("direction")
        .annotate(rows=Count("id"), amount=Sum("amount"))
    }
    return {
        direction: found.get(direction, (0, Decimal(0)))
        for direction in ("income", "expense", "neutral")
    }


@pytest.mark.parametrize(
    ("name", "layout", "rows", "by_direction", "records", "declared"),
    SAMPLES,
    ids=[sample[0] for sample in SAMPLES],
)
def test_import_bill_sample_stores_rows_and_shows_declared_totals(
    employee: Employee,
    name: str,
    layout: str,
    rows: int,
    by_direction: dict[str, tuple[int, Decimal]],
    records: tuple[int, int],
    declared: tuple[DeclaredTotal, DeclaredTotal, DeclaredTotal],
    tmp_path: Path,
) -> None:
    # given a licensed sample, most of them trimmed by their maintainers
    path = unique_orders(name, tmp_path)

    # when HR imports it, having checked it, with the override
    report = import_file(
        kind="payments",
        path=path,
        file_name=name,
        employee_no="E0001",
        accept_totals_mismatch=True,
    )

    # then every row is stored and the report shows the file's own totals
    assert report.issues == []
    assert report.status == ImportBatch.Status.COMMITTED
    assert (report.layout, report.rows_total, report.rows_created) == (layout, rows, rows)
    assert stored_by_direction(employee) == by_direction
    assert report.read_totals == by_direction
    totals = report.declared_totals
    assert totals is not None
    assert (totals.records, totals.records_line) == records
    assert (totals.income, totals.expense, totals.neutral) == declared
    batch = ImportBatch.objects.get(pk=report.batch_id)
    assert batch.warnings == [
        {"row": warning.row, "message": warning.message} for warning in report.warnings
    ]
    if name in COMPLETE:
        assert report.warnings == []


@pytest.mark.parametrize(
    ("name", "declared", "read"),
    [
        ("alipay-2023-format-gbk.csv", 66, 10),
        ("alipay-2021-format-gbk.csv", 21, 16),
        ("wechat-records.csv", 43, 27),
        ("wechat-20200830-20200906-bom-crlf.csv", 21, 7),
        ("wechat-records-2025-xlsx-format.xlsx", 10, 27),
        ("wechat-records.xlsx", 10, 27),
    ],
)
def test_import_bill_count_mismatch_is_rejected_with_both_numbers_and_fix(
    employee: Employee, name: str, declared: int, read: int
) -> None:
    path = BILLS / name

    report = import_file(kind="payments", path=path, file_name=name, employee_no="E0001")

    assert report.status == ImportBatch.Status.REJECTED
    first = report.issues[0]
    assert first.message == f"账单声明共 {declared} 笔记录，实际读到 {read} 笔。{COUNT_FIX}"
    assert PaymentTransaction.objects.count() == 0


def test_import_alipay_2023_sample_with_override_keeps_each_difference_as_warning(
    employee: Employee, tmp_path: Path
) -> None:
    path = unique_orders("alipay-2023-format-gbk.csv", tmp_path)

    report = import_file(
        kind="payments",
        path=path,
        file_name=path.name,
        employee_no="E0001",
        accept_totals_mismatch=True,
    )

    assert [(warning.row, warning.message) for warning in report.warnings] == [
        (8, f"账单声明共 66 笔记录，实际读到 10 笔。{ACCEPTED}"),
        (
            9,
            "账单声明「收入」合计 28.50 元，实际读到的 1 笔合计 222228.50 元。"
            "笔数相符，合计不同只作提示，不影响导入；支付宝的说明也提到其统计口径可能与逐笔相加不同。",
        ),
        (10, f"账单声明「支出」63 笔、合计 16.54 元，实际读到 5 笔、合计 211.64 元。{ACCEPTED}"),
        (11, f"账单声明「不计收支」2 笔、合计 16.37 元，实际读到 4 笔、合计 247.37 元。{ACCEPTED}"),
    ]


def test_import_bill_sum_mismatch_alone_is_a_warning(employee: Employee, tmp_path: Path) -> None:
    # given a complete bill whose stated expense sum was changed, but not its count
    text = (BILLS / "wechat_sample_refund-statuses.csv").read_text(encoding="utf-8")
    path = tmp_path / "账单.csv"
    path.write_text(text.replace("支出：5笔 289.50元", "支出：5笔 300.00元"), encoding="utf-8")

    # when it is imported without the override
    report = import_file(kind="payments", path=path, file_name=path.name, employee_no="E0001")

    # then it is imported, with the difference as a warning
    assert report.status == ImportBatch.Status.COMMITTED
    assert report.issues == []
    assert [(warning.row, warning.message) for warning in report.warnings] == [
        (
            9,
            "账单声明「支出」合计 300.00 元，实际读到的 5 笔合计 289.50 元。"
            "笔数相符，合计不同只作提示，不影响导入；支付宝的说明也提到其统计口径可能与逐笔相加不同。",
        )
    ]
    assert PaymentTransaction.objects.count() == 8


def test_import_alipay_2019_repeated_order_is_rejected_even_with_override(
    employee: Employee,
) -> None:
    path = BILLS / "alipay-2019-format-gbk.csv"

    report = import_file(
        kind="payments",
        path=path,
        file_name=path.name,
        employee_no="E0001",
        accept_totals_mismatch=True,
    )

    assert [(issue.row, issue.message) for issue in report.issues] == [
        (7, "交易订单号与第 6 行重复。同一笔交易只能出现一次，请重新导出原始账单。")
    ]
    assert PaymentTransaction.objects.count() == 0


def test_import_command_accept_totals_mismatch_prints_warning(employee: Employee) -> None:
    path = BILLS / "wechat-20200830-20200906-bom-crlf.csv"
    out = io.StringIO()

    call_command(
        "import_data",
        "payments",
        str(path),
        "--employee",
        "E0001",
        "--accept-totals-mismatch",
        stdout=out,
    )

    assert (
        f"提示：文件「{path.name}」第 7 行：账单声明共 21 笔记录，实际读到 7 笔。{ACCEPTED}"
        in out.getvalue()
    )
    assert PaymentTransaction.objects.count() == 7


def test_upload_page_checkbox_imports_and_batch_page_shows_warning(employee: Employee) -> None:
    client = Client()
    # An HR经理 may import for employees of any department.
    client.force_login(make_user("hr", Role.HR_MANAGER))
    path = BILLS / "wechat-20200830-20200906-bom-crlf.csv"

    response = client.post(
        reverse("ingest:upload"),
        {
            "kind": "payments",
            "employee_no": "E0001",
            "accept_totals_mismatch": "on",
            "file": SimpleUploadedFile(path.name, path.read_bytes()),
        },
        follow=True,
    )

    page = response.content.decode()
    assert "已导入。" in page
    assert f"第 7 行：账单声明共 21 笔记录，实际读到 7 笔。{ACCEPTED}" in page
    assert PaymentTransaction.objects.count() == 7
