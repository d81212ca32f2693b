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
from hrguard.privacy.scopes import employees_visible_to


def _batches_for_user(user: Any) -> QuerySet[ImportBatch]:
    # A batch spans departments, so only users who may see every employee get all
    # batches. Everyone else gets the batches they uploaded.
    batches = ImportBatch.objects.select_related("employee", "created_by")
    # The superuser flag grants nothing here: like `can`, access comes from roles only.
    if can(user, Action.VIEW_ALL_EMPLOYEES):
        return batches
    return batches.filter(created_by=user)


def batch_list_recent(*, user: Any, limit: int = 20) -> list[ImportBatch]:
    """Return the user's most recent import batches, newest first.

    Each batch gets `employee_label`: for a bill, the employee's pseudonym and 工号 when
    the user may see that employee, else "".
    """
    batches = list(_batches_for_user(user).order_by("-created_at", "-pk")[:limit])
    employee_ids = {batch.employee_id for batch in batches if batch.employee_id is not None}
    visible = set(
        employees_visible_to(user).filter(pk__in=employee_ids).values_list("pk", flat=True)
    )
    for batch in batches:
        batch.employee_label = (  # type: ignore[attr-defined]
            f"{batch.employee.pseudonym}（{batch.employee.employee_no}）"
            if batch.employee is not None and batch.employee_id in visible
            else ""
        )
    return batches


def batch_get_for_user(*, batch_id: int, user: Any) -> ImportBatch:
    """Return one batch the user may see, or raise NotFound."""
    batch = _batches_for_user(user).filter(pk=batch_id).first()
    if batch is None:
        raise NotFound(_("导入批次 %(id)s 不存在。"), id=batch_id)
    return batch


def batch_rejected_rows_xlsx(*, batch: ImportBatch) -> bytes:
    """Build an .xlsx of the batch's offending rows with an extra 错误说明 column.

    The issues of one row are joined into one explanation. Issues about the whole file,
    such as a missing column, come first on a row without data. A value Excel would
    run as a formula, such as `=HYPERLINK(...)`, is written as a text cell with Excel's
    quote prefix, so Excel shows it as text. Re-importing the fixed file then reads the
    original value, with no apostrophe added to the data.
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
        _append_text_row(sheet, ["", *([""] * len(headers)), "；".join(file_level["messages"])])
    for row_number in sorted(number for number in rows if number is not None):
        entry = rows[row_number]
        values = [value for _header, value in entry["cells"]]
        values = (values + [""] * len(headers))[: len(headers)] if headers else []
        _append_text_row(
            sheet, [row_number, *(str(v) for v in values), "；".join(entry["messages"])]
        )
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _append_text_row(sheet: Any, values: list[Any]) -> None:
    """Append a row whose strings are all text cells, formula-like ones with a quote prefix."""
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and escape_formula(cell.value) != cell.value:
            cell.data_type = "s"
            cell.quotePrefix = True
