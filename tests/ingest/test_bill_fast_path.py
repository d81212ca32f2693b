"""The polars path for large CSV bills reports and stores exactly what the row path does.

Each file is imported twice into the same database: once for one employee with the
fast path forced (HRGUARD_FAST_IMPORT_MIN_BYTES = 0) and once for another employee
with the row path, then the reports, batches and stored rows are compared.
"""

import datetime
import logging
from pathlib import Path
from typing import Any

import pytest
from pytest_django.fixtures import Settings as SettingsWrapper

from hrguard.ingest.base import ImportReport
from hrguard.ingest.models import ImportBatch
from hrguard.ingest.services import import_file
from hrguard.payments.models import PaymentTransaction
from hrguard.privacy.models import Consent, DataCategory
from tests.factories import EmployeeFactory
from tests.ingest.test_bill_totals import unique_orders

pytestmark = pytest.mark.django_db

BILLS = Path(__file__).resolve().parent.parent / "fixtures" / "bills"
FAST_LOG = "bill read with polars"
ROW_LOG = "bill read row by row"
STORED_FIELDS = [
    "source",
    "occurred_at",
    "category",
    "counterparty",
    "description",
    "direction",
    "amount",
    "method",
    "status",
    "order_no",
    "merchant_order_no",
    "note",
    "succeeded",
]
ALIPAY = BILLS / "alipay-2023-complete-gbk.csv"
FIRST_ROW = "2026-11-30 23:58:48 ,投资理财"


@pytest.fixture(autouse=True)
def employees() -> None:
    for employee_no in ("FAST", "ROWS"):
        employee = EmployeeFactory(employee_no=employee_no)
        Consent.objects.create(
            employee=employee,
            category=DataCategory.PAYMENTS,
            granted_on=datetime.date(1980, 1, 1),
        )


def run(settings: SettingsWrapper, path: Path, *, fast: bool) -> ImportReport:
    settings.HRGUARD_FAST_IMPORT_MIN_BYTES = 0 if fast else 1 << 62
    return import_file(
        kind="payments",
        path=path,
        file_name=path.name,
        employee_no="FAST" if fast else "ROWS",
        accept_totals_mismatch=True,
    )


def outcome(report: ImportReport) -> dict[str, Any]:
    batch = ImportBatch.objects.get(pk=report.batch_id)
    return {
        "report": {
            name: getattr(report, name)
            for name in [
                "status",
                "layout",
                "rows_total",
                "rows_created",
                "rows_updated",
                "rows_unchanged",
                "issues",
                "issues_total",
                "warnings",
                "declared_totals",
                "read_totals",
            ]
        },
        "batch": (batch.status, batch.rows_rejected, batch.errors, batch.warnings),
    }


def stored(employee_no: str) -> list[tuple[Any, ...]]:
    return list(
        PaymentTransaction.objects.filter(employee__employee_no=employee_no)
        .order_by("order_no")
        .values_list(*STORED_FIELDS)
    )


def compare_paths(
    settings: SettingsWrapper, caplog: pytest.LogCaptureFixture, path: Path
) -> tuple[ImportReport, str]:
    """Import `path` both ways, assert equal outcomes, and return the fast report and path taken."""
    caplog.set_level(logging.INFO, logger="hrguard.ingest.kinds.payments")
    caplog.clear()
    fast = run(settings, path, fast=True)
    taken = "fast" if FAST_LOG in caplog.text else "rows" if ROW_LOG in caplog.text else "none"
    rows = run(settings, path, fast=False)

    assert outcome(fast) == outcome(rows)
    assert stored("FAST") == stored("ROWS")
    return fast, taken


@pytest.mark.parametrize(
    ("name", "taken"),
    [
        ("alipay-2023-format-gbk.csv", "fast"),
        ("alipay-2021-format-gbk.csv", "fast"),
        # The fast path does not read the 2019 layout's refund column.
        ("alipay-2019-format-gbk.csv", "none"),
        ("alipay-2023-complete-gbk.csv", "fast"),
        ("wechat-complete-bom-crlf.csv", "fast"),
        ("wechat-20200830-20200906-bom-crlf.csv", "fast"),
        ("wechat_sample_refund-statuses.csv", "fast"),
        # polars cannot read its `"3985734"<tab>` cells.
        ("wechat-records.csv", "rows"),
        ("wechat-records.xlsx", "none"),
    ],
)
def test_fast_path_sample_same_as_row_path(
    settings: SettingsWrapper,
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
    name: str,
    taken: str,
) -> None:
    # Samples with masked, repeated order numbers get unique ones, or both paths reject them.
    _report, path_taken = compare_paths(settings, caplog, unique_orders(name, tmp_path))

    assert path_taken == taken


