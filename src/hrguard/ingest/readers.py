"""Read CSV, xlsx and xls files as streams of cleaned text rows.

The format is chosen by content, never by file extension, and text files are decoded as
UTF-8 (with or without BOM) or GB18030, the superset of GBK that Alipay and Chinese
Windows write. Every cell comes out as a cleaned `str`, so order numbers and IDs never
turn into floats; typed parsing is left to `hrguard.ingest.values`.
"""

import codecs
import csv
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from django.conf import settings
from django.utils.translation import gettext as _

from hrguard.core.errors import HrguardError, ValidationFailed
from hrguard.ingest.base import RowIssue
from hrguard.ingest.values import EXCEL_EPOCH, clean_cell

FileFormat = Literal["xlsx", "xls", "text"]
Row = tuple[int, list[str]]

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
CHUNK_SIZE = 1 << 18
# How much of the head is checked for NUL bytes, the mark of UTF-16 or binary data.
HEAD_SIZE = 8192

# Built-in number formats that are dates or times (ECMA-376 Part 1, 18.8.30). Ids 27-36
# and 50-58 are the CJK locale formats such as 31 = yyyy"年"m"月"d"日"; openpyxl 3.1
# does not know them, reports "General" and returns the bare serial number.
DATE_FORMAT_IDS = frozenset([*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)])
# Largest serial Excel accepts: 9999-12-31.
EXCEL_SERIAL_LIMIT = 2958465
# Zip bomb limits for xlsx, estimates: a 200,000-row sheet of ten columns is about
# 100 MB of XML, and real workbooks deflate about 5-30 to 1. The ratio applies only
# above XLSX_DENSE_FROM_BYTES, so a small sheet of repeated values is never rejected.
XLSX_MAX_UNCOMPRESSED_BYTES = 1024 * 1024 * 1024
XLSX_DENSE_FROM_BYTES = 50 * 1024 * 1024
XLSX_MAX_RATIO = 100
# Default row limits per file; openpyxl reads spreadsheets far slower than csv reads text.
DEFAULT_MAX_ROWS_TEXT = 2_000_000
DEFAULT_MAX_ROWS_SHEET = 200_000


class UnreadableFile(HrguardError):
    code = "unreadable_file"


class HeaderProblem(ValidationFailed):
    """The header row is missing, incomplete or has a column twice, as described by `issue`."""

    code = "header_problem"

    def __init__(self, issue: RowIssue) -> None:
        self.issue = issue
        super().__init__(issue.message)


def sniff_format(head: bytes) -> FileFormat:
    """Tell the file format from its first bytes: xlsx is a zip, xls an OLE2 container."""
    if head.startswith(XLSX_MAGIC):
        return "xlsx"
    if head.startswith(XLS_MAGIC):
        return "xls"
    return "text"


def detect_encoding(path: Path, *, file_name: str | None = None) -> str:
    """Return `utf-8-sig`, `utf-8` or `gb18030`: the first that decodes the whole file.

    The file is decoded in 256 KiB chunks with an incremental decoder, so memory stays flat
    and a multi-byte character split across two chunks is still read correctly.
    """
    name = file_name or path.name
    with path.open("rb") as stream:
        head = stream.read(HEAD_SIZE)
    if not head:
        raise UnreadableFile(_("文件「%(file)s」是空的。请重新导出后再导入。"), file=name)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in head:
        raise UnreadableFile(
            _(
                "文件「%(file)s」不是 UTF-8 或 GBK 编码的文本（可能是 UTF-16 或二进制文件）。"
                "请在 Excel 或 WPS 中另存为“CSV UTF-8”或 xlsx 后重新导入。"
            ),
            file=name,
        )
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"

    for encoding in ("utf-8", "gb18030"):
        if _decodes_whole_file(path, encoding):
            return encoding
    raise UnreadableFile(
        _(
            "文件「%(file)s」既不是 UTF-8 也不是 GBK/GB18030 编码，无法读取。"
            "请在 Excel 或 WPS 中另存为“CSV UTF-8”或 xlsx 后重新导入。"
        ),
        file=name,
    )


