"""支付记录 (payments): one employee's own Alipay or WeChat Pay bill export.

Payment records are sensitive personal information, so a bill is imported only for an
employee whose 支付记录 consent is in force on the day of the import.
"""

import logging
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import nullcontext
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hrguard.ingest import readers
from hrguard.ingest.base import RowIssue
from hrguard.ingest.bills import Bill, BillLayoutUnknown, BillRow, DeclaredTotals, fast, read_bill
from hrguard.ingest.bills.owner import owner_issues
from hrguard.ingest.bills.totals import Tally, check_totals, tally_rows
from hrguard.ingest.bills.types import DIRECTIONS, Direction
from hrguard.ingest.kinds import register
from hrguard.ingest.kinds.base import (
    CHUNK_SIZE,
    Cells,
    Importer,
    IssueCollector,
    KeyLedger,
    WriteCounts,
    file_issue,
)
from hrguard.ingest.values import SHANGHAI
from hrguard.payments.models import PaymentTransaction
from hrguard.privacy.models import Consent, DataCategory

if TYPE_CHECKING:
    from hrguard.ingest.models import ImportBatch
    from hrguard.people.models import Employee

logger = logging.getLogger(__name__)

# CSV bills from this size on are read with polars (`bills.fast`); smaller ones row by
# row. Setting HRGUARD_FAST_IMPORT_MIN_BYTES overrides it; tests set 0 to force it.
FAST_PATH_MIN_BYTES = 1 << 20
# Rows per look-up of existing order numbers when an employee already has payments.
LOOKUP_ROWS = 5000

# The model fields an import compares and overwrites when an order is seen again,
# for example when 等待确认收货 became 交易成功 in a later export.
UPDATED_FIELDS = [
    "occurred_at",
    "category",
    "counterparty",
    "description",
    "direction",
    "amount",
    "method",
    "status",
    "merchant_order_no",
    "note",
    "succeeded",
]
# Model field lengths: an overlong export value is truncated instead of failing the insert.
_MAX_LENGTHS = {
    field: getattr(PaymentTransaction._meta.get_field(field), "max_length", None)
    for field in [
        "category",
        "counterparty",
        "description",
        "method",
        "status",
        "merchant_order_no",
        "note",
    ]
}


