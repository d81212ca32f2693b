"""Import files: validate the whole file, then store it whole or not at all."""

import hashlib
import logging
import re
import shutil
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from hrguard.ingest.base import ImportReport, RowIssue, shorten
from hrguard.ingest.kinds import importer_class_for
from hrguard.ingest.kinds.base import Cells, Importer, IssueCollector, WriteCounts
from hrguard.ingest.models import ImportBatch
from hrguard.ingest.selectors import batch_rejected_rows_xlsx
from hrguard.people.models import Employee
from hrguard.privacy.audit import audit_record
from hrguard.privacy.register import source_disabled_message
from hrguard.privacy.roles import Action, can
from hrguard.privacy.scopes import departments_in_scope, employees_visible_to

logger = logging.getLogger(__name__)

_HASH_CHUNK = 1 << 20
_SAFE_SUFFIX = re.compile(r"^\.[a-z0-9]{1,8}$")


def import_file(
    *,
    kind: str,
    path: Path,
    file_name: str,
    employee_no: str | None = None,
    dry_run: bool = False,
    accept_totals_mismatch: bool = False,
    create_departments: bool = False,
    user: Any = None,
) -> ImportReport:
    """Validate and import one file of `kind`, recording the attempt as an ImportBatch.

    Nothing is written unless the whole file is valid. Then every row is written in one
    transaction and the original is kept under HRGUARD_HOME/imports/, unless the kind
    sets `keeps_original` to False (chat, whose file holds messages the import drops).
    A dry run only validates and counts. With `accept_totals_mismatch`, a bill whose row count differs
    from the count it states is imported, and the difference becomes a warning. Every
    attempt is written to the audit log. Raises ValidationFailed for an unknown kind.

    `user` limits the import to the employees the user may see: a scoped HR专员 or HRBP
    creates and changes only employees (and their records) of their own departments, and
    an employee outside the scope is "not on the roster". Without a user (the CLI, run by
    the system operator on the server) there is no limit. `create_departments` lets a
    roster create the departments it names that do not exist yet.
    """
    importer_class = importer_class_for(kind)
    sha256, size = _file_digest(path)
    issues = IssueCollector()
    logger.info("import of %s started: sha256 %s, dry run %s", kind, sha256, dry_run)
    if disabled := source_disabled_message(kind):
        issues.add(RowIssue(message=disabled))
    if not issues.total and (too_big := _size_problem(size)):
        issues.add(RowIssue(message=too_big))

    department_ids = _department_scope(user)
    employee = None
    if importer_class.needs_employee:
        employee = _employee_for_bill(employee_no, issues, user=user)
    importer = importer_class(path=path, file_name=file_name, employee=employee)
    importer.accept_totals_mismatch = accept_totals_mismatch
    importer.department_ids = department_ids
    importer.create_departments = create_departments
    if not issues.total:
        importer.validate(issues)

    def new_batch() -> ImportBatch:
        return ImportBatch(
            kind=kind,
            file_name=file_name[:255],
            sha256=sha256,
            size=size,
            employee=employee,
            created_by=user if getattr(user, "is_authenticated", False) else None,
        )

    batch = new_batch()
    try:
        with transaction.atomic():
            counts = _write_or_count(importer, batch, issues=issues, dry_run=dry_run, path=path)
            _finish_batch(batch, importer, issues, counts, user=user)
    except IntegrityError:
        # Pass 1 saw no conflict, so another import wrote the same keys in the meantime.
        logger.warning("import of %s hit a concurrent write; rejected", kind, exc_info=True)
        issues.add(
            RowIssue(
                message=_(
                    "另一个导入同时写入了相同的记录，本次导入没有写入任何数据。请稍后重新导入。"
                )
            )
        )
        batch, counts = new_batch(), WriteCounts()
        with transaction.atomic():
            batch.status = ImportBatch.Status.REJECTED
            _finish_batch(batch, importer, issues, counts, user=user)

    importer.close()
    report = ImportReport(
        kind=kind,
        file_name=file_name,
        status=batch.status,
        layout=importer.layout,
        batch_id=batch.pk,
        rows_total=importer.rows_total,
        rows_created=counts.created,
        rows_updated=counts.updated,
        rows_unchanged=counts.unchanged,
        issues=issues.issues,
        issues_total=issues.total,
        notes=list(importer.notes),
        warnings=list(importer.warnings),
        declared_totals=importer.declared_totals,
        read_totals=dict(importer.read_totals),
    )
    if issues.total > len(issues.kept):
        report.notes.append(
            _("共发现 %(total)d 个问题，这里只列出前 %(kept)d 个。")
            % {"total": issues.total, "kept": len(issues.kept)}
        )
    logger.info(
        "import of %s finished: batch %s, status %s, %d rows, %d created, %d updated, %d issues",
        kind,
        batch.pk,
        batch.status,
        importer.rows_total,
        counts.created,
        counts.updated,
        issues.total,
    )
    return report


def _write_or_count(
    importer: Importer, batch: ImportBatch, *, issues: IssueCollector, dry_run: bool, path: Path
) -> WriteCounts:
    """Set the batch status and run pass 2: write the rows, count them, or neither."""
    if issues.total:
        batch.status = ImportBatch.Status.DRY_RUN if dry_run else ImportBatch.Status.REJECTED
        return WriteCounts()
    if dry_run:
        batch.status = ImportBatch.Status.DRY_RUN
        return importer.write(batch=None, apply=False)

    batch.status = ImportBatch.Status.COMMITTED
    batch.save()
    counts = importer.write(batch=batch, apply=True)
    if importer.keeps_original:
        batch.stored_path = _store_original(path, sha256=batch.sha256, file_name=batch.file_name)
    return counts


