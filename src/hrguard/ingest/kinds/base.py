"""The importer contract and the machinery shared by the canonical HR templates.

An import runs in two streaming passes over the file. Pass 1 (`Importer.validate`)
parses every row and records every problem without writing. Only when it found none,
pass 2 (`Importer.write`) parses the file again and writes it in chunks inside the
caller's transaction. Neither pass keeps the file's rows in a Python list. The natural
keys needed for the in-file duplicate check go to a temporary SQLite file.
"""

import datetime
import json
import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from hrguard.ingest import readers, values
from hrguard.ingest.base import QUOTED_LENGTH, RowIssue, shorten

if TYPE_CHECKING:
    from hrguard.ingest.bills.types import DeclaredTotals
    from hrguard.ingest.models import ImportBatch
    from hrguard.people.models import Employee

# Issues kept for the report and the batch; the rest are only counted.
MAX_KEPT_ISSUES = 1000
# Rows per bulk write. SQLite before 3.32 allows 999 parameters per statement, and a
# chunk's look-up query binds up to two per row.
CHUNK_SIZE = 400
# Rows searched for the header, so a title line or two above it is allowed.
HEADER_SEARCH_ROWS = 20
# The largest amount a DecimalField(max_digits=12, decimal_places=2) stores.
MAX_AMOUNT = Decimal("9999999999.99")
# The 工号 of a template's example row starts with this, so the row is never imported.
EXAMPLE_PREFIX = "示例-"

Cells = list[tuple[str, str]]
RecordT = TypeVar("RecordT")


@dataclass
class WriteCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, other: "WriteCounts") -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged


def file_issue(problem: Exception, file_name: str) -> RowIssue:
    """Return a file-level issue for a reader error, without repeating the file name.

    `RowIssue.describe` names the file itself, so a leading 文件「name」 in the reader's
    message is dropped.
    """
    message = str(problem)
    prefix = f"文件「{file_name}」"
    if message.startswith(prefix):
        message = message[len(prefix) :].lstrip("：:，, ")
    # A name further in, as in 无法识别文件「x」的账单格式, becomes 该文件.
    message = message.replace(prefix, _("该文件"))
    return RowIssue(message=message)


class IssueCollector:
    """Issues found in one file: the first MAX_KEPT_ISSUES with their row's cells, and counts."""

    def __init__(self, limit: int = MAX_KEPT_ISSUES) -> None:
        self.limit = limit
        self.kept: list[tuple[RowIssue, Cells | None]] = []
        self.total = 0
        self.rejected_rows = 0
        self._last_row: int | None = None

    def add(self, issue: RowIssue, cells: Cells | None = None) -> None:
        """Record one issue; rows are counted once however many issues they have.

        Issues of one row must be added together, because only consecutive issues
        with the same row number count as one rejected row.
        """
        self.total += 1
        if issue.row is not None and issue.row != self._last_row:
            self.rejected_rows += 1
            self._last_row = issue.row
        if len(self.kept) < self.limit:
            self.kept.append((issue, cells))

    def extend(self, other: "IssueCollector") -> None:
        """Add what another collector gathered, as if its issues had been added here.

        The other collector's rows must come after this one's last row.
        """
        rejected_rows = self.rejected_rows + other.rejected_rows
        for issue, cells in other.kept:
            self.add(issue, cells)
        self.total += other.total - len(other.kept)
        self.rejected_rows = rejected_rows
        self._last_row = other._last_row if other.total else self._last_row

    @property
    def issues(self) -> list[RowIssue]:
        return [issue for issue, _cells in self.kept]


