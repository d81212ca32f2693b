"""Writes for case evidence: attach a file, open it with custody recorded, export a package.

Each service checks the user's permission first, then records the custody
event and the audit entry in the same transaction as the change.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, Literal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from hrguard.cases.evidence.filetypes import FileType
from hrguard.cases.evidence.models import CustodyEvent, EvidenceItem, EvidenceKind
from hrguard.cases.evidence.package import (
    CustodyRow,
    PackageFile,
    PackageHeader,
    archive_name_for,
    package_build,
)
from hrguard.cases.evidence.selectors import (
    custody_for_case,
    evidence_access_check,
    evidence_export_check,
)
from hrguard.cases.evidence.storage import (
    IntegrityFailed,
    UploadedFileLike,
    file_read_verified,
    file_remove,
    file_store,
)
from hrguard.cases.models import Case
from hrguard.core.errors import ValidationFailed
from hrguard.privacy.audit import audit_record

logger = logging.getLogger(__name__)

DESCRIPTION_MAX_CHARS = 2000

_KIND_BY_FILE_TYPE = {
    FileType.MP3: EvidenceKind.RECORDING,
    FileType.M4A: EvidenceKind.RECORDING,
    FileType.WAV: EvidenceKind.RECORDING,
    FileType.AMR: EvidenceKind.RECORDING,
    FileType.PNG: EvidenceKind.SCREENSHOT,
    FileType.JPEG: EvidenceKind.SCREENSHOT,
}


def evidence_attach(
    *,
    case: Case,
    user: Any,
    uploaded_file: UploadedFileLike,
    description: str,
    kind: str | None = None,
) -> EvidenceItem:
    """Store an uploaded file as evidence of an open case, hashed and encrypted.

    Without `kind`, recordings and images are classified by their content and
    everything else as 其他. Raises ValidationFailed for a closed case, a missing
    description or a file that is too large or of a type not accepted.
    """
    evidence_access_check(user=user, case=case)
    description = description.strip()
    if not description:
        raise ValidationFailed(gettext("请填写证据说明，例如录音的时间和通话对象。"))
    if len(description) > DESCRIPTION_MAX_CHARS:
        raise ValidationFailed(
            gettext("证据说明最多 %(limit)s 个字。"), limit=DESCRIPTION_MAX_CHARS
        )
    if kind is not None and kind not in EvidenceKind.values:
        raise ValidationFailed(gettext("证据类别“%(kind)s”无效，请从列表中选择。"), kind=kind)
    if not case.is_open:
        raise _case_closed(case)

    stored = file_store(uploaded_file=uploaded_file)
    try:
        with transaction.atomic():
            # The lock makes a concurrent close wait, so evidence never joins a closed case.
            locked = Case.objects.select_for_update().get(pk=case.pk)
            if not locked.is_open:
                raise _case_closed(locked)
            item = EvidenceItem.objects.create(
                case=locked,
                kind=kind or _KIND_BY_FILE_TYPE.get(FileType(stored.file_type), EvidenceKind.OTHER),
                description=description,
                uploaded_by=user,
                storage_name=stored.storage_name,
                display_name=stored.display_name,
                file_type=stored.file_type,
                sha256=stored.sha256,
                size=stored.size,
                key_id=stored.key_id,
            )
            CustodyEvent.objects.create(
                item=item, action=CustodyEvent.Action.UPLOADED, actor=user, hash_verified=True
            )
            audit_record(
                actor=user,
                action="evidence.attach",
                target_type="evidence",
                target_id=str(item.pk),
                after={
                    "case_id": case.pk,
                    "kind": item.kind,
                    "file_type": item.file_type,
                    "size": item.size,
                    "sha256": item.sha256,
                },
            )
    except BaseException:
        # Nothing refers to the file when the rows were not written.
        file_remove(storage_name=stored.storage_name)
        raise

    logger.info(
        "evidence %s attached to case %s",
        item.pk,
        case.pk,
        extra={"evidence_id": item.pk, "case_id": case.pk, "sha256": item.sha256},
    )
    return item


def _case_closed(case: Case) -> ValidationFailed:
    return ValidationFailed(
        gettext("案件 #%(case_id)s 已结案，不能再添加证据。如有新证据，请先重新打开案件。"),
        code="case_closed",
        case_id=case.pk,
    )


def evidence_open(*, item: EvidenceItem, user: Any, purpose: Literal["view", "download"]) -> bytes:
    """Return the decrypted file after checking its hash, recording the read in its custody.

    A failed hash check is recorded too (hash_verified False) before
    IntegrityFailed is raised, so the custody chain shows when it was found.
    """
    actions = {"view": CustodyEvent.Action.VIEWED, "download": CustodyEvent.Action.DOWNLOADED}
    if purpose not in actions:
        raise ValueError(f"purpose must be 'view' or 'download', not {purpose!r}")
    evidence_access_check(user=user, case=item.case)

    try:
        content = file_read_verified(
            storage_name=item.storage_name, sha256=item.sha256, display_name=item.display_name
        )
    except IntegrityFailed:
        _custody_record(item=item, user=user, action=actions[purpose], hash_verified=False)
        logger.error(
            "evidence %s failed its integrity check",
            item.pk,
            extra={"evidence_id": item.pk, "case_id": item.case_id},
        )
        raise

    _custody_record(item=item, user=user, action=actions[purpose], hash_verified=True)
    return content


def _custody_record(*, item: EvidenceItem, user: Any, action: str, hash_verified: bool) -> None:
    with transaction.atomic():
        CustodyEvent.objects.create(
            item=item, action=action, actor=user, hash_verified=hash_verified
        )
        audit_record(
            actor=user,
            action=f"evidence.{action}",
            target_type="evidence",
            target_id=str(item.pk),
            after={"case_id": item.case_id, "hash_verified": hash_verified},
        )


def package_file_name(case: Case) -> str:
    return f"evidence-case-{case.pk}-{timezone.localdate():%Y%m%d}.zip"


def evidence_package_export(*, case: Case, user: Any) -> bytes:
    """Return a zip of the case's evidence with its SHA-256 manifest and custody log.

    Every file is decrypted and checked against its upload hash first; one
    mismatch stops the export with IntegrityFailed naming the file. The
    export is a custody event of every file, and the manifest's SHA-256 is
    written to the audit log.
    """
    evidence_export_check(user=user, case=case)
    items = list(EvidenceItem.objects.filter(case=case).select_related("uploaded_by"))
    if not items:
        raise ValidationFailed(
            gettext("案件 #%(case_id)s 还没有证据，无法导出证据包。"), case_id=case.pk
        )
    contents = [
        file_read_verified(
            storage_name=item.storage_name, sha256=item.sha256, display_name=item.display_name
        )
        for item in items
    ]

    with transaction.atomic():
        for item in items:
            CustodyEvent.objects.create(
                item=item, action=CustodyEvent.Action.EXPORTED, actor=user, hash_verified=True
            )
        built = package_build(
            header=PackageHeader(
                title=gettext("案件 #%(case_id)s 证据包") % {"case_id": case.pk},
                subject=case.employee.pseudonym,
                generated_by=user.get_username(),
                generated_at=timezone.now(),
            ),
            files=[
                _package_file(item, content) for item, content in zip(items, contents, strict=True)
            ],
            custody=_custody_rows(case, items),
        )
        audit_record(
            actor=user,
            action="evidence.package_export",
            target_type="case",
            target_id=str(case.pk),
            after={"files": len(items), "manifest_sha256": built.manifest_sha256},
        )

    logger.info(
        "evidence package of case %s exported with %s files",
        case.pk,
        len(items),
        extra={"case_id": case.pk, "manifest_sha256": built.manifest_sha256},
    )
    return built.content


def _package_file(item: EvidenceItem, content: bytes) -> PackageFile:
    return PackageFile(
        content=content,
        sha256=item.sha256,
        file_type=item.file_type,
        kind=item.kind,
        kind_label=str(EvidenceKind(item.kind).label),
        display_name=item.display_name,
        description=item.description,
        uploaded_at=item.uploaded_at,
        uploaded_by=item.uploaded_by.get_username(),
    )


def _custody_rows(case: Case, items: Sequence[EvidenceItem]) -> list[CustodyRow]:
    archive_names = {
        item.pk: archive_name_for(position, kind=item.kind, file_type=item.file_type)
        for position, item in enumerate(items, start=1)
    }
    return [
        CustodyRow(
            at=event.created_at,
            actor=event.actor.get_username(),
            action_label=str(CustodyEvent.Action(event.action).label),
            archive_name=archive_names[event.item_id],
            hash_verified=event.hash_verified,
        )
        for event in custody_for_case(case=case)
    ]
