"""Writers for the file layouts hrguard imports, byte for byte reproducible.

HR files use the canonical templates (roster and leave as xlsx, payroll as a GBK CSV
the way Excel saves it on a Chinese Windows, reimbursements and consents as UTF-8
CSVs with a BOM). Bills copy the platforms' own exports: Alipay's 2023+ GBK CSV,
WeChat Pay's CSV (to mid-2025) and WeChat Pay's 2026 xlsx.
"""

import datetime
import io
import random
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

from hrguard.demo.bills import Kind, Transaction
from hrguard.demo.company import DemoEmployee

ROSTER_HEADER = ("工号", "姓名", "部门", "岗位", "入职日期", "手机号", "状态")
PAYROLL_HEADER = ("工号", "姓名", "月份", "应发工资", "实发工资")
LEAVE_HEADER = ("工号", "姓名", "日期", "类型", "时长(天)")
REIMBURSEMENT_HEADER = ("工号", "姓名", "日期", "金额", "类别", "说明")
CONSENT_HEADER = ("工号", "数据类别", "同意日期", "撤回日期")
ALIPAY_HEADER = (
    "交易时间",
    "交易分类",
    "交易对方",
    "对方账号",
    "商品说明",
    "收/支",
    "金额",
    "收/付款方式",
    "交易状态",
    "交易订单号",
    "商家订单号",
    "备注",
)
WECHAT_HEADER = (
    "交易时间",
    "交易类型",
    "交易对方",
    "商品",
    "收/支",
    "金额(元)",
    "支付方式",
    "当前状态",
    "交易单号",
    "商户单号",
    "备注",
)
WECHAT_AMOUNT_FORMAT = "\\¥#,##0.00"


def yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def _text_file(path: Path, lines: Iterable[str], *, encoding: str, newline: str = "\r\n") -> None:
    path.write_bytes("".join(line + newline for line in lines).encode(encoding))


def _csv_line(cells: Sequence[str]) -> str:
    """Join cells with commas; the generator never puts commas or quotes inside a cell."""
    return ",".join(cells)