class KeyLedger:
    """Natural keys of the valid rows seen in pass 1, in a temporary on-disk SQLite database.

    SQLite deletes the database file when the connection closes, so the duplicate
    check costs disk, not memory, however long the file is.
    """

    _FLUSH_EVERY = 5000

    def __init__(self) -> None:
        # An empty file name opens a private temporary on-disk database.
        self._db = sqlite3.connect("")
        self._db.execute("CREATE TABLE seen (key TEXT NOT NULL, row INTEGER NOT NULL, cells TEXT)")
        self._pending: list[tuple[str, int, str]] = []

    def add(self, key: Sequence[str], row: int, cells: Cells) -> None:
        self._pending.append(("\x1f".join(key), row, json.dumps(cells, ensure_ascii=False)))
        if len(self._pending) >= self._FLUSH_EVERY:
            self._flush()

    def duplicates(self) -> Iterator[tuple[int, int, Cells]]:
        """Yield (row, first row with the same key, cells) for every repeat, in row order."""
        self._flush()
        self._db.execute("CREATE INDEX seen_key ON seen (key)")
        cursor = self._db.execute(
            "SELECT s.row, f.first_row, s.cells FROM seen s"
            " JOIN (SELECT key, MIN(row) AS first_row FROM seen GROUP BY key HAVING COUNT(*) > 1) f"
            " ON s.key = f.key WHERE s.row > f.first_row ORDER BY s.row"
        )
        for row, first_row, cells in cursor:
            yield row, first_row, [tuple(pair) for pair in json.loads(cells)]

    def close(self) -> None:
        self._db.close()

    def _flush(self) -> None:
        if self._pending:
            self._db.executemany("INSERT INTO seen VALUES (?, ?, ?)", self._pending)
            self._pending = []


class Importer(ABC):
    """One kind of import file. Subclasses register themselves with `kinds.register`."""

    kind: ClassVar[str]
    label: ClassVar[str | Promise]
    # True when the file is one employee's own data and the caller names the employee.
    needs_employee: ClassVar[bool] = False
    # False when keeping the uploaded file would keep data the import drops (chat archives).
    keeps_original: ClassVar[bool] = True

    def __init__(self, *, path: Path, file_name: str, employee: "Employee | None" = None) -> None:
        self.path = path
        self.file_name = file_name
        self.employee = employee
        # Set by the caller: import a bill whose row count differs from the count it
        # states, with a warning instead of a rejection.
        self.accept_totals_mismatch = False
        # Set by the caller: the ids of the departments whose employees the importing
        # user may create or change; None for no limit (HR经理, the CLI's system operator).
        self.department_ids: set[int] | None = None
        # Set by the caller: a roster may create departments that do not exist yet.
        self.create_departments = False
        self.layout = ""
        self.rows_total = 0
        self.notes: list[str] = []
        # Differences that do not stop the import; kept on the batch and in the report.
        self.warnings: list[RowIssue] = []
        self.declared_totals: DeclaredTotals | None = None
        self.read_totals: dict[str, tuple[int, Decimal]] = {}

    @abstractmethod
    def validate(self, issues: IssueCollector) -> None:
        """Pass 1: read the whole file, count its rows and add every problem to `issues`."""

    def close(self) -> None:  # noqa: B027 - a hook; most importers keep nothing on disk
        """Delete what the passes kept on disk; called once the import is over."""

    @abstractmethod
    def write(self, *, batch: "ImportBatch | None", apply: bool) -> WriteCounts:
        """Pass 2: write a file that passed `validate`, or with apply=False only count.

        Runs inside the caller's transaction and may assume that the file is unchanged
        since `validate` found no issue.
        """


@dataclass(frozen=True)
class Column:
    """A template column: its canonical header and the other headers accepted for it."""

    name: str
    synonyms: tuple[str, ...] = ()
    required: bool = True

    @property
    def headers(self) -> tuple[str, ...]:
        return (self.name, *self.synonyms)


