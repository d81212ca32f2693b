"""Open an Alipay or WeChat Pay bill export and stream its transactions."""

from collections.abc import Iterable, Iterator
from functools import cached_property
from itertools import chain
from pathlib import Path

from django.utils.translation import gettext as _

from hrguard.core.errors import ValidationFailed
from hrguard.ingest.base import RowIssue
from hrguard.ingest.bills.layouts import KNOWN_HEADERS, WECHAT, BillLayout, match_layout
from hrguard.ingest.bills.totals import Tally, TotalsCheck, check_totals, parse_declared, tally_rows
from hrguard.ingest.bills.types import BillRow, DeclaredTotals, Direction, Source
from hrguard.ingest.readers import (
    FileFormat,
    detect_encoding,
    iter_rows,
    normalize_header,
    sniff_file,
)
from hrguard.ingest.values import ValueProblem, parse_amount, parse_datetime, safe_text

# Alipay 2023+ puts the header on line 25 (24 since June 2026); look well past that.
HEADER_SEARCH_ROWS = 60
# Alipay ends the data with a dashed line before the 2021 and 2019 trailers.
END_MARKER = "---"
# Fields without which a row is not a transaction.
ESSENTIAL_FIELDS = ("occurred_at", "direction", "amount")
ALL_FIELDS = (
    *ESSENTIAL_FIELDS,
    "category",
    "counterparty",
    "description",
    "method",
    "status",
    "order_no",
    "merchant_order_no",
    "note",
    "refunded",
)


class BillLayoutUnknown(ValidationFailed):
    code = "bill_layout_unknown"


def read_bill(path: Path, *, file_name: str, sheet: str | None = None) -> "Bill":
    """Open a bill, recognise its layout by the header names and read its preamble.

    Raises UnreadableFile (an HrguardError) when the file cannot be decoded, and
    BillLayoutUnknown naming the columns found when no known header is present.
    """
    file_format = sniff_file(path, file_name=file_name)
    encoding = detect_encoding(path, file_name=file_name) if file_format == "text" else None
    preamble: list[tuple[int, str]] = []
    closest: tuple[int, list[str], tuple[int, int]] | None = None
    rows = iter_rows(path, sheet=sheet, file_name=file_name, encoding=encoding)
    for seen, (row_number, cells) in enumerate(rows, start=1):
        names = [normalize_header(cell) for cell in cells]
        layout = match_layout(set(names))
        if layout is not None:
            return Bill(
                path=path,
                file_name=file_name,
                sheet=sheet,
                encoding=encoding,
                layout=layout,
                layout_name=_layout_name(layout, file_format, preamble),
                header_line=row_number,
                header=names,
                preamble=preamble,
            )
        preamble.append((row_number, line_text(cells)))
        # Known column names first, then the number of filled cells, which favours a
        # header row over a title line when the layout is foreign.
        score = (len(KNOWN_HEADERS.intersection(names)), sum(1 for name in names if name))
        if closest is None or score > closest[2]:
            closest = (row_number, names, score)
        if seen >= HEADER_SEARCH_ROWS:
            break
    raise _unknown_layout(file_name, closest)


def _layout_name(
    layout: BillLayout, file_format: FileFormat, preamble: list[tuple[int, str]]
) -> str:
    if layout is not WECHAT:
        return layout.name
    if file_format == "text":
        return "wechat-csv"
    # Since March 2026 the xlsx preamble has a 4th note on UTC+08:00, and amounts are numbers.
    if any("UTC+08:00" in text for _line, text in preamble):
        return "wechat-xlsx-2026"
    return "wechat-xlsx-2025"


def _unknown_layout(
    file_name: str, closest: tuple[int, list[str], tuple[int, int]] | None
) -> BillLayoutUnknown:
    if closest is None:
        return BillLayoutUnknown(
            _("文件「%(file)s」中没有任何内容。请上传从支付宝或微信导出的原始账单。"),
            file=file_name,
        )
    row_number, names, _score = closest
    return BillLayoutUnknown(
        _(
            "无法识别文件「%(file)s」的账单格式：前 %(rows)d 行中没有支付宝或微信支付账单的表头。"
            "最像表头的是第 %(row)d 行，其中的列为：%(found)s。"
            "请上传从支付宝或微信导出的原始账单（CSV 或 xlsx），不要在 Excel 中改动后另存。"
        ),
        file=file_name,
        rows=HEADER_SEARCH_ROWS,
        row=row_number,
        found="、".join(name for name in names if name) or _("（空）"),
    )


def line_text(cells: list[str]) -> str:
    """Join the non-empty cells of a preamble or trailer line with single spaces."""
    return " ".join(cell for cell in cells if cell)


