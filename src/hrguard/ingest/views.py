"""The upload page, batch reports and file downloads."""

import tempfile
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from hrguard.core.errors import NotFound
from hrguard.ingest import selectors, services
from hrguard.ingest.base import RowIssue
from hrguard.ingest.display import layout_label
from hrguard.ingest.forms import UploadForm
from hrguard.ingest.kinds import template_importer_classes
from hrguard.ingest.models import ImportBatch
from hrguard.ingest.templates import (
    CONTENT_TYPES,
    TEMPLATE_FORMATS,
    template_bytes,
    template_file_name,
)
from hrguard.privacy.roles import Action, can

XLSX_CONTENT_TYPE = CONTENT_TYPES["xlsx"]


def import_permission_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Let only logged-in users who hold the import capability through; others get 403."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can(request.user, Action.IMPORT_DATA):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@import_permission_required
def upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        upload_dir = Path(settings.HRGUARD_HOME) / "uploads"
        upload_dir.mkdir(parents=True, exist_ok=True)
        # The service reads a path twice, so the upload is spooled to disk in chunks first.
        with tempfile.NamedTemporaryFile(
            dir=upload_dir, suffix=Path(upload_file.name).suffix
        ) as spool:
            for chunk in upload_file.chunks():
                spool.write(chunk)
            spool.flush()
            report = services.import_file(
                kind=form.cleaned_data["kind"],
                path=Path(spool.name),
                file_name=Path(upload_file.name).name,
                employee_no=form.cleaned_data["employee_no"] or None,
                dry_run=form.cleaned_data["dry_run"],
                accept_totals_mismatch=form.cleaned_data["accept_totals_mismatch"],
                create_departments=form.cleaned_data["create_departments"],
                user=request.user,
            )
        # Notes are not stored with the batch, so they travel to the report page as messages.
        for note in report.notes:
            messages.info(request, note)
        return redirect("ingest:batch_detail", batch_id=report.batch_id)

    return render(
        request,
        "ingest/upload.html",
        {
            "form": form,
            "batches": selectors.batch_list_recent(user=request.user),
            "templates": _template_links(),
        },
    )


@import_permission_required
@require_GET
def batch_detail(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = _batch_or_404(request, batch_id)
    # A problem of the whole file reads as a sentence about the file, as in the CLI.
    issues = [
        {**issue, "message": RowIssue(message=issue["message"]).describe(batch.file_name)}
        if issue.get("row") is None
        else issue
        for issue in batch.errors
    ]
    return render(
        request,
        "ingest/batch_detail.html",
        {
            "batch": batch,
            "issues": issues,
            "layout": layout_label(batch.layout),
            "committed": batch.status == ImportBatch.Status.COMMITTED,
        },
    )


@import_permission_required
@require_GET
def rejected_rows(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = _batch_or_404(request, batch_id)
    if not batch.errors:
        raise Http404
    content = services.batch_rejected_rows_export(batch=batch, user=request.user)
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    name = f"{Path(batch.file_name).stem}-错误行.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@import_permission_required
@require_GET
def template_download(request: HttpRequest, kind: str, file_format: str) -> HttpResponse:
    if kind not in template_importer_classes() or file_format not in TEMPLATE_FORMATS:
        raise Http404
    response = HttpResponse(
        template_bytes(kind, file_format), content_type=CONTENT_TYPES[file_format]
    )
    response["Content-Disposition"] = content_disposition_header(
        True, template_file_name(kind, file_format)
    )
    return response


def _batch_or_404(request: HttpRequest, batch_id: int) -> ImportBatch:
    try:
        return selectors.batch_get_for_user(batch_id=batch_id, user=request.user)
    except NotFound as error:
        raise Http404(str(error)) from error


def _template_links() -> list[tuple[str, str]]:
    return [(kind, str(cls.label)) for kind, cls in template_importer_classes().items()]