class RowContext:
    """One data row being parsed: its cells by column and the issues found so far.

    The parse helpers return None and record an issue when a value is invalid, so a
    row's parser can check every cell and report all its problems at once.
    """

    def __init__(
        self, row: int, cells: dict[str, str], headers: dict[str, str], raw: Cells
    ) -> None:
        self.row = row
        self.cells = cells
        self.headers = headers
        self.raw = raw
        self.issues: list[RowIssue] = []

    def get(self, column: str) -> str:
        return self.cells.get(column, "")

    def safe(self, column: str) -> str:
        """Return the cell as text to store: control characters dropped, formulas kept as text."""
        return values.safe_text(self.get(column))

    def problem(self, column: str, message: str) -> None:
        value = self.get(column)
        if len(value) > QUOTED_LENGTH:
            # Parse messages quote the value; a long one is cut as RowIssue.describe cuts it.
            message = message.replace(value, shorten(value))
        self.issues.append(
            RowIssue(
                message=message,
                row=self.row,
                column=self.headers.get(column, column),
                value=self.get(column),
            )
        )

    def text(self, column: str, *, required: bool = True, max_length: int = 100) -> str | None:
        value = self.safe(column)
        if not value:
            if required:
                self.problem(column, _("此列不能为空，请填写。"))
                return None
            return ""
        if len(value) > max_length:
            self.problem(
                column,
                _("内容过长：最多 %(max)d 个字，这里有 %(length)d 个字，请删减。")
                % {"max": max_length, "length": len(value)},
            )
            return None
        return value

    def date(self, column: str, *, required: bool = True) -> datetime.date | None:
        value = self.get(column)
        if not value:
            if required:
                self.problem(column, _("日期不能为空，请按 2026-03-01 的格式填写。"))
            return None
        try:
            return values.parse_date(value)
        except values.ValueProblem as problem:
            self.problem(column, str(problem))
            return None

    def month(self, column: str) -> datetime.date | None:
        value = self.get(column)
        if not value:
            self.problem(column, _("月份不能为空，请按 2026-03 的格式填写。"))
            return None
        try:
            return values.parse_month(value)
        except values.ValueProblem as problem:
            self.problem(column, str(problem))
            return None

    def amount(self, column: str, *, allow_zero: bool = True) -> Decimal | None:
        """Parse a non-negative yuan amount; `parse_amount` rejects signs and sub-fen digits."""
        value = self.get(column)
        if not value:
            self.problem(column, _("金额不能为空，请填写数字，例如 8000.00。"))
            return None
        try:
            amount = values.parse_amount(value)
        except values.ValueProblem as problem:
            self.problem(column, str(problem))
            return None
        if amount == 0 and not allow_zero:
            self.problem(column, _("金额「%(value)s」为 0，这里必须大于 0。") % {"value": value})
            return None
        if amount > MAX_AMOUNT:
            self.problem(column, _("金额过大，请检查是否多输了数字。"))
            return None
        return amount


class RosterIndex:
    """Employee numbers on the roster mapped to (employee id, name), loaded once per import.

    With `department_ids`, only the employees of those departments are loaded: to a
    scoped user every other employee is "not on the roster", as a page returns 404.
    """

    def __init__(self, department_ids: set[int] | None = None) -> None:
        from hrguard.people.models import Employee

        employees = Employee.objects.all()
        if department_ids is not None:
            employees = employees.filter(department_id__in=department_ids)
        self._by_no: dict[str, tuple[int, str]] = {
            employee_no: (pk, name)
            for pk, employee_no, name in employees.values_list(
                "pk", "employee_no", "name"
            ).iterator()
        }

    def resolve(
        self, ctx: RowContext, *, no_column: str = "工号", name_column: str = "姓名"
    ) -> int | None:
        """Return the employee id for the row's 工号, recording an issue when it is unknown."""
        employee_no = ctx.get(no_column)
        if not employee_no:
            ctx.problem(no_column, _("工号不能为空，请填写花名册中的工号。"))
            return None
        found = self._by_no.get(employee_no)
        if found is None:
            ctx.problem(
                no_column,
                _("花名册中没有工号 %(no)s。请核对工号，或先导入包含该员工的花名册。")
                % {"no": employee_no},
            )
            return None
        pk, name = found
        written_name = ctx.get(name_column)
        if written_name and written_name != name:
            # The roster name is not shown: an error message must not reveal a name.
            ctx.problem(
                name_column,
                _("姓名与工号 %(no)s 的花名册姓名不一致。请核对工号和姓名。") % {"no": employee_no},
            )
            return None
        return pk

    def employee_nos(self) -> list[str]:
        return list(self._by_no)


