"""Writes for guarantee disputes: signed documents, the clause search, the letter and the package.

Every read of a signed document is written to the audit log, which serves as
the documents' chain of custody in the dispute's evidence package.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from hrguard.cases.evidence.filetypes import FileType
from hrguard.cases.evidence.package import (
    CustodyRow,
    PackageFile,
    PackageHeader,
    archive_name_for,
    package_build,
)
from hrguard.cases.evidence.storage import (
    UploadedFileLike,
    file_read_verified,
    file_remove,
    file_store,
)
from hrguard.cases.guarantee.extract import TextStatus, text_extract
from hrguard.cases.guarantee.letter import LetterDocument, LetterFacts, letter_render
from hrguard.cases.guarantee.models import (
    ClauseScan,
    DisputeStatus,
    DocumentKind,
    GuaranteeDispute,
    SignedDocument,
)
from hrguard.cases.guarantee.scan import clause_list_load, clauses_find
from hrguard.cases.guarantee.selectors import (
    SIGNED_DOCUMENT_TARGET,
    document_custody,
    guarantee_access_check,
    scan_latest,
)
from hrguard.core.errors import PermissionDenied, ValidationFailed
from hrguard.people.models import Employee
from hrguard.privacy.audit import audit_record
from hrguard.privacy.roles import Action, can

logger = logging.getLogger(__name__)

LETTER_KIND = "statement"
# Signed documents are contracts and forms; recordings are case evidence, not signed documents.
DOCUMENT_FILE_TYPES = frozenset(
    {FileType.PDF, FileType.DOCX, FileType.XLSX, FileType.PNG, FileType.JPEG}
)


def signed_document_add(
    *,
    employee: Employee,
    user: Any,
    uploaded_file: UploadedFileLike,
    title: str,
    kind: str,
    signed_on: datetime.date,
) -> SignedDocument:
    """Store a document the employee signed, encrypted and hashed like evidence."""
    guarantee_access_check(user=user, employee=employee)
    title = title.strip()
    if not title:
        raise ValidationFailed(gettext("请填写文件名称，例如“2024 年劳动合同”。"))
    if kind not in DocumentKind.values:
        raise ValidationFailed(gettext("文件类别“%(kind)s”无效，请从列表中选择。"), kind=kind)
    if signed_on > timezone.localdate():
        raise ValidationFailed(
            gettext("签署日期 %(day)s 晚于今天，请检查。"), day=signed_on.isoformat()
        )

    stored = file_store(uploaded_file=uploaded_file)
    if stored.file_type not in DOCUMENT_FILE_TYPES:
        file_remove(storage_name=stored.storage_name)
        raise ValidationFailed(
            gettext("签署文件须为 PDF、DOCX、XLSX 或扫描图片（PNG、JPG），“%(name)s”是录音。"),
            name=stored.display_name,
        )
    try:
        with transaction.atomic():
            document = SignedDocument.objects.create(
                employee=employee,
                title=title,
                kind=kind,
                signed_on=signed_on,
                uploaded_by=user,
                storage_name=stored.storage_name,
                display_name=stored.display_name,
                file_type=stored.file_type,
                sha256=stored.sha256,
                size=stored.size,
                key_id=stored.key_id,
            )
            audit_record(
                actor=user,
                action="signed_document.upload",
                target_type=SIGNED_DOCUMENT_TARGET,
                target_id=str(document.pk),
                after={
                    "employee_no": employee.employee_no,
                    "kind": kind,
                    "sha256": stored.sha256,
                    "size": stored.size,
                },
            )
    except BaseException:
        file_remove(storage_name=stored.storage_name)
        raise

    logger.info(
        "signed document %s stored for employee %s",
        document.pk,
        employee.employee_no,
        extra={"document_id": document.pk, "employee_no": employee.employee_no},
    )
    return document


def dispute_open(
    *,
    colleague: Employee,
    user: Any,
    lender: str,
    reported_on: datetime.date,
    claimed_debtor: str = "",
    notes: str = "",
) -> GuaranteeDispute:
    """Record a colleague's report that a lender names them as guarantor."""
    guarantee_access_check(user=user, employee=colleague)
    lender = lender.strip()
    if not lender:
        raise ValidationFailed(gettext("请填写声称该员工为担保人的出借方或平台名称。"))
    if reported_on > timezone.localdate():
        raise ValidationFailed(
            gettext("反映日期 %(day)s 晚于今天，请检查。"), day=reported_on.isoformat()
        )

    with transaction.atomic():
        dispute = GuaranteeDispute.objects.create(
            colleague=colleague,
            lender=lender,
            claimed_debtor=claimed_debtor.strip(),
            reported_on=reported_on,
            notes=notes.strip(),
            created_by=user,
        )
        audit_record(
            actor=user,
            action="guarantee.dispute_open",
            target_type="guarantee_dispute",
            target_id=str(dispute.pk),
            after={"employee_no": colleague.employee_no, "status": dispute.status},
        )
    return dispute