@register
class PaymentsImporter(Importer):
    kind = "payments"
    label = gettext_lazy("支付记录")
    needs_employee = True

    def __init__(self, *, path: Path, file_name: str, employee: "Employee | None" = None) -> None:
        super().__init__(path=path, file_name=file_name, employee=employee)
        self._bill: Bill | None = None
        # Set when pass 1 read the bill with polars: its batches, data lines and the
        # lines left to the row parser, kept for pass 2 until `close`.
        self._fast = False
        self._cache: Path | None = None
        self._fast_lines: tuple[fast.DataLines, list[int]] | None = None

    def validate(self, issues: IssueCollector) -> None:
        if self.employee is None:
            raise ValueError("a payments import needs the employee the bill belongs to")
        today = timezone.localdate()
        consented = (
            Consent.objects.in_force_on(today)
            .filter(employee=self.employee, category=DataCategory.PAYMENTS)
            .exists()
        )
        if not consented:
            issues.add(
                RowIssue(
                    message=_(
                        "员工 %(no)s 没有在 %(day)s 有效的「支付记录」单独同意，不能导入其账单。"
                        "请先取得员工的书面同意并导入个人信息授权。"
                    )
                    % {"no": self.employee.employee_no, "day": today.isoformat()}
                )
            )
            return

        try:
            bill = read_bill(self.path, file_name=self.file_name)
            self._bill = bill
            self.layout = bill.layout
            rejections, warnings = owner_issues(
                bill.preamble, employee_no=self.employee.employee_no, roster_name=self.employee.name
            )
            self.warnings.extend(warnings)
            if rejections:
                for issue in rejections:
                    issues.add(issue)
                return
            self._fast = self._use_fast_path(bill) and self._validate_fast(bill, issues)
            if not self._fast:
                self._validate_rows(bill, issues)
        except (readers.UnreadableFile, BillLayoutUnknown) as problem:
            issues.add(file_issue(problem, self.file_name))
        if self.rows_total == 0 and issues.total == 0:
            issues.add(
                RowIssue(message=_("账单中没有交易记录。请确认导出时选择了正确的时间范围。"))
            )

    def _validate_rows(self, bill: Bill, issues: IssueCollector) -> None:
        ledger = KeyLedger()
        try:
            tallies = tally_rows(self._valid_rows(bill.rows(), issues, ledger))
            self._check_totals(bill.declared, tallies, issues)
            for row, first_row, cells in ledger.duplicates():
                issues.add(
                    RowIssue(message=_duplicate_message(first_row), row=row),
                    cells,
                )
        finally:
            ledger.close()

    def _validate_fast(self, bill: Bill, issues: IssueCollector) -> bool:
        """Validate with polars; return False, having reported nothing, when it cannot."""
        found = IssueCollector(limit=issues.limit)
        tallies = {direction: Tally() for direction in DIRECTIONS}
        rows_total = 0
        keys: list[pl.DataFrame] = []
        # Pass 2 writes from the batches kept here as Parquet instead of parsing again.
        _work_dir().mkdir(parents=True, exist_ok=True)
        cache = Path(tempfile.mkdtemp(dir=_work_dir(), prefix="bill-"))
        self._cache = cache
        try:
            with nullcontext(fast.copy_data_lines(bill, cache / "data.csv")) as lines:
                others: list[int] = []
                for number, batch in enumerate(fast.read_batches(bill, lines)):
                    batch.plain.write_parquet(cache / f"{number:06d}.parquet", compression="lz4")
                    rows_total += batch.non_blank
                    others.extend(batch.other_lines)
                    sums = batch.plain.group_by("direction").agg(pl.len(), pl.col("fen").sum())
                    for direction, count, fen in sums.iter_rows():
                        tallies[direction].count += count
                        tallies[direction].amount += Decimal(fen).scaleb(-2)
                    keys.append(batch.plain.select("order_no", "line"))
                parsed: list[tuple[str, int]] = []
                for line, cells in fast.other_cells(lines, others):
                    item = bill.parse_cells(line, cells)
                    if isinstance(item, RowIssue):
                        found.add(item)
                        continue
                    parsed.append((item.order_no, item.line))
                    tallies[item.direction].count += 1
                    tallies[item.direction].amount += item.amount
                declared = bill.declared_with_trailer(lines.trailer)
        except fast.FastPathUnavailable as reason:
            logger.info("bill read row by row: %s", reason)
            self.close()
            return False
        keys.append(
            pl.DataFrame(parsed, schema={"order_no": pl.String, "line": pl.Int64}, orient="row")
        )
        if pl.concat(keys)["order_no"].is_duplicated().any():
            # Repeated order numbers are reported with their rows' cells by the row path.
            logger.info("bill read row by row: repeated order numbers")
            self.close()
            return False
        logger.info("bill read with polars: %d rows, %d by the row parser", rows_total, len(others))
        self.rows_total = rows_total
        self._fast_lines = (lines, others)
        issues.extend(found)
        self._check_totals(declared, tallies, issues)
        return True

    def close(self) -> None:
        """Delete the batches and data lines that pass 1 of the fast path kept for pass 2."""
        if self._cache is not None:
            shutil.rmtree(self._cache, ignore_errors=True)
            self._cache = None

    def _check_totals(
        self,
        declared: DeclaredTotals | None,
        tallies: dict[Direction, Tally],
        issues: IssueCollector,
    ) -> None:
        self.declared_totals = declared
        self.read_totals = {
            direction: (tally.count, tally.amount) for direction, tally in tallies.items()
        }
        check = check_totals(declared, tallies, accept_count_mismatch=self.accept_totals_mismatch)
        for issue in check.rejections:
            issues.add(issue)
        self.warnings.extend(check.warnings)

    def _use_fast_path(self, bill: Bill) -> bool:
        threshold = getattr(settings, "HRGUARD_FAST_IMPORT_MIN_BYTES", FAST_PATH_MIN_BYTES)
        return fast.fast_path_applies(bill) and self.path.stat().st_size >= threshold

    def _valid_rows(
        self, rows: Iterator[BillRow | RowIssue], issues: IssueCollector, ledger: KeyLedger
    ) -> Iterator[BillRow]:
        """Count rows, record row issues and order numbers, and pass the parsed rows on."""
        for item in rows:
            if isinstance(item, RowIssue):
                self.rows_total += 1
                issues.add(item)
                continue
            self.rows_total += 1
            ledger.add((item.order_no,), item.line, _cells(item))
            yield item

    def write(self, *, batch: "ImportBatch | None", apply: bool) -> WriteCounts:
        if self._fast and self._bill is not None:
            return self._write_fast(self._bill, batch=batch, apply=apply)
        bill = read_bill(self.path, file_name=self.file_name)
        counts = WriteCounts()
        chunk: list[BillRow] = []
        for item in bill.rows():
            if isinstance(item, RowIssue):
                raise RuntimeError(f"row {item.row} of {self.file_name} changed after validation")
            chunk.append(item)
            if len(chunk) >= CHUNK_SIZE:
                counts.add(self._write_chunk(chunk, source=bill.source, batch=batch, apply=apply))
                chunk = []
        if chunk:
            counts.add(self._write_chunk(chunk, source=bill.source, batch=batch, apply=apply))
        return counts

    def _write_fast(self, bill: Bill, *, batch: "ImportBatch | None", apply: bool) -> WriteCounts:
        if self._cache is None or self._fast_lines is None:
            raise RuntimeError("the fast path writes only after its validation")
        lines, others = self._fast_lines
        counts = WriteCounts()
        fresh = not PaymentTransaction.objects.filter(
            employee=self.employee, source=bill.source
        ).exists()
        for part in sorted(self._cache.glob("*.parquet")):
            plain = pl.read_parquet(part)
            slices = [plain] if fresh else plain.iter_slices(LOOKUP_ROWS)
            for rows in slices:
                counts.add(
                    self._write_plain(
                        rows, source=bill.source, batch=batch, apply=apply, fresh=fresh
                    )
                )
        chunk: list[BillRow] = []
        for line, cells in fast.other_cells(lines, others):
            item = bill.parse_cells(line, cells)
            if isinstance(item, RowIssue):
                raise RuntimeError(f"row {line} of {self.file_name} changed after validation")
            chunk.append(item)
            if len(chunk) >= CHUNK_SIZE:
                counts.add(self._write_chunk(chunk, source=bill.source, batch=batch, apply=apply))
                chunk = []
        if chunk:
            counts.add(self._write_chunk(chunk, source=bill.source, batch=batch, apply=apply))
        return counts

    def _write_plain(
        self,
        rows: pl.DataFrame,
        *,
        source: str,
        batch: "ImportBatch | None",
        apply: bool,
        fresh: bool,
    ) -> WriteCounts:
        """Insert the normalised rows whose order is new; compare the others row by row."""
        # TODO: compare the rows that already exist in polars too; a re-import of a large
        # bill still builds one BillRow and one model object per existing row.
        counts = WriteCounts()
        if not fresh:
            existing = set(
                PaymentTransaction.objects.filter(
                    employee=self.employee, source=source, order_no__in=rows["order_no"].to_list()
                ).values_list("order_no", flat=True)
            )
            if existing:
                known = rows.filter(pl.col("order_no").is_in(list(existing)))
                rows = rows.filter(~pl.col("order_no").is_in(list(existing)))
                counts.add(
                    self._write_chunk(
                        [_bill_row(row) for row in known.iter_rows(named=True)],
                        source=source,
                        batch=batch,
                        apply=apply,
                    )
                )
        counts.created += rows.height
        if apply and rows.height:
            if self.employee is None or batch is None:
                raise ValueError("writing a bill needs its employee and batch")
            _insert_rows(rows, employee_id=self.employee.pk, source=source, batch_id=batch.pk)
        return counts

    def _write_chunk(
        self, rows: list[BillRow], *, source: str, batch: "ImportBatch | None", apply: bool
    ) -> WriteCounts:
        existing = {
            payment.order_no: payment
            for payment in PaymentTransaction.objects.filter(
                employee=self.employee, source=source, order_no__in=[row.order_no for row in rows]
            )
        }
        counts = WriteCounts()
        to_create: list[PaymentTransaction] = []
        to_update: list[PaymentTransaction] = []
        for row in rows:
            fields = _model_fields(row)
            current = existing.get(row.order_no)
            if current is None:
                to_create.append(
                    PaymentTransaction(
                        employee=self.employee,
                        source=source,
                        order_no=row.order_no,
                        batch=batch,
                        **fields,
                    )
                )
            elif all(getattr(current, name) == value for name, value in fields.items()):
                counts.unchanged += 1
            else:
                for name, value in fields.items():
                    setattr(current, name, value)
                current.batch = batch
                to_update.append(current)
        counts.created += len(to_create)
        counts.updated += len(to_update)
        if apply:
            PaymentTransaction.objects.bulk_create(to_create)
            PaymentTransaction.objects.bulk_update(to_update, [*UPDATED_FIELDS, "batch"])
        return counts


