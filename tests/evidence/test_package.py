"""Evidence packages: export, then verify detects any changed, missing or added file."""

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from hrguard.cases.evidence.models import CustodyEvent
from hrguard.cases.evidence.package import package_verify
from hrguard.cases.evidence.services import evidence_attach, evidence_open, evidence_package_export
from hrguard.cases.models import Case
from hrguard.core.errors import PermissionDenied, ValidationFailed
from hrguard.privacy.models import AuditEntry
from tests.evidence.conftest import MP3_BYTES, PDF_BYTES, upload


@pytest.fixture
def package_path(case: Case, hr_user: Any, legal_user: Any, tmp_path: Path) -> Path:
    """Export a package of a recording and a PDF, with one download in the custody log."""
    recording = evidence_attach(
        case=case, user=hr_user, uploaded_file=upload("录音.mp3", MP3_BYTES), description="催收来电"
    )
    evidence_attach(
        case=case,
        user=hr_user,
        uploaded_file=upload("授权书.pdf", PDF_BYTES),
        description="员工签署的授权书",
        kind="authorisation",
    )
    evidence_open(item=recording, user=legal_user, purpose="download")
    path = tmp_path / "package.zip"
    path.write_bytes(evidence_package_export(case=case, user=legal_user))
    return path


def rewrite(source: Path, target: Path, *, change: dict[str, bytes | None]) -> Path:
    """Copy a package, replacing members named in `change` (None drops the member)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            replacement = change.get(info.filename, old.read(info.filename))
            if replacement is not None:
                new.writestr(info.filename, replacement)
        for name, content in change.items():
            if name not in old.namelist() and content is not None:
                new.writestr(name, content)
    return target


@pytest.mark.django_db
def test_package_export_contains_files_manifest_and_custody(package_path: Path, case: Case) -> None:
    with zipfile.ZipFile(package_path) as archive:
        names = sorted(archive.namelist())
        manifest = json.loads(archive.read("manifest.json"))
        text = archive.read("manifest.txt").decode("utf-8")
        custody = archive.read("custody.csv").decode("utf-8-sig")
        recording = archive.read("files/001-recording.mp3")

    assert names == [
        "custody.csv",
        "files/001-recording.mp3",
        "files/002-authorisation.pdf",
        "manifest.json",
        "manifest.txt",
    ]
    assert recording == MP3_BYTES
    assert manifest["subject"] == case.employee.pseudonym
    assert [entry["uploaded_by"] for entry in manifest["files"]] == ["hr-zhang", "hr-zhang"]
    assert manifest["files"][1]["display_name"] == "授权书.pdf"
    assert "李晓华" not in json.dumps(manifest, ensure_ascii=False) + text + custody
    assert "上传人：hr-zhang" in text
    assert custody.splitlines()[0] == "时间,操作人,操作,文件,哈希已核验"
    assert len(custody.splitlines()) == 1 + 2 + 1 + 2  # header, uploads, download, exports


@pytest.mark.django_db
def test_package_export_records_custody_and_manifest_hash(package_path: Path, case: Case) -> None:
    report = package_verify(package_path)

    assert CustodyEvent.objects.filter(action="exported").count() == 2
    entry = AuditEntry.objects.get(action="evidence.package_export")
    assert entry.after == {"files": 2, "manifest_sha256": report.manifest_sha256}


@pytest.mark.django_db
def test_package_verify_untouched_package_intact(package_path: Path) -> None:
    report = package_verify(package_path)

    assert report.intact
    assert report.checked == 4


@pytest.mark.django_db
def test_package_verify_one_changed_byte_detected(package_path: Path, tmp_path: Path) -> None:
    changed = bytearray(PDF_BYTES)
    changed[10] ^= 0x01
    tampered = rewrite(
        package_path,
        tmp_path / "tampered.zip",
        change={"files/002-authorisation.pdf": bytes(changed)},
    )

    report = package_verify(tampered)

    assert [problem.message for problem in report.problems] == [
        "文件 files/002-authorisation.pdf 的 SHA-256 与清单不一致，内容已被改动。"
    ]


@pytest.mark.django_db
def test_package_verify_flipped_byte_in_archive_detected(
    package_path: Path, tmp_path: Path
) -> None:
    raw = bytearray(package_path.read_bytes())
    offset = raw.index(MP3_BYTES[:14])
    raw[offset + 20] ^= 0xFF
    tampered = tmp_path / "flipped.zip"
    tampered.write_bytes(bytes(raw))

    report = package_verify(tampered)

    assert [(problem.kind, problem.name) for problem in report.problems] == [
        ("unreadable", "files/001-recording.mp3")
    ]


@pytest.mark.django_db
def test_package_verify_missing_and_added_files_detected(
    package_path: Path, tmp_path: Path
) -> None:
    tampered = rewrite(
        package_path,
        tmp_path / "tampered.zip",
        change={"files/001-recording.mp3": None, "files/003-other.pdf": PDF_BYTES},
    )

    report = package_verify(tampered)

    assert [(problem.kind, problem.name) for problem in report.problems] == [
        ("missing", "files/001-recording.mp3"),
        ("added", "files/003-other.pdf"),
    ]


@pytest.mark.django_db
def test_package_verify_edited_custody_log_detected(package_path: Path, tmp_path: Path) -> None:
    tampered = rewrite(
        package_path, tmp_path / "tampered.zip", change={"custody.csv": b"\xef\xbb\xbf"}
    )

    report = package_verify(tampered)

    assert [(problem.kind, problem.name) for problem in report.problems] == [
        ("changed", "custody.csv")
    ]


@pytest.mark.django_db
def test_package_export_without_export_right_denied(case: Case, hr_user: Any) -> None:
    evidence_attach(
        case=case, user=hr_user, uploaded_file=upload("录音.mp3", MP3_BYTES), description="录音"
    )

    with pytest.raises(PermissionDenied):
        evidence_package_export(case=case, user=hr_user)

    assert CustodyEvent.objects.filter(action="exported").count() == 0


@pytest.mark.django_db
def test_package_export_empty_case_rejected(case: Case, legal_user: Any) -> None:
    with pytest.raises(ValidationFailed) as raised:
        evidence_package_export(case=case, user=legal_user)

    assert str(raised.value) == f"案件 #{case.pk} 还没有证据，无法导出证据包。"


@pytest.mark.django_db
def test_verify_command_intact_package_succeeds(package_path: Path) -> None:
    output = io.StringIO()

    call_command("evidence", "verify", str(package_path), stdout=output)

    assert "核验通过：4 个文件的 SHA-256 均与清单一致" in output.getvalue()


@pytest.mark.django_db
def test_verify_command_changed_file_exits_1_naming_file(
    package_path: Path, tmp_path: Path
) -> None:
    tampered = rewrite(
        package_path, tmp_path / "tampered.zip", change={"files/001-recording.mp3": b"x"}
    )
    errors = io.StringIO()

    with pytest.raises(CommandError) as raised:
        call_command("evidence", "verify", str(tampered), stderr=errors)

    assert raised.value.returncode == 1
    assert errors.getvalue().strip() == (
        "文件 files/001-recording.mp3 的 SHA-256 与清单不一致，内容已被改动。"
    )


def test_verify_command_not_a_package_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "note.zip"
    path.write_bytes(b"not a zip")

    result = subprocess.run(
        [sys.executable, "-m", "hrguard.cli", "evidence", "verify", str(path)],
        capture_output=True,
        text=True,
        check=False,
        env={"HRGUARD_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin"},
    )

    assert result.returncode == 1
    assert "不是可读取的 zip 证据包" in result.stderr


@pytest.mark.django_db
def test_export_command_writes_verifiable_package(
    case: Case, hr_user: Any, legal_user: Any, tmp_path: Path
) -> None:
    evidence_attach(
        case=case, user=hr_user, uploaded_file=upload("录音.mp3", MP3_BYTES), description="录音"
    )
    out = tmp_path / "out.zip"

    call_command(
        "evidence", "export", str(case.pk), str(out), "--user", "legal-li", stdout=io.StringIO()
    )

    assert package_verify(out).intact
    with pytest.raises(CommandError) as raised:
        call_command("evidence", "export", str(case.pk), str(out), "--user", "legal-li")
    assert "已存在" in str(raised.value)


@pytest.mark.django_db
def test_package_verify_repeated_member_name_detected(package_path: Path, tmp_path: Path) -> None:
    tampered = tmp_path / "repeated.zip"
    tampered.write_bytes(package_path.read_bytes())
    with (
        pytest.warns(UserWarning, match="Duplicate name"),
        zipfile.ZipFile(tampered, "a") as archive,
    ):
        archive.writestr("files/001-recording.mp3", MP3_BYTES)

    report = package_verify(tampered)

    assert [(problem.kind, problem.name) for problem in report.problems] == [
        ("duplicate", "files/001-recording.mp3")
    ]
