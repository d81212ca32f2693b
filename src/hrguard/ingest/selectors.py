"""Reads for the import pages: recent batches and the rejected-rows workbook."""

import io
from typing import Any

import openpyxl
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from openpyxl.styles import Font

from hrguard.core.errors import NotFound
from hrguard.ingest.models import ImportBatch
from hrguard.ingest.values import escape_formula
from hrguard.privacy.roles import Action, can


def _batches_for_user(user: Any) -> QuerySet[ImportBatch]:
    # A batch spans departments, so only users who may see every employee get all
    # batches. Everyone else gets the batches they uploaded.
    batches = ImportBatch.objects.select_related("employee", "created_by")
    if user.is_superuser or can(user, Action.VIEW_ALL_EMPLOYEES):
        return batches
    return batches.filter(created_by=user)


def batch_list_recent(*, user: Any, limit: int = 20) -> list[ImportBatch]:
    """Return the user's most recent import batches, newest first."""
    return list(_batches_for_user(user).order_by("-created_at", "-pk")[:limit])


def batch_get_for_user(*, batch_id: int, user: Any) -> ImportBatch:
    """Return one batch the user may see, or raise NotFound."""
    batch = _batches_for_user(user).filter(pk=batch_id).first()
    if batch is None:
        raise NotFound(_("导入批次 %(id)s 不存在。"), id=batch_id)
    return batch


def batch_rejected_rows_xlsx(*, batch: ImportBatch) -> bytes:
    """Build an .xlsx of the batch's offending rows with an extra 错误说明 column.

    The issues of one row are joined into one explanation. Issues about the whole file,
    such as a missing column, come first on a row without data. Every
    value is escaped, so a cell such as `=HYPERLINK(...)` stays text in Excel.
    """
    headers: list[str] = []
    rows: dict[int | None, dict[str, Any]] = {}
    for error in batch.errors:
        entry = rows.setdefault(error.get("row"), {"cells": [], "messages": []})
        if error.get("cells") and not entry["cells"]:
            entry["cells"] = error["cells"]
            if not headers:
                headers = [header for header, _value in error["cells"]]
        message = error["message"]
        if error.get("column"):
            message = _("「%(column)s」列：%(message)s") % {
                "column": error["column"],
                "message": message,
            }
        entry["messages"].append(message)

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = _("错误行")
    sheet.append([_("行号"), *headers, _("错误说明")])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    file_level = rows.pop(None, None)
    if file_level is not None:
        sheet.append(
            ["", *([""] * len(headers)), escape_formula("；".join(file_level["messages"]))]
        )
    for row_number in sorted(number for number in rows if number is not None):
        entry = rows[row_number]
        values = [value for _header, value in entry["cells"]]
        values = (values + [""] * len(headers))[: len(headers)] if headers else []
        sheet.append(
            [
                row_number,
                *(escape_formula(str(v)) for v in values),
                escape_formula("；".join(entry["messages"])),
            ]
        )
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