class TemplateImporter(Importer, Generic[RecordT]):
    """An importer for one of hrguard's canonical templates: one header row, one record per row."""

    columns: ClassVar[tuple[Column, ...]]
    # One filled-in row for the downloadable template, by canonical column name.
    example: ClassVar[dict[str, str]]
    # The canonical columns that make up the natural key, named in the duplicate message.
    key_columns: ClassVar[tuple[str, ...]]
    # The values a column accepts, listed on the template's instructions sheet.
    allowed_values: ClassVar[dict[str, tuple[str, ...]]] = {}

    @abstractmethod
    def parse(self, ctx: RowContext) -> RecordT | None:
        """Return the row's record, or None after adding issues to `ctx`."""

    @abstractmethod
    def natural_key(self, record: RecordT) -> tuple[str, ...]:
        """Return the key that identifies the record's row in the database."""

    @abstractmethod
    def write_chunk(
        self, records: list[RecordT], *, batch: "ImportBatch | None", apply: bool
    ) -> WriteCounts:
        """Create or update the records of one chunk, or with apply=False only count."""

    # The headers of the key columns as written in the file, for the duplicate message.
    _key_headers: dict[str, str] = {}

    @cached_property
    def roster(self) -> RosterIndex:
        """The employees the importing user may see, loaded on the first row."""
        return RosterIndex(self.department_ids)

    def duplicate_message(self, first_row: int, cells: Cells | None = None) -> str:
        """Say which row this one repeats, quoting the key columns and, from `cells`, their values."""
        columns = "、".join(self.key_columns)
        by_header = dict(cells or [])
        key_values = [
            by_header.get(self._key_headers.get(name, name), "") for name in self.key_columns
        ]
        if cells and any(key_values):
            return _(
                "%(columns)s「%(values)s」与第 %(first)d 行重复，同一记录只能出现一次。"
                "请删除或合并重复的行。"
            ) % {"columns": columns, "values": "、".join(key_values), "first": first_row}
        return _(
            "与第 %(first)d 行的%(columns)s重复，同一记录只能出现一次。请删除或合并重复的行。"
        ) % {
            "first": first_row,
            "columns": columns,
        }

    def validate(self, issues: IssueCollector) -> None:
        self.layout = self._file_format()
        ledger = KeyLedger()
        try:
            for ctx in self._iter_contexts(issues):
                self.rows_total += 1
                if ctx.get("工号").startswith(EXAMPLE_PREFIX):
                    issues.add(RowIssue(message=_example_row_message(), row=ctx.row), ctx.raw)
                    continue
                record = self.parse(ctx)
                self._key_headers = ctx.headers
                for issue in ctx.issues:
                    issues.add(issue, ctx.raw)
                if record is not None and not ctx.issues:
                    ledger.add(self.natural_key(record), ctx.row, ctx.raw)

            for row, first_row, cells in ledger.duplicates():
                issues.add(
                    RowIssue(message=self.duplicate_message(first_row, cells), row=row), cells
                )
        finally:
            ledger.close()

        if self.rows_total == 0 and issues.total == 0:
            issues.add(
                RowIssue(message=_("文件只有表头，没有数据行。请在表头下方填写数据后再导入。"))
            )

    def write(self, *, batch: "ImportBatch | None", apply: bool) -> WriteCounts:
        counts = WriteCounts()
        chunk: list[RecordT] = []
        for ctx in self._iter_contexts(IssueCollector()):
            record = self.parse(ctx)
            if record is None:
                raise RuntimeError(f"row {ctx.row} of {self.file_name} changed after validation")
            chunk.append(record)
            if len(chunk) >= CHUNK_SIZE:
                counts.add(self.write_chunk(chunk, batch=batch, apply=apply))
                chunk = []
        if chunk:
            counts.add(self.write_chunk(chunk, batch=batch, apply=apply))
        return counts

    def _file_format(self) -> str:
        """Return the layout shown for a template file: xlsx, xls or csv with its encoding."""
        with self.path.open("rb") as stream:
            file_format = readers.sniff_format(stream.read(len(readers.XLS_MAGIC)))
        if file_format != "text":
            return file_format
        try:
            return f"csv-{readers.detect_encoding(self.path, file_name=self.file_name)}"
        except readers.UnreadableFile:
            # Pass 1 reports the same problem as a file-level issue.
            return "csv"

    def _iter_contexts(self, issues: IssueCollector) -> Iterator[RowContext]:
        """Yield each non-blank data row; a file-level problem goes to `issues` and ends the file."""
        rows = _LastRowMemo(readers.iter_rows(self.path, file_name=self.file_name))
        try:
            try:
                _header_row, mapping = readers.find_header(
                    rows,
                    required={column.name for column in self.columns if column.required},
                    synonyms={
                        synonym: column.name
                        for column in self.columns
                        for synonym in column.synonyms
                    },
                    optional={column.name for column in self.columns if not column.required},
                    max_rows=HEADER_SEARCH_ROWS,
                )
            except readers.HeaderProblem as problem:
                issues.add(problem.issue)
                return
            raw_headers = rows.last_cells
            by_column = {
                column.name: mapping[column.name]
                for column in self.columns
                if column.name in mapping
            }
            headers = {column: raw_headers[index] for column, index in by_column.items()}
            for row_number, cells in rows:
                by_name = {
                    column: cells[index] if index < len(cells) else ""
                    for column, index in by_column.items()
                }
                raw = [
                    (raw_headers[index] if index < len(raw_headers) else "", value)
                    for index, value in enumerate(cells)
                ]
                yield RowContext(row_number, by_name, headers, raw)
        except readers.UnreadableFile as problem:
            issues.add(file_issue(problem, self.file_name))