def edited(tmp_path: Path, replacements: list[tuple[str, str]], name: str = "账单.csv") -> Path:
    text = ALIPAY.read_bytes().decode("gbk")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / name
    path.write_bytes(text.encode("gb18030"))
    return path


def test_fast_path_odd_rows_same_issues_as_row_path(
    settings: SettingsWrapper, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    # given a bill with rows the polars path leaves to the row parser: a bad amount
    # (line 19), an impossible date (20), an unknown 收/支 (23), a blank row (30), a
    # short row (33), a sub-fen amount (35), and valid full-width digits, a spaced
    # currency sign, fractional seconds, 1988 summer time and a control character
    path = edited(
        tmp_path,
        [
            (",246.76,", ",abc,"),
            ("2026-11-30 23:57:44", "2026-02-30 23:57:44"),
            (",585.21,", ",１２．５０,"),
            ("2026-11-30 23:58:48 ", "1988-07-01 12:00:00 "),
            (",不计收支,130.00,", ",未知,130.00,"),
            (",1468.69,", ",¥ 1468.69,"),
            ("2026-11-30 23:52:36", "2026-11-30 23:52:36.5"),
            ("蓝牙耳机（白色）,支出,976.22", "蓝牙\x07耳机（白色）,支出,976.22"),
            ("T000000000000000011\t,,\r\n", "T000000000000000011\t,,\r\n,,,   ,\r\n"),
            (
                "2026-11-30 23:50:17,餐饮美食,示例奶茶店,exa***@example.com,奶茶,支出,1096.09,"
                "余额宝,交易关闭,20260000000000000000000014\t,T000000000000000014\t,,",
                "2026-11-30 23:50:17,餐饮美食,示例奶茶店",
            ),
            (",1502.16,", ",1502.165,"),
        ],
    )

    # when it is imported both ways
    report, taken = compare_paths(settings, caplog, path)

    # then the fast path was used and found the same problems
    assert taken == "fast"
    assert report.status == ImportBatch.Status.REJECTED
    assert [issue.row for issue in report.issues] == [19, 20, 23, 33, 35]


def test_fast_path_valid_odd_rows_store_same_rows(
    settings: SettingsWrapper, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    path = edited(
        tmp_path,
        [
            (",585.21,", ",１２．５０,"),
            ("2026-11-30 23:58:48 ", "1988-07-01 12:00:00 "),
            ("蓝牙耳机", "蓝牙\x07耳机（“白色”）"),
            (",98.30,", ",¥ 98.30,"),
        ],
    )

    report, taken = compare_paths(settings, caplog, path)

    assert taken == "fast"
    assert report.status == ImportBatch.Status.COMMITTED
    assert report.rows_created == 24
    summer = PaymentTransaction.objects.get(employee__employee_no="FAST", occurred_at__year=1988)
    # Shanghai kept summer time (UTC+9) in 1988.
    assert summer.occurred_at == datetime.datetime(1988, 7, 1, 3, 0, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("replacements", "taken"),
    [
        # A repeated order number: the row path reports it with the rows' cells.
        ([("20260000000000000000000001", "20260000000000000000000000")], "rows"),
        # A quoted cell across two lines: polars' row numbers would not be line numbers.
        ([("纸巾和洗衣液", '"纸巾和\r\n洗衣液"')], "rows"),
        # More cells than the header.
        ([(",T000000000000000004\t,,", ",T000000000000000004\t,,,extra,")], "rows"),
        # Nothing but the header.
        ([], "fast"),
    ],
    ids=["repeated-order", "multi-line-cell", "extra-cells", "header-only"],
)
def test_fast_path_gives_way_to_row_path_where_polars_differs(
    settings: SettingsWrapper,
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
    replacements: list[tuple[str, str]],
    taken: str,
) -> None:
    path = edited(tmp_path, replacements)
    if not replacements:
        text = path.read_bytes().decode("gb18030")
        path.write_bytes(text[: text.index(FIRST_ROW)].encode("gb18030"))

    _report, path_taken = compare_paths(settings, caplog, path)

    assert path_taken == taken


def test_fast_path_reimport_counts_unchanged_and_updated(
    settings: SettingsWrapper, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    # given both employees imported the complete bill once
    compare_paths(settings, caplog, ALIPAY)
    # when a later export of it shows one order received and is imported again
    later = edited(tmp_path, [("等待确认收货", "交易成功")], name="later.csv")
    report, taken = compare_paths(settings, caplog, later)

    # then both paths update that order and keep the rest
    assert taken == "fast"
    assert (report.rows_created, report.rows_updated, report.rows_unchanged) == (0, 1, 23)
