"""Extract the text of a signed document so it can be searched for guarantee clauses.

PDF through pypdf, DOCX through python-docx (body, tables at any depth, headers
and footers), XLSX through openpyxl. Images and PDFs without a text layer are
reported as scans that cannot be searched, never as documents without clauses.
"""

from __future__ import annotations

import io
import logging
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

import docx
import openpyxl
import pypdf
from django.db import models
from django.utils.translation import gettext_lazy as _
from docx.document import Document as DocxDocument
from docx.table import Table
from pypdf.errors import PyPdfError

from hrguard.cases.evidence.filetypes import FileType

logger = logging.getLogger(__name__)

# A PDF whose pages yield fewer visible characters than this has no usable text layer.
MIN_TEXT_CHARS = 10


class TextStatus(models.TextChoices):
    SEARCHABLE = "searchable", _("已检索")
    SCANNED = "scanned", _("不可检索（扫描件）")
    UNREADABLE = "unreadable", _("无法读取（文件加密或损坏）")


@dataclass(frozen=True)
class ExtractedText:
    status: TextStatus
    text: str = ""


def text_extract(content: bytes, file_type: str) -> ExtractedText:
    """Return the searchable text of a document, or why it has none."""
    if file_type in (FileType.PNG, FileType.JPEG):
        return ExtractedText(TextStatus.SCANNED)
    if file_type == FileType.PDF:
        return _pdf_text(content)
    if file_type == FileType.DOCX:
        return _docx_text(content)
    if file_type == FileType.XLSX:
        return _xlsx_text(content)
    return ExtractedText(TextStatus.UNREADABLE)


def _pdf_text(content: bytes) -> ExtractedText:
    try:
        reader = pypdf.PdfReader(io.BytesIO(content))
        if reader.is_encrypted and not reader.decrypt(""):
            return ExtractedText(TextStatus.UNREADABLE)
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
    except (PyPdfError, ValueError, KeyError, TypeError) as error:
        logger.warning("PDF text extraction failed: %s", error)
        return ExtractedText(TextStatus.UNREADABLE)
    if sum(1 for char in text if not char.isspace()) < MIN_TEXT_CHARS:
        return ExtractedText(TextStatus.SCANNED)
    return ExtractedText(TextStatus.SEARCHABLE, text)


def _docx_text(content: bytes) -> ExtractedText:
    try:
        document = docx.Document(io.BytesIO(content))
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        logger.warning("DOCX text extraction failed: %s", error)
        return ExtractedText(TextStatus.UNREADABLE)
    text = "\n".join(_docx_lines(document))
    if not text.strip():
        return ExtractedText(TextStatus.SCANNED)
    return ExtractedText(TextStatus.SEARCHABLE, text)


def _docx_lines(document: DocxDocument) -> Iterator[str]:
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            yield from _table_lines(block)
        else:
            yield block.text
    for section in document.sections:
        for part in (section.header, section.footer):
            for paragraph in part.paragraphs:
                yield paragraph.text
            for table in part.tables:
                yield from _table_lines(table)


def _table_lines(table: Table) -> Iterator[str]:
    """Yield each cell's text, row by row, including tables nested in cells."""
    seen: set[int] = set()
    for row in table.rows:
        for cell in row.cells:
            # A merged cell appears once per grid position it spans.
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            for paragraph in cell.paragraphs:
                yield paragraph.text
            for nested in cell.tables:
                yield from _table_lines(nested)


def _xlsx_text(content: bytes) -> ExtractedText:
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        logger.warning("XLSX text extraction failed: %s", error)
        return ExtractedText(TextStatus.UNREADABLE)
    lines = [
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    ]
    workbook.close()
    text = "\n".join(lines)
    if not text.strip():
        return ExtractedText(TextStatus.SCANNED)
    return ExtractedText(TextStatus.SEARCHABLE, text)