def _example_row_message() -> str:
    return _(
        "这是导入模板自带的示例行（工号以「%(prefix)s」开头），不会导入。请删除这一行后重新导入。"
    ) % {"prefix": EXAMPLE_PREFIX}


class _LastRowMemo:
    """An iterator over rows that remembers the cells of the row it yielded last."""

    def __init__(self, rows: Iterator[tuple[int, list[str]]]) -> None:
        self._rows = rows
        self.last_cells: list[str] = []

    def __iter__(self) -> "_LastRowMemo":
        return self

    def __next__(self) -> tuple[int, list[str]]:
        row_number, cells = next(self._rows)
        self.last_cells = cells
        return row_number, cells


def upsert_chunk(
    model: type[models.Model],
    rows: list[dict[str, Any]],
    *,
    key_fields: tuple[str, ...],
    batch: "ImportBatch | None",
    apply: bool,
) -> WriteCounts:
    """Create the rows whose key is new and update those whose other fields changed.

    Each row maps model field names to values and contains every key field. One query
    loads the existing objects of the chunk, so `rows` should be one chunk.
    """
    lookup = {f"{name}__in": {row[name] for row in rows} for name in key_fields}
    existing = {
        tuple(getattr(obj, name) for name in key_fields): obj
        for obj in model._default_manager.filter(**lookup)
    }
    value_fields = [name for name in rows[0] if name not in key_fields] if rows else []
    counts = WriteCounts()
    to_create: list[models.Model] = []
    to_update: list[models.Model] = []
    for row in rows:
        current = existing.get(tuple(row[name] for name in key_fields))
        if current is None:
            to_create.append(model(**row, batch=batch))
        elif all(getattr(current, name) == row[name] for name in value_fields):
            counts.unchanged += 1
        else:
            for name in value_fields:
                setattr(current, name, row[name])
            current.batch = batch  # type: ignore[attr-defined]
            to_update.append(current)

    counts.created = len(to_create)
    counts.updated = len(to_update)
    if apply:
        model._default_manager.bulk_create(to_create)
        model._default_manager.bulk_update(to_update, [*value_fields, "batch"])
    return counts
