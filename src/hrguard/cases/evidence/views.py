"""Pages for a case's evidence: list, upload, download and package export."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from hrguard.cases.evidence import selectors, services
from hrguard.cases.evidence.filetypes import MEDIA_TYPES
from hrguard.cases.evidence.forms import EvidenceUploadForm
from hrguard.cases.evidence.storage import IntegrityFailed, max_upload_bytes
from hrguard.cases.models import Case
from hrguard.core.errors import HrguardError, NotFound, PermissionDenied
from hrguard.privacy.roles import Action, can


def _case_or_404(request: HttpRequest, case_id: int) -> Case:
    try:
        return selectors.evidence_case_get_for_user(case_id=case_id, user=request.user)
    except NotFound as error:
        raise Http404(error.message) from error
    except PermissionDenied as error:
        raise DjangoPermissionDenied(error.message) from error


def evidence_panel_context(
    *, case: Case, user: Any, form: EvidenceUploadForm | None = None
) -> dict[str, Any]:
    """Return the context of evidence/partials/evidence_panel.html, for pages that include it."""
    return {
        "case": case,
        "evidence_items": selectors.evidence_list_for_case(case=case, user=user),
        "form": form or EvidenceUploadForm(),
        "max_upload_mb": max_upload_bytes() // (1024 * 1024),
        "can_export": can(user, Action.EXPORT_EVIDENCE),
    }


@login_required
def case_evidence(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case_or_404(request, case_id)
    return render(
        request, "evidence/case_evidence.html", evidence_panel_context(case=case, user=request.user)
    )


@login_required
def case_evidence_panel(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case_or_404(request, case_id)
    context = evidence_panel_context(case=case, user=request.user)
    return render(request, "evidence/partials/evidence_panel.html", context)


@login_required
@require_POST
def evidence_upload(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case_or_404(request, case_id)
    form = EvidenceUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            item = services.evidence_attach(
                case=case,
                user=request.user,
                uploaded_file=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
                kind=form.cleaned_data["kind"] or None,
            )
        except HrguardError as error:
            form.add_error("file", error.message)
        else:
            messages.success(
                request,
                gettext("已保存证据“%(name)s”，SHA-256：%(sha256)s")
                % {"name": item.display_name, "sha256": item.sha256},
            )
            return redirect("evidence:case", case_id=case.pk)

    context = evidence_panel_context(case=case, user=request.user, form=form)
    return render(request, "evidence/case_evidence.html", context, status=400)


@login_required
def evidence_view(request: HttpRequest, item_id: int) -> HttpResponse:
    """Show an image or play a recording in the browser; other types are downloaded."""
    return _evidence_response(request, item_id, inline=True)


@login_required
def evidence_download(request: HttpRequest, item_id: int) -> HttpResponse:
    return _evidence_response(request, item_id, inline=False)


def _evidence_response(request: HttpRequest, item_id: int, *, inline: bool) -> HttpResponse:
    try:
        item = selectors.evidence_get_for_user(item_id=item_id, user=request.user)
        inline = inline and item.shows_inline
        content = services.evidence_open(
            item=item, user=request.user, purpose="view" if inline else "download"
        )
    except NotFound as error:
        raise Http404(error.message) from error
    except PermissionDenied as error:
        raise DjangoPermissionDenied(error.message) from error
    except IntegrityFailed as error:
        messages.error(request, error.message)
        return redirect("evidence:case", case_id=item.case_id)

    response = HttpResponse(content, content_type=MEDIA_TYPES[item.file_type])
    disposition = content_disposition_header(
        as_attachment=not inline, filename=download_name(item.display_name, item.file_type)
    )
    if disposition is not None:
        response["Content-Disposition"] = disposition
    return response


def download_name(display_name: str, file_type: str) -> str:
    """Return the display name with the extension of the detected type, for the browser."""
    suffix = f".{file_type}"
    return display_name if display_name.lower().endswith(suffix) else display_name + suffix


@login_required
@require_POST
def package_download(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case_or_404(request, case_id)
    try:
        content = services.evidence_package_export(case=case, user=request.user)
    except PermissionDenied as error:
        raise DjangoPermissionDenied(error.message) from error
    except HrguardError as error:
        messages.error(request, error.message)
        return redirect("evidence:case", case_id=case.pk)

    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=services.package_file_name(case)
    )
    return response
