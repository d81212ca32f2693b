"""Read the totals a bill states about itself and compare them with its rows."""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.utils.translation import gettext as _

from hrguard.ingest.base import RowIssue
from hrguard.ingest.bills.types import DIRECTIONS, BillRow, DeclaredTotal, DeclaredTotals, Direction
from hrguard.ingest.values import ValueProblem, parse_amount

_RECORDS = re.compile(r"共\s*(\d+)\s*笔记录")
# `收入:1笔 28.50元` (Alipay 2023, WeChat), `收入:0笔,0.00元` (Alipay 2021),
# `已支出:1笔,27元` (Alipay 2019). Maintainers of sample files mask counts as `x笔`.
_DIRECTION_TOTAL = re.compile(r"([^\s:]+)\s*:\s*(\w+)\s*笔[,\s]*([\d,.]+)\s*元")
_LABELS: dict[str, Direction] = {
    "收入": "income",
    "已收入": "income",
    "支出": "expense",
    "已支出": "expense",
    "不计收支": "neutral",
    "中性交易": "neutral",
    "其他": "neutral",
}


def parse_declared(lines: Iterable[tuple[int, str]]) -> DeclaredTotals | None:
    """Collect `共N笔记录` and the per-direction totals from preamble or trailer lines."""
    totals = DeclaredTotals()
    found = False
    for line, text in lines:
        records = _RECORDS.search(text)
        if records:
            totals = replace(totals, records=int(records[1]), records_line=line)
            found = True
            continue
        match = _DIRECTION_TOTAL.match(text)
        if match is None or match[1] not in _LABELS:
            continue
        total = DeclaredTotal(
            count=int(match[2]) if match[2].isdigit() else None,
            amount=_amount_or_none(match[3]),
            line=line,
            label=match[1],
        )
        direction = _LABELS[match[1]]
        if direction == "income":
            totals = replace(totals, income=total)
        elif direction == "expense":
            totals = replace(totals, expense=total)
        else:
            totals = replace(totals, neutral=total)
        found = True
    return totals if found else None


def _amount_or_none(text: str) -> Decimal | None:
    try:
        return parse_amount(text)
    except ValueProblem:
        return None


@dataclass
class Tally:
    """The rows read for one direction: how many, and their sum."""

    count: int = 0
    amount: Decimal = field(default_factory=Decimal)


def tally_rows(rows: Iterable[BillRow]) -> dict[Direction, Tally]:
    """Count and sum rows by their 收/支 value, whatever their status."""
    tallies = {direction: Tally() for direction in DIRECTIONS}
    for row in rows:
        tally = tallies[row.direction]
        tally.count += 1
        tally.amount += row.amount
    return tallies


@dataclass
class TotalsCheck:
    """How a bill's rows compare with the totals it states.

    A count that differs means rows are missing or added, so it rejects the file unless
    HR has checked the file and accepted the difference; then it becomes a warning. A sum
    that differs alone is a warning: Alipay's own 特别提示 says its sums may not add up.
    """

    rejections: list[RowIssue] = field(default_factory=list)
    warnings: list[RowIssue] = field(default_factory=list)


def _count_fix() -> str:
    return _(
        "文件可能被截断或改动过。请重新导出完整的原始账单；如果已核对文件完整，"
        "可在命令行加 --accept-totals-mismatch，或在上传页面勾选「已核对账单，仍然导入」后再导入。"
    )


def _accepted() -> str:
    return _("已按「已核对账单，仍然导入」接受这一差异。")


def check_totals(
    declared: DeclaredTotals | None,
    tallies: dict[Direction, Tally],
    *,
    accept_count_mismatch: bool = False,
) -> TotalsCheck:
    """Compare the tallies of the rows read with the bill's stated totals."""
    # NOTE: Alipay's own 特别提示 6 warns that summed rows may differ from its stated
    # sums "because the statistics logic differs"; which rows it leaves out is not
    # documented. The count (共N笔记录) is the reliable check, so only counts reject.
    check = TotalsCheck()
    if declared is None:
        return check

    def count_differs(issue: RowIssue) -> None:
        if accept_count_mismatch:
            check.warnings.append(replace(issue, message=f"{issue.message}{_accepted()}"))
        else:
            check.rejections.append(replace(issue, message=f"{issue.message}{_count_fix()}"))

    read = sum(tally.count for tally in tallies.values())
    if declared.records is not None and declared.records != read:
        count_differs(
            RowIssue(
                _("账单声明共 %(declared)d 笔记录，实际读到 %(read)d 笔。")
                % {"declared": declared.records, "read": read},
                row=declared.records_line,
            )
        )
    for direction in DIRECTIONS:
        total = declared.for_direction(direction)
        if total is None:
            continue
        tally = tallies[direction]
        if total.count is not None and total.count != tally.count:
            count_differs(_direction_issue(total, tally))
        elif total.amount is not None and total.amount != tally.amount:
            check.warnings.append(
                RowIssue(
                    _(
                        "账单声明「%(label)s」合计 %(declared_amount)s 元，实际读到的 %(count)d 笔"
                        "合计 %(amount)s 元。笔数相符，合计不同只作提示，不影响导入；"
                        "支付宝的说明也提到其统计口径可能与逐笔相加不同。"
                    )
                    % {
                        "label": total.label,
                        "declared_amount": f"{total.amount:.2f}",
                        "count": tally.count,
                        "amount": f"{tally.amount:.2f}",
                    },
                    row=total.line,
                )
            )
    return check


def _direction_issue(total: DeclaredTotal, tally: Tally) -> RowIssue:
    return RowIssue(
        _(
            "账单声明「%(label)s」%(declared_count)s 笔、合计 %(declared_amount)s 元，"
            "实际读到 %(count)d 笔、合计 %(amount)s 元。"
        )
        % {
            "label": total.label,
            "declared_count": "?" if total.count is None else str(total.count),
            "declared_amount": "?" if total.amount is None else f"{total.amount:.2f}",
            "count": tally.count,
            "amount": f"{tally.amount:.2f}",
        },
        row=total.line,
    )