class Bill:
    """An opened bill: its source, layout and stated totals, and a stream of its rows."""

    def __init__(
        self,
        *,
        path: Path,
        file_name: str,
        sheet: str | None,
        encoding: str | None,
        layout: BillLayout,
        layout_name: str,
        header_line: int,
        header: list[str],
        preamble: list[tuple[int, str]],
    ) -> None:
        self.path = path
        self.file_name = file_name
        self.sheet = sheet
        self.encoding = encoding
        self.source: Source = layout.source
        self.layout = layout_name
        self.header_line = header_line
        self._layout = layout
        self._preamble = preamble
        positions: dict[str, int] = {}
        for index, name in enumerate(header):
            positions.setdefault(name, index)
        # BillRow field → (column index, header name as written).
        self._fields = {field: (positions[name], name) for field, name in layout.columns.items()}
        self._width = len(header)
        self._needed = max(self._fields[field][0] for field in ESSENTIAL_FIELDS) + 1
        # Fields absent from the layout point one past the header, at a padding "".
        self._index = dict.fromkeys(ALL_FIELDS, self._width)
        self._index.update({field: index for field, (index, _name) in self._fields.items()})

    @cached_property
    def declared(self) -> DeclaredTotals | None:
        """The totals the bill states: from the preamble, or from the trailer after the data.

        Alipay 2021 and 2019 put them in a trailer, so the first access reads the whole
        file once, streaming.
        """
        return parse_declared(chain(self._preamble, self._trailer_lines()))

    @property
    def preamble(self) -> list[tuple[int, str]]:
        """The lines above the header as (line, text), the totals of newer layouts among them."""
        return list(self._preamble)

    @property
    def width(self) -> int:
        """The number of header cells."""
        return self._width

    @property
    def field_columns(self) -> dict[str, int]:
        """The column index of each BillRow field this layout has."""
        return {field: index for field, (index, _name) in self._fields.items()}

    def declared_with_trailer(self, trailer: Iterable[tuple[int, str]]) -> DeclaredTotals | None:
        """The stated totals, given the trailer lines read by someone else (the fast path)."""
        return parse_declared(chain(self._preamble, trailer))

    def parse_cells(self, line: int, cells: list[str]) -> BillRow | RowIssue:
        """Parse one data row's cleaned cells as `rows()` does."""
        return self._parse_row(line, cells)

    def rows(self) -> Iterator[BillRow | RowIssue]:
        """Yield each transaction, or a RowIssue for a row that cannot be read.

        Every call reads the file again from the start, so the bill can be iterated
        more than once without holding its rows in memory.
        """
        for row_number, cells in self._data_rows():
            yield self._parse_row(row_number, cells)

    def check_totals(self, rows: Iterable[BillRow]) -> list[RowIssue]:
        """Compare the rows read with the totals the bill states; one issue per difference.

        Count differences come first; `compare_totals` tells them apart from sum differences.
        """
        check = self.compare_totals(tally_rows(rows))
        return [*check.rejections, *check.warnings]

    def compare_totals(
        self, tallies: dict[Direction, Tally], *, accept_count_mismatch: bool = False
    ) -> TotalsCheck:
        """Compare counted and summed rows with the stated totals: rejections and warnings."""
        return check_totals(self.declared, tallies, accept_count_mismatch=accept_count_mismatch)

    def _data_rows(self) -> Iterator[tuple[int, list[str]]]:
        for row_number, cells in self._rows_after_header():
            if cells[0].startswith(END_MARKER):
                return
            yield row_number, cells

    def _trailer_lines(self) -> Iterator[tuple[int, str]]:
        in_trailer = False
        for row_number, cells in self._rows_after_header():
            if in_trailer:
                yield row_number, line_text(cells)
            elif cells[0].startswith(END_MARKER):
                in_trailer = True

    def _rows_after_header(self) -> Iterator[tuple[int, list[str]]]:
        rows = iter_rows(
            self.path, sheet=self.sheet, file_name=self.file_name, encoding=self.encoding
        )
        for row_number, cells in rows:
            if row_number > self.header_line:
                yield row_number, cells

    def _parse_row(self, line: int, cells: list[str]) -> BillRow | RowIssue:
        if len(cells) < self._needed:
            return RowIssue(
                _("本行只有 %(count)d 列，少于表头的列数。请检查这一行是否被截断或多了换行。")
                % {"count": len(cells)},
                row=line,
            )
        row = cells[: self._width]
        row.extend([""] * (self._width + 1 - len(row)))
        at = self._index

        def issue(field: str, problem: str) -> RowIssue:
            return RowIssue(problem, row=line, column=self._fields[field][1], value=row[at[field]])

        try:
            occurred_at = parse_datetime(row[at["occurred_at"]])
        except ValueProblem as problem:
            return issue("occurred_at", problem.message)
        try:
            amount = parse_amount(row[at["amount"]])
        except ValueProblem as problem:
            return issue("amount", problem.message)
        direction = self._layout.direction_of(row[at["direction"]])
        if direction is None:
            return issue(
                "direction", _("收/支的值无法识别。应为 收入、支出、不计收支、其他 或 /。")
            )

        status = text(row[at["status"]])
        succeeded, refunded = self._layout.outcome_of(status)
        if row[at["refunded"]]:
            try:
                refunded = parse_amount(row[at["refunded"]]) or None
            except ValueProblem as problem:
                return issue("refunded", problem.message)
        category = text(row[at["category"]])
        description = text(row[at["description"]])
        # Alipay also files refunds under the original category (餐饮美食, 商品说明 `退款-…`).
        refund = (
            category == "退款"
            or category.endswith("-退款")
            or description.startswith("退款-")
            or status == "退款成功"
        )
        if refund and direction == "expense":
            # A refund gives money back, so it must never count as spending.
            succeeded = False

        return BillRow(
            line=line,
            occurred_at=occurred_at,
            category=category,
            counterparty=text(row[at["counterparty"]]),
            description=description,
            direction=direction,
            amount=amount,
            method=text(row[at["method"]]),
            status=status,
            order_no=text(row[at["order_no"]]),
            merchant_order_no=text(row[at["merchant_order_no"]]),
            note=text(row[at["note"]]),
            succeeded=succeeded,
            refund=refund,
            refunded=refunded,
        )


def text(value: str) -> str:
    """Return a cleaned cell as stored, with the `/` that bills write for "empty" removed."""
    if value == "/":
        return ""
    return value if value.isprintable() else safe_text(value)
