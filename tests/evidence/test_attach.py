"""Attaching evidence: hashed and encrypted on arrival, immutable under legal hold, custody recorded."""

import hashlib
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from hrguard.cases.evidence.models import CustodyEvent, EvidenceItem, EvidenceKind, LegalHoldError
from hrguard.cases.evidence.selectors import evidence_list_for_case
from hrguard.cases.evidence.services import evidence_attach, evidence_open
from hrguard.cases.evidence.storage import IntegrityFailed, _write_once, max_upload_bytes
from hrguard.cases.models import Case
from hrguard.cases.states import CaseState
from hrguard.core.errors import NotFound, PermissionDenied, ValidationFailed
from hrguard.privacy.models import AuditEntry
from hrguard.privacy.roles import Role
from tests.cases.builders import make_user
from tests.evidence.conftest import MP3_BYTES, PDF_BYTES, upload
from tests.factories import DepartmentFactory


def attach(
    case: Case, user: Any, name: str = "催收录音.mp3", content: bytes = MP3_BYTES
) -> EvidenceItem:
    return evidence_attach(
        case=case, user=user, uploaded_file=upload(name, content), description="11月20日催收来电"
    )


def stored_files(home: Path) -> list[Path]:
    return sorted((home / "evidence").glob("*")) if (home / "evidence").exists() else []


@pytest.mark.django_db
def test_evidence_attach_stores_hash_and_encrypted_file(
    case: Case, hr_user: Any, hrguard_home: Path
) -> None:
    item = attach(case, hr_user)

    assert item.sha256 == hashlib.sha256(MP3_BYTES).hexdigest()
    assert item.size == len(MP3_BYTES)
    assert item.file_type == "mp3"
    assert item.kind == EvidenceKind.RECORDING
    assert item.display_name == "催收录音.mp3"
    [path] = stored_files(hrguard_home)
    assert path.name == item.storage_name
    assert MP3_BYTES[:40] not in path.read_bytes()
    assert path.stat().st_mode & 0o777 == 0o400


@pytest.mark.django_db
def test_evidence_attach_records_custody_and_audit(case: Case, hr_user: Any) -> None:
    item = attach(case, hr_user)

    [event] = CustodyEvent.objects.filter(item=item)
    assert (event.action, event.actor, event.hash_verified) == ("uploaded", hr_user, True)
    entry = AuditEntry.objects.get(action="evidence.attach")
    assert entry.target_id == str(item.pk)
    assert entry.after["sha256"] == item.sha256


@pytest.mark.django_db
def test_evidence_attach_path_traversal_name_kept_as_text_only(
    case: Case, hr_user: Any, hrguard_home: Path
) -> None:
    item = attach(case, hr_user, name="../../../etc/cron.d/合同.pdf", content=PDF_BYTES)

    assert item.display_name == "合同.pdf"
    [path] = stored_files(hrguard_home)
    assert path.parent == hrguard_home / "evidence"
    assert "合同" not in path.name
    assert not (hrguard_home.parent / "etc").exists()


@pytest.mark.django_db
def test_evidence_attach_exe_named_pdf_rejected_and_nothing_stored(
    case: Case, hr_user: Any, hrguard_home: Path
) -> None:
    with pytest.raises(ValidationFailed) as raised:
        attach(case, hr_user, name="借条.pdf", content=b"MZ\x90\x00" + bytes(200))

    assert "Windows 可执行程序" in str(raised.value)
    assert EvidenceItem.objects.count() == 0
    assert stored_files(hrguard_home) == []


@pytest.mark.django_db
def test_evidence_attach_over_size_limit_rejected(
    case: Case, hr_user: Any, settings: Any, hrguard_home: Path
) -> None:
    settings.HRGUARD_EVIDENCE_MAX_BYTES = 1024 * 1024

    with pytest.raises(ValidationFailed) as raised:
        attach(case, hr_user, content=MP3_BYTES + bytes(1024 * 1024))

    assert str(raised.value) == "文件“催收录音.mp3”超过 1.0 MB 的上限，请压缩或拆分后再上传。"
    assert stored_files(hrguard_home) == []


@pytest.mark.django_db
def test_evidence_attach_closed_case_rejected(case: Case, hr_user: Any) -> None:
    Case.objects.filter(pk=case.pk).update(state=CaseState.CLOSED)
    case.refresh_from_db()

    with pytest.raises(ValidationFailed) as raised:
        attach(case, hr_user)

    assert raised.value.code == "case_closed"
    assert EvidenceItem.objects.count() == 0