def _finish_batch(
    batch: ImportBatch,
    importer: Importer,
    issues: IssueCollector,
    counts: WriteCounts,
    *,
    user: Any,
) -> None:
    batch.layout = importer.layout[:50]
    batch.rows_total = importer.rows_total
    batch.rows_created = counts.created
    batch.rows_updated = counts.updated
    batch.rows_unchanged = counts.unchanged
    batch.rows_rejected = issues.rejected_rows
    # TODO: purge the row values kept here with the retention schedule of the batch's data
    # category; until then they stay as long as the batch.
    batch.errors = [_issue_json(issue, cells) for issue, cells in issues.kept]
    batch.warnings = [{"row": issue.row, "message": issue.message} for issue in importer.warnings]
    batch.save()
    _audit_batch(batch, user=user)


def batch_rejected_rows_export(*, batch: ImportBatch, user: Any) -> bytes:
    """Return the batch's rejected-rows workbook and record the export in the audit log."""
    with transaction.atomic():
        content = batch_rejected_rows_xlsx(batch=batch)
        audit_record(
            actor=user,
            action="ingest.rejected_rows_export",
            target_type="import_batch",
            target_id=str(batch.pk),
        )
    return content


def _audit_batch(batch: ImportBatch, *, user: Any) -> None:
    """Record the attempt in the audit log: a bill is sensitive data even when rejected.

    The file's SHA-256 stays on the batch only, because the audit log rejects any run of
    digits that looks like a phone number, and a hex digest can contain one.
    """
    after: dict[str, Any] = {
        "kind": batch.kind,
        "status": batch.status,
        "rows_total": batch.rows_total,
        "rows_created": batch.rows_created,
        "rows_updated": batch.rows_updated,
        "rows_rejected": batch.rows_rejected,
    }
    if batch.employee is not None:
        after["employee_no"] = batch.employee.employee_no
    audit_record(
        actor=user if getattr(user, "is_authenticated", False) else None,
        action="ingest.import",
        target_type="import_batch",
        target_id=str(batch.pk),
        after=after,
    )


def _department_scope(user: Any) -> set[int] | None:
    """Return the departments whose employees `user` may import, or None for all of them."""
    if not getattr(user, "is_authenticated", False) or can(user, Action.VIEW_ALL_EMPLOYEES):
        return None
    if can(user, Action.VIEW_DEPARTMENT_EMPLOYEES):
        return departments_in_scope(user)
    return set()


def _size_problem(size: int) -> str | None:
    """Return the message for a file larger than HRGUARD_IMPORT_MAX_MB, or None."""
    limit_mb = import_max_mb()
    if size <= limit_mb * 1024 * 1024:
        return None
    return _(
        "文件有 %(size).1f MB，超过了导入上限 %(limit)d MB。请按月份或部门拆分后分别导入。"
    ) % {
        "size": size / 1024 / 1024,
        "limit": limit_mb,
    }


def import_max_mb() -> int:
    """Return the maximum file size of an import in MB (HRGUARD_IMPORT_MAX_MB, default 200)."""
    return int(getattr(settings, "HRGUARD_IMPORT_MAX_MB", 200))


def _employee_for_bill(
    employee_no: str | None, issues: IssueCollector, *, user: Any
) -> Employee | None:
    """Return the employee a personal bill belongs to, or add an issue.

    With a user, only employees the user may see are found, so an employee outside the
    user's scope gets the same message as one not on the roster.
    """
    if not employee_no:
        issues.add(
            RowIssue(message=_("个人账单必须指定所属员工的工号（命令行用 --employee 工号）。"))
        )
        return None
    employees = employees_visible_to(user) if user is not None else Employee.objects.all()
    employee = employees.filter(employee_no=employee_no.strip()).first()
    if employee is None:
        issues.add(
            RowIssue(
                message=_("花名册中没有工号 %(no)s。请核对工号，或先导入包含该员工的花名册。")
                % {"no": employee_no}
            )
        )
    return employee


def _file_digest(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as stream:
        while chunk := stream.read(_HASH_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _store_original(path: Path, *, sha256: str, file_name: str) -> str:
    """Copy the file to HRGUARD_HOME/imports/<sha256>.<ext> and return the relative path."""
    suffix = Path(file_name).suffix.lower()
    if not _SAFE_SUFFIX.match(suffix):
        suffix = ".bin"
    relative = Path("imports") / f"{sha256}{suffix}"
    target = Path(settings.HRGUARD_HOME) / relative
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(target.suffix + ".part")
        shutil.copyfile(path, partial)
        partial.replace(target)
    return relative.as_posix()


def _issue_json(issue: RowIssue, cells: Cells | None) -> dict[str, Any]:
    """Return an issue as stored in ImportBatch.errors, with its row's cells as [header, value] pairs."""
    return {
        "row": issue.row,
        "column": issue.column,
        "value": shorten(issue.value) if issue.value is not None else None,
        "message": issue.message,
        "cells": [list(pair) for pair in cells] if cells else [],
    }