def _duplicate_message(first_row: int) -> str:
    return _("交易订单号与第 %(first)d 行重复。同一笔交易只能出现一次，请重新导出原始账单。") % {
        "first": first_row
    }


def _work_dir() -> Path:
    return Path(settings.HRGUARD_HOME) / "tmp"


_INSERT_COLUMNS = [
    "employee_id",
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
    "batch_id",
]


def _insert_rows(rows: pl.DataFrame, *, employee_id: int, source: str, batch_id: int) -> None:
    """Insert normalised bill rows as Django would store them: COPY on PostgreSQL."""
    postgres = connection.vendor == "postgresql"
    # The plain rows are from 1992 on, when Shanghai time is UTC+8 all year.
    utc = pl.col("occurred_at") - pl.duration(hours=8)
    fen = pl.col("fen")
    frame = rows.select(
        pl.lit(employee_id).alias("employee_id"),
        pl.lit(source).alias("source"),
        (utc.dt.strftime("%Y-%m-%d %H:%M:%S") + ("+00:00" if postgres else "")).alias(
            "occurred_at"
        ),
        *(_stored_text(name) for name in ["category", "counterparty", "description"]),
        pl.col("direction"),
        ((fen // 100).cast(pl.String) + "." + (fen % 100).cast(pl.String).str.zfill(2)).alias(
            "amount"
        ),
        *(
            _stored_text(name)
            for name in ["method", "status", "order_no", "merchant_order_no", "note"]
        ),
        (pl.col("succeeded") & ~pl.col("refund")).alias("succeeded"),
        pl.lit(batch_id).alias("batch_id"),
    )
    table = connection.ops.quote_name(PaymentTransaction._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(name) for name in _INSERT_COLUMNS)
    with connection.cursor() as cursor:
        if postgres:
            # Every field quoted, so an empty text is "" and never NULL.
            data = frame.write_csv(include_header=False, quote_style="always")
            with cursor.cursor.copy(
                f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)"
            ) as copy:
                copy.write(data.encode())
        else:
            marks = ", ".join(["%s"] * len(_INSERT_COLUMNS))
            cursor.executemany(
                # Table and column names come from the model, never from the file.
                f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608
                list(frame.iter_rows()),
            )


