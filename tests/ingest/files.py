"""Write small CSV and xlsx files for import tests."""

import csv
import io
from pathlib import Path

import openpyxl


def write_csv(path: Path, rows: list[list[str]], *, encoding: str = "utf-8") -> Path:
    """Write rows as CSV in `encoding`; `utf-8-sig` writes a BOM."""
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows(rows)
    path.write_bytes(text.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def write_file(path: Path, rows: list[list[str]], file_format: str) -> Path:
    """Write rows in one of the formats the tests cover: utf-8, utf-8-sig, gbk or xlsx."""
    if file_format == "xlsx":
        return write_xlsx(path.with_suffix(".xlsx"), list(rows))
    return write_csv(path.with_suffix(".csv"), rows, encoding=file_format)


FORMATS = ["utf-8", "utf-8-sig", "gbk", "xlsx"]