def dispute_status_set(*, dispute: GuaranteeDispute, user: Any, status: str) -> GuaranteeDispute:
    guarantee_access_check(user=user, employee=dispute.colleague)
    if status not in DisputeStatus.values:
        raise ValidationFailed(gettext("状态“%(status)s”无效。"), status=status)

    with transaction.atomic():
        dispute = GuaranteeDispute.objects.select_for_update().get(pk=dispute.pk)
        before = dispute.status
        dispute.status = status
        dispute.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=user,
            action="guarantee.dispute_status",
            target_type="guarantee_dispute",
            target_id=str(dispute.pk),
            before={"status": before},
            after={"status": status},
        )
    return dispute


def _documents_read(*, documents: list[SignedDocument], user: Any, purpose: str) -> list[bytes]:
    """Decrypt and hash-check the documents, recording each read in the audit log."""
    contents = [
        file_read_verified(
            storage_name=document.storage_name,
            sha256=document.sha256,
            display_name=document.display_name,
        )
        for document in documents
    ]
    with transaction.atomic():
        for document in documents:
            audit_record(
                actor=user,
                action="signed_document.read",
                target_type=SIGNED_DOCUMENT_TARGET,
                target_id=str(document.pk),
                after={"purpose": purpose, "hash_verified": True},
            )
    return contents


def dispute_scan(*, dispute: GuaranteeDispute, user: Any) -> ClauseScan:
    """Search every document the colleague signed for guarantee clauses and store the result."""
    guarantee_access_check(user=user, employee=dispute.colleague)
    clauses = clause_list_load()
    documents = list(SignedDocument.objects.filter(employee=dispute.colleague))
    contents = _documents_read(documents=documents, user=user, purpose="clause_scan")

    results: list[dict[str, Any]] = []
    for document, content in zip(documents, contents, strict=True):
        extracted = text_extract(content, document.file_type)
        hits = clauses_find(extracted.text, clauses) if extracted.text else []
        results.append(
            {
                "document_id": document.pk,
                "title": document.title,
                "kind": document.kind,
                "signed_on": document.signed_on.isoformat(),
                "sha256": document.sha256,
                "status": extracted.status.value,
                "hits": [{"keyword": hit.keyword, "snippet": hit.snippet} for hit in hits],
            }
        )

    with transaction.atomic():
        scan = ClauseScan.objects.create(
            dispute=dispute,
            clause_list_version=clauses.version,
            results_json=json.dumps(results, ensure_ascii=False),
            documents=len(results),
            hits=sum(len(result["hits"]) for result in results),
            not_searchable=sum(
                1 for result in results if result["status"] != TextStatus.SEARCHABLE
            ),
            scanned_by=user,
        )
        audit_record(
            actor=user,
            action="guarantee.clause_scan",
            target_type="guarantee_dispute",
            target_id=str(dispute.pk),
            after={
                "scan_id": scan.pk,
                "documents": scan.documents,
                "hits": scan.hits,
                "not_searchable": scan.not_searchable,
                "clause_list_version": scan.clause_list_version,
            },
        )

    logger.info(
        "guarantee dispute %s scanned: %s documents, %s hits",
        dispute.pk,
        scan.documents,
        scan.hits,
        extra={"dispute_id": dispute.pk, "scan_id": scan.pk},
    )
    return scan


def company_name() -> str:
    return str(getattr(settings, "HRGUARD_COMPANY_NAME", "")) or gettext("本公司")


