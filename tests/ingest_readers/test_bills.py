"""Alipay and WeChat Pay bill parsing against the licensed samples in tests/fixtures/bills."""

import shutil
import tracemalloc
from dataclasses import astuple, replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from hrguard.ingest.base import RowIssue
from hrguard.ingest.bills import BillLayoutUnknown, BillRow, DeclaredTotal, read_bill
from hrguard.ingest.values import SHANGHAI

BILLS = Path(__file__).parent.parent / "fixtures" / "bills"
MISMATCH_HINT = (
    "文件可能被截断或改动过。请重新导出完整的原始账单；如果已核对文件完整，"
    "可在命令行加 --accept-totals-mismatch，或在上传页面勾选「已核对账单，仍然导入」后再导入。"
)


def read(path: Path) -> tuple[list[BillRow], list[RowIssue]]:
    bill = read_bill(path, file_name=path.name)
    rows: list[BillRow] = []
    issues: list[RowIssue] = []
    for item in bill.rows():
        (rows if isinstance(item, BillRow) else issues).append(item)
    return rows, issues


def total(count: int | None, amount: str, line: int, label: str) -> DeclaredTotal:
    return DeclaredTotal(count=count, amount=Decimal(amount), line=line, label=label)


# The declared totals are exactly what each sample's own preamble or trailer states.
# Most samples were cut down by their maintainers, so their rows do not add up to them:
# the last column lists the lines whose stated totals the rows contradict.
SAMPLES = [
    (
        "alipay-2023-format-gbk.csv", "alipay", "alipay-2023", 25, 10, 66, 8,
        total(1, "28.50", 9, "收入"), total(63, "16.54", 10, "支出"),
        total(2, "16.37", 11, "不计收支"), [8, 10, 11, 9],
    ),
    (
        "alipay-2021-format-gbk.csv", "alipay", "alipay-2021", 2, 16, 21, 25,
        total(0, "0.00", 26, "收入"), total(None, "1234.56", 27, "支出"),
        total(None, "9876.54", 28, "其他"), [25, 26, 27, 28],
    ),
    (
        "alipay-2019-format-gbk.csv", "alipay", "alipay-2019", 5, 2, 2, 9,
        total(1, "0.01", 10, "已收入"), total(1, "27.00", 12, "已支出"), None, [],
    ),
    (
        "wechat-records.csv", "wechat", "wechat-csv", 17, 27, 43, 7,
        total(1, "0.35", 8, "收入"), total(1, "28.16", 9, "支出"),
        total(0, "0.00", 10, "中性交易"), [7, 8, 9, 10],
    ),
    (
        "wechat-20200830-20200906-bom-crlf.csv", "wechat", "wechat-csv", 17, 7, 21, 7,
        total(2, "1412.00", 8, "收入"), total(19, "3082.56", 9, "支出"),
        total(0, "0.00", 10, "中性交易"), [7, 9],
    ),
    (
        "wechat_sample_refund-statuses.csv", "wechat", "wechat-csv", 13, 8, 8, 7,
        total(2, "250.00", 8, "收入"), total(5, "289.50", 9, "支出"),
        total(1, "88.00", 10, "中性交易"), [],
    ),
    (
        "wechat-records-2025-xlsx-format.xlsx", "wechat", "wechat-xlsx-2025", 17, 27, 10, 7,
        total(1, "0.35", 8, "收入"), total(1, "28.16", 9, "支出"),
        total(0, "0.00", 10, "中性交易"), [7, 8, 9, 10],
    ),
    (
        "wechat-records.xlsx", "wechat", "wechat-xlsx-2026", 18, 27, 10, 7,
        total(1, "0.35", 8, "收入"), total(1, "28.16", 9, "支出"),
        total(0, "0.00", 10, "中性交易"), [7, 8, 9, 10],
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    (
        "name", "source", "layout", "header_line", "row_count", "records", "records_line",
        "income", "expense", "neutral", "mismatch_lines",
    ),
    SAMPLES,
)  # fmt: skip
def test_read_bill_sample_layout_counts_and_totals(
    name: str,
    source: str,
    layout: str,
    header_line: int,
    row_count: int,
    records: int,
    records_line: int,
    income: DeclaredTotal,
    expense: DeclaredTotal,
    neutral: DeclaredTotal | None,
    mismatch_lines: list[int],
) -> None:
    # mismatch_lines lists count differences first, then sum-only differences.
    bill = read_bill(BILLS / name, file_name=name)
    rows, issues = read(BILLS / name)

    assert (bill.source, bill.layout, bill.header_line) == (source, layout, header_line)
    assert issues == []
    assert len(rows) == row_count
    assert bill.declared is not None
    assert (bill.declared.records, bill.declared.records_line) == (records, records_line)
    assert bill.declared.income == income
    assert bill.declared.expense == expense
    assert bill.declared.neutral == neutral
    assert [issue.row for issue in bill.check_totals(rows)] == mismatch_lines


@pytest.mark.parametrize("name", [sample[0] for sample in SAMPLES])
def test_read_bill_sample_rows_share_schema(name: str) -> None:
    rows, _issues = read(BILLS / name)

    for row in rows:
        assert row.occurred_at.tzinfo == SHANGHAI
        assert row.amount >= 0
        assert row.amount.as_tuple().exponent == -2
        assert row.direction in {"income", "expense", "neutral"}
        for text in (row.order_no, row.merchant_order_no, row.counterparty, row.description):
            assert text == text.strip(" \t")
            assert text != "/"


def test_read_bill_alipay_2023_padded_row_exact() -> None:
    rows, _issues = read(BILLS / "alipay-2023-format-gbk.csv")

    assert rows[0] == BillRow(
        line=26,
        occurred_at=datetime(2023, 2, 12, 21, 32, 14, tzinfo=SHANGHAI),
        category="亲友代付",
        counterparty="xxxxxxxxxxxx",
        description="亲情卡",
        direction="expense",
        amount=Decimal("49.74"),
        method="交通银行信用卡(7449)",
        status="交易成功",
        order_no="202302xxxxxx0011000103xxxxxx",
        merchant_order_no="20230xxxxxxx014741014xxxxxx",
        note="",
        succeeded=True,
    )


def test_read_bill_alipay_statuses_and_refunds() -> None:
    rows, _issues = read(BILLS / "alipay-2023-format-gbk.csv")
    by_line = {row.line: row for row in rows}

    assert (by_line[27].status, by_line[27].succeeded) == ("等待确认收货", False)
    assert (by_line[31].status, by_line[31].succeeded) == ("交易关闭", False)
    refund = by_line[32]
    assert (refund.category, refund.description) == ("退款", "退款-一卡通充值")
    assert (refund.direction, refund.succeeded, refund.refund) == ("neutral", False, True)
    assert refund.order_no == "2023xxxxx88_2023xx57"


def test_read_bill_alipay_2021_other_is_neutral() -> None:
    rows, _issues = read(BILLS / "alipay-2021-format-gbk.csv")
    by_line = {row.line: row for row in rows}

    assert (by_line[7].direction, by_line[7].category) == ("neutral", "投资理财")
    assert (by_line[5].direction, by_line[5].refund, by_line[5].succeeded) == (
        "income",
        True,
        False,
    )
    assert by_line[3].occurred_at == datetime(2021, 6, 14, 14, 0, 38, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("line", "status", "direction", "succeeded", "refunded"),
    [
        (14, "支付成功", "expense", True, None),
        (16, "已收钱", "income", True, None),
        (17, "交易关闭", "neutral", False, None),
        (19, "已全额退款", "expense", False, None),
        (20, "已退款￥50.00", "income", True, Decimal("50.00")),
        (21, "已退款(￥5.00)", "expense", True, Decimal("5.00")),
    ],
)
def test_read_bill_wechat_refund_statuses(
    line: int, status: str, direction: str, succeeded: bool, refunded: Decimal | None
) -> None:
    rows, _issues = read(BILLS / "wechat_sample_refund-statuses.csv")
    row = next(row for row in rows if row.line == line)

    assert (row.status, row.direction, row.succeeded, row.refunded) == (
        status, direction, succeeded, refunded,
    )  # fmt: skip


def test_read_bill_wechat_quotes_slashes_and_tab_ids() -> None:
    rows, _issues = read(BILLS / "wechat-records.csv")
    by_line = {row.line: row for row in rows}

    assert by_line[37].counterparty == '打开拼多多,点击底部"多多视频"'
    assert (by_line[19].description, by_line[19].method) == ("", "")
    assert (by_line[23].direction, by_line[23].counterparty) == ("neutral", "")
    assert (by_line[24].order_no, by_line[24].merchant_order_no) == (
        "207210715100077148235523883175", "",
    )  # fmt: skip
    assert by_line[24].note == "服务费¥0.10"


def test_read_bill_wechat_bom_crlf_quoted_tab_ids() -> None:
    rows, _issues = read(BILLS / "wechat-20200830-20200906-bom-crlf.csv")

    assert rows[1].order_no == "4200000686202009066696686773"
    assert rows[1].merchant_order_no == "61844920090614235306105"
    assert (rows[6].status, rows[6].refunded) == ("已退款￥742.00", Decimal("742.00"))


def test_read_bill_wechat_three_layouts_same_rows() -> None:
    def without_line(path: Path) -> list[tuple[object, ...]]:
        return [astuple(replace(row, line=0)) for row in read(path)[0]]

    csv_rows = without_line(BILLS / "wechat-records.csv")

    assert without_line(BILLS / "wechat-records-2025-xlsx-format.xlsx") == csv_rows
    assert without_line(BILLS / "wechat-records.xlsx") == csv_rows


def test_read_bill_xlsx_renamed_csv_sniffed(tmp_path: Path) -> None:
    renamed = tmp_path / "微信账单.csv"
    shutil.copyfile(BILLS / "wechat-records.xlsx", renamed)

    bill = read_bill(renamed, file_name=renamed.name)

    assert (bill.layout, bill.header_line) == ("wechat-xlsx-2026", 18)
    assert sum(1 for _row in bill.rows()) == 27


def test_read_bill_wechat_resaved_as_gbk_same_rows(tmp_path: Path) -> None:
    original = BILLS / "wechat-records.csv"
    resaved = tmp_path / "wechat-gbk.csv"
    resaved.write_bytes(original.read_text(encoding="utf-8").encode("gb18030"))

    assert read(resaved) == read(original)


def test_read_bill_alipay_june_2026_shorter_preamble(tmp_path: Path) -> None:
    text = (BILLS / "alipay-2023-format-gbk.csv").read_bytes().decode("gb18030")
    text = text.replace("导出交易类型：[全部]\n", "")
    text = text.replace("支付宝（中国）网络技术有限公司", "支付宝支付科技有限公司")
    path = tmp_path / "alipay-2026.csv"
    path.write_bytes(text.encode("gb18030"))

    bill = read_bill(path, file_name=path.name)
    rows, issues = read(path)

    assert (bill.layout, bill.header_line) == ("alipay-2023", 24)
    assert (len(rows), issues) == (10, [])
    assert rows[0].line == 25
    assert bill.declared is not None
    assert bill.declared.records == 66


def test_read_bill_rows_reiterable_same_result() -> None:
    bill = read_bill(BILLS / "alipay-2021-format-gbk.csv", file_name="a.csv")

    assert list(bill.rows()) == list(bill.rows())


def _edited(tmp_path: Path, name: str, old: str, new: str, encoding: str = "utf-8") -> Path:
    text = (BILLS / name).read_bytes().decode(encoding)
    assert old in text
    path = tmp_path / name
    path.write_bytes(text.replace(old, new, 1).encode(encoding))
    return path


def test_check_totals_tampered_expense_reports_both_numbers(tmp_path: Path) -> None:
    path = _edited(
        tmp_path, "wechat_sample_refund-statuses.csv", "支出：5笔 289.50元", "支出：6笔 300.00元"
    )
    bill = read_bill(path, file_name="账单.csv")
    rows, _issues = read(path)

    assert bill.check_totals(rows) == [
        RowIssue(
            "账单声明「支出」6 笔、合计 300.00 元，实际读到 5 笔、合计 289.50 元。" + MISMATCH_HINT,
            row=9,
        )
    ]


def test_check_totals_missing_row_reports_count(tmp_path: Path) -> None:
    path = _edited(
        tmp_path,
        "alipay-2019-format-gbk.csv",
        "123456 \t,                    \t,2019-09-30 05:26:50",
        "",
        encoding="gb18030",
    )
    path.write_bytes(
        b"\n".join(
            line for line in path.read_bytes().split(b"\n") if b"2019-09-30 05:26:50" not in line
        )
    )
    bill = read_bill(path, file_name="a.csv")
    rows, _issues = read(path)

    assert [issue.message for issue in bill.check_totals(rows)] == [
        "账单声明共 2 笔记录，实际读到 1 笔。" + MISMATCH_HINT,
        "账单声明「已收入」1 笔、合计 0.01 元，实际读到 0 笔、合计 0.00 元。" + MISMATCH_HINT,
    ]


def test_read_bill_non_numeric_amount_row_issue(tmp_path: Path) -> None:
    path = _edited(tmp_path, "wechat_sample_refund-statuses.csv", "¥35.00", "¥abc")

    rows, issues = read(path)

    assert len(rows) == 7
    assert issues == [
        RowIssue(
            "「¥abc」不是有效的金额。请只填写数字，例如 1234.50 或 ¥88。",
            row=14,
            column="金额(元)",
            value="¥abc",
        )
    ]


def test_read_bill_alipay_bad_amount_names_column(tmp_path: Path) -> None:
    path = _edited(tmp_path, "alipay-2023-format-gbk.csv", "49.74 ", "四十九 ", encoding="gb18030")

    _rows, issues = read(path)

    assert [(issue.row, issue.column, issue.value) for issue in issues] == [(26, "金额", "四十九")]


def test_read_bill_bad_direction_and_time_row_issues(tmp_path: Path) -> None:
    path = _edited(tmp_path, "wechat_sample_refund-statuses.csv", ",支出,¥35.00", ",出账,¥35.00")
    path.write_bytes(path.read_bytes().replace(b"2024-01-15 12:00:00", b"2024-01-15 noon"))

    _rows, issues = read(path)

    assert [(issue.row, issue.column, issue.value) for issue in issues] == [
        (14, "收/支", "出账"),
        (15, "交易时间", "2024-01-15 noon"),
    ]
    assert issues[0].message == "收/支的值无法识别。应为 收入、支出、不计收支、其他 或 /。"


def test_read_bill_short_row_row_issue(tmp_path: Path) -> None:
    path = tmp_path / "short.csv"
    original = (BILLS / "wechat_sample_refund-statuses.csv").read_text(encoding="utf-8")
    path.write_text(original + "2024-01-21 09:00:00,商户消费,某商铺C\n", encoding="utf-8")

    _rows, issues = read(path)

    assert issues == [
        RowIssue("本行只有 3 列，少于表头的列数。请检查这一行是否被截断或多了换行。", row=22)
    ]


def test_read_bill_unknown_layout_names_columns(tmp_path: Path) -> None:
    path = tmp_path / "bank.csv"
    path.write_text(
        "招商银行交易流水\n记账日期,交易金额,摘要\n2026-01-01,1.00,消费\n", encoding="utf-8"
    )

    with pytest.raises(BillLayoutUnknown) as caught:
        read_bill(path, file_name="流水.csv")

    assert caught.value.message == (
        "无法识别文件「流水.csv」的账单格式：前 60 行中没有支付宝或微信支付账单的表头。"
        "最像表头的是第 2 行，其中的列为：记账日期、交易金额、摘要。"
        "请上传从支付宝或微信导出的原始账单（CSV 或 xlsx），不要在 Excel 中改动后另存。"
    )


def test_read_bill_large_file_memory_flat(tmp_path: Path) -> None:
    lines = (BILLS / "alipay-2023-format-gbk.csv").read_bytes().split(b"\n")
    path = tmp_path / "big.csv"
    with path.open("wb") as stream:
        stream.write(b"\n".join(lines[:25]) + b"\n")
        for _ in range(6000):
            stream.write(lines[25] + b"\n")
    file_size = path.stat().st_size

    tracemalloc.start()
    try:
        bill = read_bill(path, file_name="big.csv")
        count = sum(1 for _row in bill.rows())
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert count == 6000
    # 6000 BillRows kept in a list would take several MB; streaming stays near one chunk.
    assert file_size > 1_700_000
    assert peak < 1_500_000


def test_read_bill_alipay_refund_under_original_category(tmp_path: Path) -> None:
    # Alipay files some refunds under the order's own category; a closed sale may have 收/支 收入.
    text = (BILLS / "alipay-2023-format-gbk.csv").read_bytes().decode("gb18030")
    text += (
        "2024-11-14 12:00:00,餐饮美食,饿了么,e50***@alibaba-inc.com,退款-饺子,支出,27.00,"
        "建设银行储蓄卡(5503),退款成功,2024111422_1313\t,1312060\t,,\n"
        "2024-10-19 09:00:00,收入,****n,105***@qq.com,logitech,收入,150.00,,交易关闭,"
        "2024101923\t,T200P233\t,,\n"
    )
    path = tmp_path / "alipay.csv"
    path.write_bytes(text.encode("gb18030"))

    rows, _issues = read(path)
    refund, closed_sale = rows[-2], rows[-1]

    assert (refund.category, refund.refund, refund.succeeded) == ("餐饮美食", True, False)
    assert (closed_sale.direction, closed_sale.refund, closed_sale.succeeded) == (
        "income", False, False,
    )  # fmt: skip
