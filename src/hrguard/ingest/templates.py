"""Canonical import templates: a header row and one example row, as xlsx or CSV."""

import csv
import io
from typing import Literal

import openpyxl
from django.utils.translation import gettext as _
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from hrguard.ingest.kinds import template_importer_classes
from hrguard.ingest.kinds.base import EXAMPLE_PREFIX, TemplateImporter
from hrguard.ingest.values import escape_formula

TemplateFormat = Literal["xlsx", "csv"]
TEMPLATE_FORMATS: tuple[TemplateFormat, ...] = ("xlsx", "csv")
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def template_kinds() -> list[str]:
    """Return the kinds that have a canonical template."""
    return list(template_importer_classes())


def template_file_name(kind: str, file_format: TemplateFormat) -> str:
    importer_class = template_importer_classes()[kind]
    return f"{importer_class.label}导入模板.{file_format}"


def template_bytes(kind: str, file_format: TemplateFormat) -> bytes:
    """Return the template of `kind` with its example row; raises KeyError for an unknown kind."""
    importer_class = template_importer_classes()[kind]
    header = [column.name for column in importer_class.columns]
    example = [escape_formula(importer_class.example.get(name, "")) for name in header]
    # The example's 工号 is marked, so an example left in the file is rejected, not imported.
    example[header.index("工号")] = EXAMPLE_PREFIX + importer_class.example["工号"]
    if file_format == "csv":
        text = io.StringIO()
        csv.writer(text, lineterminator="\r\n").writerows([header, example])
        # The BOM makes Excel on Chinese Windows open the file as UTF-8 instead of GBK.
        return text.getvalue().encode("utf-8-sig")
    if file_format != "xlsx":
        raise ValueError(f"unknown template format {file_format!r}")

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = str(importer_class.label)
    sheet.append(header)
    sheet.append(example)
    for index, name in enumerate(header, start=1):
        sheet.cell(row=1, column=index).font = Font(bold=True)
        # Store every example as text, so 工号 such as 000123 keep their zeros in Excel.
        sheet.cell(row=2, column=index).number_format = "@"
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(name) * 3)
    _add_instructions(workbook, importer_class)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _add_instructions(workbook: openpyxl.Workbook, importer_class: type[TemplateImporter]) -> None:
    """Add a 填写说明 sheet: which columns are required and the values a column accepts."""
    sheet = workbook.create_sheet(_("填写说明"))
    sheet.append(
        [
            _("第 2 行是示例（工号以「%(prefix)s」开头），导入前请删除。")
            % {"prefix": EXAMPLE_PREFIX}
        ]
    )
    sheet.append([_("列"), _("是否必填"), _("可填写的值")])
    for column in importer_class.columns:
        allowed = importer_class.allowed_values.get(column.name, ())
        sheet.append([column.name, _("必填") if column.required else _("选填"), "、".join(allowed)])
    sheet.column_dimensions["C"].width = 40