def save_workbook(workbook: Workbook, path: Path, *, timestamp: datetime.datetime) -> None:
    """Save an xlsx whose bytes depend only on its content.

    openpyxl stamps the save time into docProps/core.xml and into every zip entry,
    so both are rewritten with `timestamp`.
    """
    workbook.properties.creator = "hrguard demo"
    workbook.properties.created = timestamp
    buffer = io.BytesIO()
    workbook.save(buffer)

    stamp = timestamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    output = io.BytesIO()
    with (
        zipfile.ZipFile(buffer) as source,
        zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            data = source.read(entry.filename)
            if entry.filename == "docProps/core.xml":
                text = data.decode("utf-8")
                text = re.sub(r"(<dcterms:modified[^>]*>)[^<]*", rf"\g<1>{stamp}", text)
                data = text.encode("utf-8")
            info = zipfile.ZipInfo(entry.filename, date_time=timestamp.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            target.writestr(info, data)
    path.write_bytes(output.getvalue())


def _sheet_with_header(header: Sequence[str], widths: Sequence[int]) -> Workbook:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # noqa: S101 - a new Workbook always has one sheet
    sheet.title = "Sheet1"
    sheet.append(list(header))
    for cell, width in zip(sheet[1], widths, strict=True):
        cell.font = Font(bold=True)
        sheet.column_dimensions[cell.column_letter].width = width
    sheet.freeze_panes = "A2"
    return workbook


def write_roster(
    path: Path, people: Sequence[DemoEmployee], *, timestamp: datetime.datetime
) -> None:
    workbook = _sheet_with_header(ROSTER_HEADER, (10, 10, 12, 14, 12, 15, 8))
    sheet = workbook.active
    assert sheet is not None  # noqa: S101
    for person in people:
        sheet.append(
            [
                person.employee_no,
                person.name,
                person.department,
                person.position,
                person.hire_date,
                person.phone,
                person.status,
            ]
        )
        row = sheet.max_row
        # Text cells, so Excel neither drops leading zeros nor shows 1.7E+10.
        sheet.cell(row, 1).number_format = "@"
        sheet.cell(row, 5).number_format = "yyyy-mm-dd"
        sheet.cell(row, 6).number_format = "@"
    save_workbook(workbook, path, timestamp=timestamp)


def write_payroll(
    path: Path, people: Sequence[DemoEmployee], months: Sequence[datetime.date]
) -> None:
    lines = [_csv_line(PAYROLL_HEADER)]
    for month in months:
        for person in people:
            lines.append(
                _csv_line(
                    (
                        person.employee_no,
                        person.name,
                        f"{month:%Y-%m}",
                        yuan(person.gross_pay_fen[month]),
                        yuan(person.net_pay_fen[month]),
                    )
                )
            )
    _text_file(path, lines, encoding="gbk")


def write_leave(
    path: Path, people: Sequence[DemoEmployee], *, timestamp: datetime.datetime
) -> None:
    workbook = _sheet_with_header(LEAVE_HEADER, (10, 10, 12, 8, 10))
    sheet = workbook.active
    assert sheet is not None  # noqa: S101
    entries = sorted(
        ((entry, person) for person in people for entry in person.leave),
        key=lambda pair: (pair[0].date, pair[1].employee_no, pair[0].leave_type),
    )
    for entry, person in entries:
        days = float(entry.days) if "." in entry.days else int(entry.days)
        sheet.append([person.employee_no, person.name, entry.date, entry.leave_type, days])
        row = sheet.max_row
        sheet.cell(row, 1).number_format = "@"
        sheet.cell(row, 3).number_format = "yyyy-mm-dd"
    save_workbook(workbook, path, timestamp=timestamp)


def write_reimbursements(path: Path, people: Sequence[DemoEmployee]) -> None:
    lines = [_csv_line(REIMBURSEMENT_HEADER)]
    entries = sorted(
        ((entry, person) for person in people for entry in person.reimbursements),
        key=lambda pair: (pair[0].date, pair[1].employee_no, pair[0].amount_fen),
    )
    for entry, person in entries:
        lines.append(
            _csv_line(
                (
                    person.employee_no,
                    person.name,
                    f"{entry.date:%Y-%m-%d}",
                    yuan(entry.amount_fen),
                    entry.category,
                    entry.description,
                )
            )
        )
    _text_file(path, lines, encoding="utf-8-sig")


def write_consents(path: Path, people: Sequence[DemoEmployee]) -> None:
    lines = [_csv_line(CONSENT_HEADER)]
    for person in people:
        for grant in person.consents:
            withdrawn = f"{grant.withdrawn_on:%Y-%m-%d}" if grant.withdrawn_on else ""
            lines.append(
                _csv_line(
                    (
                        person.employee_no,
                        grant.category,
                        f"{grant.granted_on:%Y-%m-%d}",
                        withdrawn,
                    )
                )
            )
    _text_file(path, lines, encoding="utf-8-sig")


@dataclass(frozen=True)
class BillRow:
    """One rendered row; `direction` is the platform's 收/支 text."""

    occurred_at: datetime.datetime
    cells: tuple[str, ...]
    direction: str
    amount_fen: int


@dataclass(frozen=True)
class BillExport:
    """What the bill's preamble needs besides the rows."""

    owner: DemoEmployee
    start: datetime.date
    end: datetime.date
    exported_at: datetime.datetime


class _OrderNumbers:
    """Draw order numbers that never repeat within one bill."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def draw(self, prefix: str, digits: int) -> str:
        while True:
            number = prefix + "".join(self.rng.choices("0123456789", k=digits))
            if number not in self.used:
                self.used.add(number)
                return number


def _payment_methods(rng: random.Random) -> tuple[str, ...]:
    tails = [f"{rng.randint(0, 9999):04d}" for _ in range(3)]
    return (
        "余额",
        "余额宝",
        f"招商银行储蓄卡({tails[0]})",
        f"工商银行储蓄卡({tails[1]})",
        f"建设银行信用卡({tails[2]})",
    )


def alipay_rows(transactions: Sequence[Transaction], rng: random.Random) -> list[BillRow]:
    """Render transactions as Alipay rows, newest first, with refunds as rows of their own."""
    numbers = _OrderNumbers(rng)
    methods = _payment_methods(rng)
    rows = []
    for t in transactions:
        trade_no = numbers.draw(f"{t.occurred_at:%Y%m%d}22001", 15)
        merchant_no = ""
        account = "/"
        method = rng.choice(methods)
        status = "交易成功"
        direction = "支出"
        if t.kind is Kind.PURCHASE:
            merchant_no = numbers.draw("T200P", 19)
            account = (
                rng.choice(("shop", "pay", "fin")) + f"***@{rng.choice(('163.com', 'qq.com'))}"
            )
            if t.closed:
                status, method = "交易关闭", ""
        elif t.kind is Kind.GIFT_IN:
            direction, method = "收入", "余额"
            account = f"170******{rng.randint(10, 99)}"
        elif t.kind in (Kind.SAVINGS, Kind.CARD_REPAYMENT):
            direction = "不计收支"
            method = methods[2]
        elif t.kind is Kind.LOAN_IN:
            # Alipay files 借呗 payouts to the balance as neither income nor spending.
            direction = "不计收支" if t.counterparty == "借呗" else "收入"
            method = "余额"
        elif t.kind is Kind.LOAN_REPAYMENT and t.counterparty == "借呗":
            direction = "不计收支"

        # Cells after 交易时间, in header order.
        cells = [t.category, t.counterparty, account, t.description, direction]
        cells += [yuan(t.amount_fen), method, status, trade_no, merchant_no, ""]
        if t.refunded_at is not None:
            # A fully refunded order shows as closed, and the refund is its own row.
            cells[7] = "交易关闭"
            refund_no = f"{trade_no}_{numbers.draw(f'{t.refunded_at:%Y%m%d}', 12)}"
            refund = ["退款", t.counterparty, account, f"退款-{t.description}", "不计收支"]
            refund += [yuan(t.amount_fen), method, "退款成功", refund_no, merchant_no, ""]
            rows.append(_bill_row(t.refunded_at, refund, t.amount_fen))
        rows.append(_bill_row(t.occurred_at, cells, t.amount_fen))
    rows.sort(key=lambda row: row.occurred_at, reverse=True)
    return rows


def _bill_row(
    occurred_at: datetime.datetime, cells: list[str], amount_fen: int, *, direction_at: int = 4
) -> BillRow:
    """Build a row from the cells after 交易时间; `direction_at` is the index of 收/支 in them."""
    time_cell = f"{occurred_at:%Y-%m-%d %H:%M:%S}"
    return BillRow(occurred_at, (time_cell, *cells), cells[direction_at], amount_fen)


def _totals(rows: Sequence[BillRow], direction: str) -> tuple[int, str]:
    matching = [row.amount_fen for row in rows if row.direction == direction]
    return len(matching), yuan(sum(matching))


def _masked_phone(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:]


def write_alipay(
    path: Path, export: BillExport, rows: Sequence[BillRow], rng: random.Random
) -> None:
    """Write Alipay's 2023+ export: GBK, a 24-line preamble, padded cells, tab-ended order numbers."""
    income_count, income = _totals(rows, "收入")
    expense_count, expense = _totals(rows, "支出")
    neutral_count, neutral = _totals(rows, "不计收支")
    lines = [
        "-" * 84,
        "导出信息：",
        f"姓名：{export.owner.name}",
        f"支付宝账户：{_masked_phone(export.owner.phone)}",
        f"起始时间：[{export.start:%Y-%m-%d} 00:00:00]    终止时间：[{export.end:%Y-%m-%d} 23:59:59]",
        "导出交易类型：[全部]",
        f"导出时间：[{export.exported_at:%Y-%m-%d %H:%M:%S}]",
        f"共{len(rows)}笔记录",
        f"收入：{income_count}笔 {income}元",
        f"支出：{expense_count}笔 {expense}元",
        f"不计收支：{neutral_count}笔 {neutral}元",
        "",
        "特别提示：",
        "1.本回单列出的是支付宝受理的交易申请，与实际结果不一致时以实际交易为准；",
        "2.本回单不能作为发货凭证，收款方请先核实款项已到账；",
        "3.使用银行卡快捷支付时银行也会记录同一笔交易，请勿重复记账；",
        "4.经过涂改或伪造的回单无效；",
        "5.充值、提现、转存和个人设置为不计收支的交易，既不算收入也不算支出；",
        "6.统计口径不同，逐笔相加的金额可能与上方合计不一致，以实际交易金额为准；",
        "7.不得将本回单用于违法用途；",
        "8.已删除的交易不在本明细中；",
        "9.本明细只用于个人对账。",
        "",
        "",
        "------------------------支付宝（中国）网络技术有限公司  电子客户回单------------------------",
        ",".join(_pad(name) for name in ALIPAY_HEADER) + ",",
    ]
    for row in rows:
        padded = rng.random() < 0.85
        cells = list(row.cells)
        # Order numbers end in a tab so Excel keeps them as text.
        cells[9] = cells[9] + "\t"
        cells[10] = (cells[10] or (" " * 20 if padded else "")) + "\t"
        if padded:
            cells = [cell if index in (9, 10) else _pad(cell) for index, cell in enumerate(cells)]
        lines.append(",".join(cells) + ",")
    _text_file(path, lines, encoding="gbk", newline="\n")


def _pad(cell: str) -> str:
    return cell.ljust(20) if len(cell) < 20 else cell + " "


def wechat_rows(transactions: Sequence[Transaction], rng: random.Random) -> list[BillRow]:
    """Render transactions as WeChat Pay rows, newest first; unpaid orders never show."""
    numbers = _OrderNumbers(rng)
    tail = f"{rng.randint(0, 9999):04d}"
    methods = ("零钱", "零钱通", f"招商银行({tail})")
    rows = []
    for t in transactions:
        if t.closed:
            continue
        kind_text, counterparty, goods = "商户消费", t.counterparty, t.description
        direction, method, status = "支出", rng.choice(methods), "支付成功"
        trade_no = numbers.draw("4200", 24)
        merchant_no = numbers.draw("", 20)
        if t.kind is Kind.PURCHASE:
            kind_text = rng.choice(("商户消费", "商户消费", "扫二维码付款"))
            if kind_text == "扫二维码付款":
                goods, status = "收款方备注:二维码收款", "已转账"
            if t.refunded_at is not None:
                status = "已全额退款"
        elif t.kind is Kind.GIFT_IN:
            kind_text = rng.choice(("微信红包", "转账"))
            direction, method = "收入", "/"
            status = "已存入零钱" if kind_text == "微信红包" else "已收钱"
            goods, trade_no, merchant_no = "/", numbers.draw("1000", 28), "/"
        elif t.kind is Kind.SAVINGS:
            kind_text, counterparty, goods = "转入零钱通-来自零钱", "/", "/"
            direction, method = "/", "零钱"
        elif t.kind is Kind.CARD_REPAYMENT:
            kind_text, counterparty, goods = "信用卡还款", "建设银行", "/"
            direction, method = "/", methods[2]
        elif t.kind is Kind.LOAN_IN:
            kind_text, direction, method, status = "转账", "收入", "/", "已存入零钱"
        cells = [kind_text, counterparty, goods, direction, yuan(t.amount_fen)]
        cells += [method, status, trade_no, merchant_no, "/"]
        rows.append(_bill_row(t.occurred_at, cells, t.amount_fen, direction_at=3))
    rows.sort(key=lambda row: row.occurred_at, reverse=True)
    return rows


def _wechat_preamble(export: BillExport, rows: Sequence[BillRow], *, xlsx: bool) -> list[str]:
    income_count, income = _totals(rows, "收入")
    expense_count, expense = _totals(rows, "支出")
    neutral_count, neutral = _totals(rows, "/")
    notes = [
        "注：",
        "1. 充值/提现/理财通购买/零钱通存取/信用卡还款等交易，将计入中性交易",
        "2. 本明细仅展示当前账单中的交易，不包括已删除的记录",
        "3. 本明细仅供个人对账使用",
    ]
    if xlsx:
        notes.append("4. 本账单中所有时间均为UTC+08:00时间")
    return [
        "微信支付账单明细",
        f"微信昵称：[{export.owner.name[0]}*{export.owner.name[-1]}]",
        f"起始时间：[{export.start:%Y-%m-%d} 00:00:00] 终止时间：[{export.end:%Y-%m-%d} 23:59:59]",
        "导出类型：[全部]",
        f"导出时间：[{export.exported_at:%Y-%m-%d %H:%M:%S}]",
        "",
        f"共{len(rows)}笔记录",
        f"收入：{income_count}笔 {income}元",
        f"支出：{expense_count}笔 {expense}元",
        f"中性交易：{neutral_count}笔 {neutral}元",
        *notes,
        "",
        "----------------------微信支付账单明细列表--------------------",
    ]


def write_wechat_csv(
    path: Path, export: BillExport, rows: Sequence[BillRow], rng: random.Random
) -> None:
    """Write WeChat Pay's CSV export: UTF-8 with a BOM, CRLF, 11 fields on every line.

    Quoting varies from row to row as in real exports: all text quoted, only the
    order numbers quoted, or nothing quoted.
    """
    lines = [line + "," * 10 for line in _wechat_preamble(export, rows, xlsx=False)]
    lines.append(",".join(WECHAT_HEADER))
    for row in rows:
        cells = list(row.cells)
        cells[5] = "¥" + cells[5]
        cells[8] += "\t"
        if cells[9] != "/":
            cells[9] += "\t"
        style = rng.random()
        if style < 0.5:
            cells = [
                cells[0],
                *[f'"{cell}"' for cell in cells[1:5]],
                cells[5],
                *[f'"{cell}"' for cell in cells[6:]],
            ]
        elif style < 0.8:
            cells[8], cells[9] = f'"{cells[8]}"', f'"{cells[9]}"'
        lines.append(",".join(cells))
    _text_file(path, lines, encoding="utf-8-sig")


def write_wechat_xlsx(
    path: Path, export: BillExport, rows: Sequence[BillRow], *, timestamp: datetime.datetime
) -> None:
    """Write WeChat Pay's 2026 xlsx: merged preamble rows, header on row 18, numeric amounts."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # noqa: S101
    sheet.title = "Sheet1"
    preamble = _wechat_preamble(export, rows, xlsx=True)
    for number, text in enumerate(preamble, start=1):
        if text:
            sheet.cell(number, 1, text)
        sheet.merge_cells(start_row=number, start_column=1, end_row=number, end_column=11)
    header_row = len(preamble) + 1
    for column, name in enumerate(WECHAT_HEADER, start=1):
        sheet.cell(header_row, column, name)
    for number, row in enumerate(rows, start=header_row + 1):
        for column, value in enumerate(row.cells, start=1):
            if column == 6:
                cell = sheet.cell(number, column, row.amount_fen / 100)
                cell.number_format = WECHAT_AMOUNT_FORMAT
            elif column in (9, 10) and value != "/":
                sheet.cell(number, column, value + "\t")
            else:
                sheet.cell(number, column, value)
    sheet.column_dimensions["A"].width = 20
    save_workbook(workbook, path, timestamp=timestamp)