def _decodes_whole_file(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    with path.open("rb") as stream:
        try:
            while chunk := stream.read(CHUNK_SIZE):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def sniff_file(path: Path, *, file_name: str | None = None) -> FileFormat:
    """Return the format of a file from its content; raise UnreadableFile when it is empty."""
    with path.open("rb") as stream:
        head = stream.read(len(XLS_MAGIC))
    if not head:
        raise UnreadableFile(
            _("文件「%(file)s」是空的。请重新导出后再导入。"), file=file_name or path.name
        )
    return sniff_format(head)


def max_rows(file_format: FileFormat) -> int:
    """Return the maximum rows of a file: HRGUARD_IMPORT_MAX_ROWS (CSV) or ..._MAX_ROWS_XLSX."""
    if file_format == "text":
        return int(getattr(settings, "HRGUARD_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS_TEXT))
    return int(getattr(settings, "HRGUARD_IMPORT_MAX_ROWS_XLSX", DEFAULT_MAX_ROWS_SHEET))


def too_many_rows(name: str, limit: int) -> UnreadableFile:
    return UnreadableFile(
        _(
            "文件「%(file)s」超过 %(limit)d 行，超出了单个文件的导入上限。请拆分成多个文件后分别导入。"
        ),
        file=name,
        limit=limit,
    )


def iter_rows(
    path: Path,
    *,
    sheet: str | None = None,
    file_name: str | None = None,
    encoding: str | None = None,
) -> Iterator[Row]:
    """Yield `(row_number, cells)` for each non-blank row of a CSV, xlsx or xls file.

    `row_number` is the 1-based line (CSV) or row (spreadsheet) an editor or Excel
    shows. Rows whose cells are all empty are skipped. `sheet` picks a
    worksheet by name; by default the active sheet (xlsx) or the first sheet (xls).
    `encoding` skips `detect_encoding` for a text file read more than once.
    Raises UnreadableFile for an empty, undecodable or broken file, and as soon as the
    file has more rows than `max_rows` allows for its format.
    """
    name = file_name or path.name
    file_format = sniff_file(path, file_name=name)
    limit = max_rows(file_format)
    if file_format == "xlsx":
        rows = _iter_xlsx(path, sheet=sheet, name=name, limit=limit)
    elif file_format == "xls":
        rows = _iter_xls(path, sheet=sheet, name=name)
    else:
        encoding = encoding or detect_encoding(path, file_name=name)
        rows = _iter_csv(path, encoding=encoding, name=name)
    for row_number, cells in rows:
        if row_number > limit:
            raise too_many_rows(name, limit)
        if any(cells):
            yield row_number, cells


def _iter_csv(path: Path, *, encoding: str, name: str) -> Iterator[Row]:
    # The default dialect is tolerant: a bare " inside an unquoted field is kept as text.
    with path.open(encoding=encoding, newline="") as stream:
        reader = csv.reader(stream)
        first_line = 1
        try:
            for record in reader:
                yield first_line, [clean_cell(cell) for cell in record]
                first_line = reader.line_num + 1
        except csv.Error as error:
            raise UnreadableFile(
                _(
                    "文件「%(file)s」第 %(row)d 行附近的 CSV 格式有误（%(error)s）。请检查引号是否成对。"
                ),
                file=name,
                row=first_line,
                error=str(error),
            ) from error


def _check_zip_expansion(path: Path, *, name: str) -> None:
    """Raise UnreadableFile for an xlsx whose parts expand far beyond a real workbook (a zip bomb).

    The sizes come from the zip directory, and Python's zipfile stops reading a
    part at its declared size, so a part cannot expand past what is checked here.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        return  # load_workbook reports the broken file with its own message.
    compressed = sum(entry.compress_size for entry in entries)
    uncompressed = sum(entry.file_size for entry in entries)
    expands_far = uncompressed > XLSX_MAX_RATIO * max(compressed, 1)
    too_dense = uncompressed > XLSX_DENSE_FROM_BYTES and expands_far
    if uncompressed > XLSX_MAX_UNCOMPRESSED_BYTES or too_dense:
        raise UnreadableFile(
            _(
                "文件「%(file)s」解压后有 %(size)d 字节，远超正常的 xlsx 文件，可能是压缩炸弹，已拒绝。"
            ),
            file=name,
            size=uncompressed,
        )


def _iter_xlsx(path: Path, *, sheet: str | None, name: str, limit: int) -> Iterator[Row]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    _check_zip_expansion(path, name=name)
    # A file object, because openpyxl rejects a path whose extension is not .xlsx.
    stream = path.open("rb")
    try:
        workbook = openpyxl.load_workbook(stream, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as error:
        stream.close()
        raise UnreadableFile(
            _(
                "文件「%(file)s」不是有效的 xlsx 文件（可能是加密的压缩包或已损坏）。"
                "请先解压，再用 Excel 或 WPS 打开并另存为 xlsx。"
            ),
            file=name,
        ) from error
    try:
        worksheet = _pick_sheet(workbook, sheet=sheet, name=name)
        # A sheet that declares more rows than allowed is rejected before it is read, so
        # a small file of millions of empty-looking rows costs no time.
        declared = worksheet.max_row if worksheet.max_row is not None else 0
        if declared > limit:
            raise too_many_rows(name, limit)
        # Exports often carry a wrong <dimension>, which read-only mode would trust.
        worksheet.reset_dimensions()
        for row_number, cells in enumerate(worksheet.iter_rows(), start=1):
            yield row_number, [_xlsx_cell_text(cell) for cell in cells]
    finally:
        workbook.close()
        stream.close()


def _pick_sheet(workbook: Any, *, sheet: str | None, name: str) -> Any:
    if sheet is None:
        return workbook.active or workbook.worksheets[0]
    if sheet not in workbook.sheetnames:
        raise UnreadableFile(
            _("文件「%(file)s」中没有名为「%(sheet)s」的工作表。现有工作表：%(sheets)s。"),
            file=name,
            sheet=sheet,
            sheets="、".join(workbook.sheetnames),
        )
    return workbook[sheet]


def _xlsx_cell_text(cell: Any) -> str:
    value = cell.value
    if isinstance(value, int | float) and not isinstance(value, bool):
        style = getattr(cell, "style_array", None)
        if style is not None and style.numFmtId in DATE_FORMAT_IDS:
            return _serial_text(value)
    return cell_text(value)


def _serial_text(serial: float) -> str:
    """Render an Excel serial as ISO time, date or date-time text."""
    if not 0 <= serial <= EXCEL_SERIAL_LIMIT:
        return cell_text(serial)
    moment = datetime.combine(EXCEL_EPOCH, time()) + timedelta(days=serial)
    moment = (moment + timedelta(milliseconds=500)).replace(microsecond=0)
    if serial < 1:
        return moment.time().isoformat()
    return cell_text(moment)


def cell_text(value: Any) -> str:
    """Render one spreadsheet value as the text a person would type for it.

    Integers, integral floats included, have no `.0`. Floats keep at most 15 significant
    digits, as Excel shows them. Dates and date-times become ISO text, and a midnight
    time is left out.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float_text(value)
    if isinstance(value, datetime):
        if value.time() == time():
            return value.date().isoformat()
        return value.replace(microsecond=0).isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return _float_text(value.total_seconds() / 86400)
    return clean_cell(str(value))


def _float_text(value: float) -> str:
    if value.is_integer():
        return str(int(value))
    text = format(value, ".15g")
    if "e" in text:
        text = format(Decimal(text), "f")
    return text


def _iter_xls(path: Path, *, sheet: str | None, name: str) -> Iterator[Row]:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        names = workbook.sheet_names
        if sheet is not None and sheet not in names:
            raise UnreadableFile(
                _("文件「%(file)s」中没有名为「%(sheet)s」的工作表。现有工作表：%(sheets)s。"),
                file=name,
                sheet=sheet,
                sheets="、".join(names),
            )
        worksheet = workbook.get_sheet_by_name(sheet) if sheet else workbook.get_sheet_by_index(0)
    except CalamineError as error:
        raise UnreadableFile(
            _(
                "文件「%(file)s」不是有效的 xls 文件（可能设置了打开密码或已损坏）。"
                "请去掉密码，用 Excel 或 WPS 另存为 xlsx 后重新导入。"
            ),
            file=name,
        ) from error

    # calamine starts at the first used row; `start` is its 0-based position.
    first_row = worksheet.start[0] + 1 if worksheet.start else 1
    for offset, values in enumerate(worksheet.iter_rows()):
        yield first_row + offset, [cell_text(value) for value in values]


def normalize_header(text: str) -> str:
    """Normalise a header cell the way `find_header` compares it."""
    return clean_cell(text).lstrip("\ufeff")


def find_header(
    rows: Iterable[Row],
    required: set[str],
    synonyms: dict[str, str],
    *,
    optional: Iterable[str] = (),
    max_rows: int = 60,
) -> tuple[int, dict[str, int]]:
    """Find the header row by its content and map each column name to its index.

    A cell counts as column `synonyms.get(cell, cell)` after normalising both with
    `normalize_header`. The header is the first row, among the first `max_rows`
    non-blank rows, that contains every `required` name. Pass an iterator to keep reading
    data rows from it afterwards: this consumes the rows up to and including the header.

    The mapping has every non-empty header cell (first occurrence). Raises HeaderProblem
    when no row has all required columns, or when a required, optional or synonym
    column appears twice.
    """
    aliases = {normalize_header(alias): normalize_header(name) for alias, name in synonyms.items()}
    required_names = {normalize_header(name) for name in required}
    known = required_names | set(aliases.values()) | {normalize_header(name) for name in optional}

    best: tuple[int, list[str], int] | None = None
    for seen, (row_number, cells) in enumerate(rows, start=1):
        names = [aliases.get(normalize_header(cell), normalize_header(cell)) for cell in cells]
        present = required_names.intersection(names)
        if present == required_names:
            return row_number, _header_mapping(row_number, cells, names, known)
        if best is None or len(present) > best[2]:
            best = (row_number, cells, len(present))
        if seen >= max_rows:
            break

    raise HeaderProblem(_missing_columns_issue(required_names, aliases, best))


def _header_mapping(
    row_number: int, cells: list[str], names: list[str], known: set[str]
) -> dict[str, int]:
    mapping: dict[str, int] = {}
    for index, name in enumerate(names):
        if not name:
            continue
        if name in mapping and name in known:
            raise HeaderProblem(
                RowIssue(
                    _(
                        "第 %(first)d 列和第 %(second)d 列都是「%(column)s」。"
                        "请删除重复的一列或改名后重新导入。本行的列：%(found)s。"
                    )
                    % {
                        "first": mapping[name] + 1,
                        "second": index + 1,
                        "column": name,
                        "found": _list_columns(cells),
                    },
                    row=row_number,
                )
            )
        mapping.setdefault(name, index)
    return mapping


def _missing_columns_issue(
    required: set[str], aliases: dict[str, str], best: tuple[int, list[str], int] | None
) -> RowIssue:
    if best is None:
        return RowIssue(_("文件中没有任何数据行。请确认选择了正确的文件和工作表。"))
    row_number, cells, _count = best
    names = {aliases.get(normalize_header(cell), normalize_header(cell)) for cell in cells}
    missing = "、".join(f"「{name}」" for name in sorted(required - names))
    return RowIssue(
        _(
            "找不到表头：缺少列%(missing)s。最接近表头的是第 %(row)d 行，其中的列为：%(found)s。"
            "请按模板的列名修改表头后重新导入。"
        )
        % {"missing": missing, "row": row_number, "found": _list_columns(cells)}
    )


def _list_columns(cells: list[str]) -> str:
    names = [normalize_header(cell) for cell in cells if normalize_header(cell)]
    return "、".join(names) or _("（空）")