def _stored_text(name: str) -> pl.Expr:
    max_length = _MAX_LENGTHS.get(name)
    return pl.col(name).str.slice(0, max_length) if max_length else pl.col(name)


def _bill_row(row: dict[str, Any]) -> BillRow:
    """Return a normalised row of the fast path as the BillRow the row path makes."""
    return BillRow(
        line=row["line"],
        occurred_at=row["occurred_at"].replace(tzinfo=SHANGHAI),
        category=row["category"],
        counterparty=row["counterparty"],
        description=row["description"],
        direction=row["direction"],
        amount=Decimal(row["fen"]).scaleb(-2),
        method=row["method"],
        status=row["status"],
        order_no=row["order_no"],
        merchant_order_no=row["merchant_order_no"],
        note=row["note"],
        succeeded=row["succeeded"],
        refund=row["refund"],
    )


def _model_fields(row: BillRow) -> dict[str, object]:
    fields: dict[str, object] = {
        "occurred_at": row.occurred_at,
        "direction": row.direction,
        "amount": row.amount,
        # A refund row returns money, so it never counts as spending.
        "succeeded": row.succeeded and not row.refund,
    }
    for name, max_length in _MAX_LENGTHS.items():
        fields[name] = getattr(row, name)[:max_length]
    return fields


def _cells(row: BillRow) -> Cells:
    return [
        ("交易时间", row.occurred_at.isoformat(sep=" ")),
        ("交易分类", row.category),
        ("交易对方", row.counterparty),
        ("商品说明", row.description),
        ("收/支", str(PaymentTransaction.Direction(row.direction).label)),
        ("金额", str(row.amount)),
        ("收/付款方式", row.method),
        ("交易状态", row.status),
        ("交易订单号", row.order_no),
        ("商家订单号", row.merchant_order_no),
        ("备注", row.note),
    ]