def dispute_letter_generate(*, dispute: GuaranteeDispute, user: Any) -> bytes:
    """Return the HR statement letter (.docx) built from the dispute's latest clause search.

    Searches the documents first when the dispute has no search yet.
    """
    guarantee_access_check(user=user, employee=dispute.colleague)
    scan = scan_latest(dispute=dispute) or dispute_scan(dispute=dispute, user=user)
    labels = dict(DocumentKind.choices)
    facts = LetterFacts(
        company=company_name(),
        colleague_name=dispute.colleague.name,
        employee_no=dispute.colleague.employee_no,
        lender=dispute.lender,
        claimed_debtor=dispute.claimed_debtor,
        reported_on=dispute.reported_on,
        clause_list_version=scan.clause_list_version,
        keyword_count=len(clause_list_load().keywords),
        scanned_at=timezone.localtime(scan.scanned_at),
        documents=[
            LetterDocument(
                title=result["title"],
                kind_label=str(labels.get(result["kind"], result["kind"])),
                signed_on=datetime.date.fromisoformat(result["signed_on"]),
                sha256=result["sha256"],
                status=result["status"],
                hits=[(hit["keyword"], hit["snippet"]) for hit in result["hits"]],
            )
            for result in scan.results
        ],
        handled_by=user.get_username(),
        issued_on=timezone.localdate(),
    )
    content = letter_render(facts)

    with transaction.atomic():
        audit_record(
            actor=user,
            action="guarantee.letter",
            target_type="guarantee_dispute",
            target_id=str(dispute.pk),
            after={"scan_id": scan.pk},
        )
    return content


def dispute_package_export(*, dispute: GuaranteeDispute, user: Any) -> bytes:
    """Return the evidence package of a dispute: the statement letter and every signed document.

    Uses the evidence package format, so `hrguard evidence verify` checks it.
    The documents' custody log is their audit trail of uploads and reads.
    """
    if not can(user, Action.EXPORT_EVIDENCE):
        raise PermissionDenied(gettext("您没有导出证据包的权限。"))
    guarantee_access_check(user=user, employee=dispute.colleague)

    letter = dispute_letter_generate(dispute=dispute, user=user)
    documents = list(
        SignedDocument.objects.filter(employee=dispute.colleague).select_related("uploaded_by")
    )
    contents = _documents_read(documents=documents, user=user, purpose="package_export")
    now = timezone.now()
    files = [_letter_file(letter, user, now)] + [
        _document_file(document, content)
        for document, content in zip(documents, contents, strict=True)
    ]

    with transaction.atomic():
        built = package_build(
            header=PackageHeader(
                title=gettext("担保纠纷 #%(dispute_id)s 证据包") % {"dispute_id": dispute.pk},
                subject=dispute.colleague.pseudonym,
                generated_by=user.get_username(),
                generated_at=now,
            ),
            files=files,
            custody=_custody_rows(documents),
        )
        audit_record(
            actor=user,
            action="guarantee.package_export",
            target_type="guarantee_dispute",
            target_id=str(dispute.pk),
            after={"files": len(files), "manifest_sha256": built.manifest_sha256},
        )
    return built.content


def _letter_file(letter: bytes, user: Any, now: datetime.datetime) -> PackageFile:
    return PackageFile(
        content=letter,
        sha256=hashlib.sha256(letter).hexdigest(),
        file_type=FileType.DOCX.value,
        kind=LETTER_KIND,
        kind_label=gettext("情况说明"),
        display_name=gettext("情况说明.docx"),
        description=gettext("人事部门出具的情况说明（未盖章稿）"),
        uploaded_at=now,
        uploaded_by=user.get_username(),
    )


def _document_file(document: SignedDocument, content: bytes) -> PackageFile:
    return PackageFile(
        content=content,
        sha256=document.sha256,
        file_type=document.file_type,
        kind=document.kind,
        kind_label=str(DocumentKind(document.kind).label),
        display_name=document.display_name,
        description=gettext("%(title)s，签署日期 %(day)s")
        % {"title": document.title, "day": document.signed_on.isoformat()},
        uploaded_at=document.uploaded_at,
        uploaded_by=document.uploaded_by.get_username(),
    )


def _custody_rows(documents: list[SignedDocument]) -> list[CustodyRow]:
    # The letter is file 1, so the documents start at position 2.
    archive_names = {
        str(document.pk): archive_name_for(
            position, kind=document.kind, file_type=document.file_type
        )
        for position, document in enumerate(documents, start=2)
    }
    action_labels = {
        "signed_document.upload": gettext("上传"),
        "signed_document.read": gettext("读取"),
    }
    return [
        CustodyRow(
            at=entry.created_at,
            actor=actor,
            action_label=action_labels.get(entry.action, entry.action),
            archive_name=archive_names[entry.target_id],
            hash_verified=bool((entry.after or {}).get("hash_verified", True)),
        )
        for entry, actor in document_custody(documents=documents)
    ]