@pytest.mark.django_db
def test_evidence_attach_without_role_denied_and_nothing_stored(
    case: Case, hrguard_home: Path
) -> None:
    auditor = make_user("auditor-wu", Role.AUDITOR)

    with pytest.raises(PermissionDenied):
        attach(case, auditor)

    assert EvidenceItem.objects.count() == 0
    assert stored_files(hrguard_home) == []


@pytest.mark.django_db
def test_evidence_list_out_of_scope_department_not_found(case: Case) -> None:
    other_department_hr = make_user(
        "hrbp-zhao", Role.HRBP, departments=(DepartmentFactory(name="销售部"),)
    )

    with pytest.raises(NotFound):
        evidence_list_for_case(case=case, user=other_department_hr)


@pytest.mark.django_db
def test_evidence_item_save_existing_raises(case: Case, hr_user: Any) -> None:
    item = attach(case, hr_user)
    item.description = "改写"

    with pytest.raises(LegalHoldError):
        item.save()
    with pytest.raises(LegalHoldError):
        EvidenceItem.objects.filter(pk=item.pk).update(description="改写")

    item.refresh_from_db()
    assert item.description == "11月20日催收来电"


@pytest.mark.django_db
def test_evidence_item_delete_open_case_raises(
    case: Case, hr_user: Any, hrguard_home: Path
) -> None:
    item = attach(case, hr_user)

    with pytest.raises(LegalHoldError) as raised:
        item.delete()
    with pytest.raises(LegalHoldError):
        EvidenceItem.objects.all().delete()

    assert str(raised.value) == f"案件 #{case.pk} 尚未结案，证据处于法律保全状态，不能删除。"
    assert EvidenceItem.objects.filter(pk=item.pk).exists()
    assert len(stored_files(hrguard_home)) == 1


@pytest.mark.django_db
def test_evidence_store_never_overwrites_file(case: Case, hr_user: Any, hrguard_home: Path) -> None:
    item = attach(case, hr_user)

    with pytest.raises(FileExistsError):
        _write_once(hrguard_home / "evidence" / item.storage_name, b"replacement")


@pytest.mark.django_db
def test_evidence_open_returns_content_and_records_custody(case: Case, hr_user: Any) -> None:
    item = attach(case, hr_user)

    content = evidence_open(item=item, user=hr_user, purpose="download")

    assert content == MP3_BYTES
    actions = list(CustodyEvent.objects.filter(item=item).values_list("action", "hash_verified"))
    assert actions == [("uploaded", True), ("downloaded", True)]
    assert (
        AuditEntry.objects.filter(action="evidence.downloaded", target_id=str(item.pk)).count() == 1
    )


@pytest.mark.django_db
def test_evidence_open_tampered_file_raises_and_records_failed_check(
    case: Case, hr_user: Any, hrguard_home: Path
) -> None:
    item = attach(case, hr_user)
    path = hrguard_home / "evidence" / item.storage_name
    path.chmod(0o600)
    token = bytearray(path.read_bytes())
    token[-1] ^= 0x01
    path.write_bytes(bytes(token))

    with pytest.raises(IntegrityFailed) as raised:
        evidence_open(item=item, user=hr_user, purpose="view")

    assert "无法解密，可能已被篡改" in str(raised.value)
    last = CustodyEvent.objects.filter(item=item).last()
    assert (last.action, last.hash_verified) == ("viewed", False)


@pytest.mark.django_db
def test_evidence_open_denied_user_records_nothing(case: Case, hr_user: Any) -> None:
    item = attach(case, hr_user)
    auditor = make_user("auditor-wu", Role.AUDITOR)

    with pytest.raises(PermissionDenied):
        evidence_open(item=item, user=auditor, purpose="view")

    assert CustodyEvent.objects.filter(item=item).count() == 1


def test_max_upload_bytes_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HRGUARD_EVIDENCE_MAX_MB", "8")

    assert max_upload_bytes() == 8 * 1024 * 1024


def test_max_upload_bytes_default_is_50_mb(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HRGUARD_EVIDENCE_MAX_MB", raising=False)

    assert max_upload_bytes() == 50 * 1024 * 1024


def test_max_upload_bytes_invalid_environment_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HRGUARD_EVIDENCE_MAX_MB", "50MB")

    with pytest.raises(ImproperlyConfigured):
        max_upload_bytes()
