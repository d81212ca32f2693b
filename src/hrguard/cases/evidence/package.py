"""The evidence package: a zip of files, a SHA-256 manifest and the custody log, and its check.

Layout of a package:

- ``files/NNN-<kind>.<ext>``: the decrypted files, named by position and type only;
- ``manifest.json``: for each file its SHA-256, size, upload time and uploader,
  plus the SHA-256 of ``manifest.txt`` and ``custody.csv``;
- ``manifest.txt``: the same list in Chinese for people;
- ``custody.csv``: every recorded access to the files (UTF-8 with BOM for Excel).

`package_verify` recomputes every hash and reports changed, missing and added
members. It cannot detect a forger who rewrites manifest.json consistently, so
the exporter records the manifest's SHA-256 in the audit log, where it can be
compared with the value `package_verify` prints.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext

from hrguard.ingest.values import escape_formula

FORMAT_NAME = "hrguard-evidence-package"
FORMAT_VERSION = 1
MANIFEST_JSON = "manifest.json"
MANIFEST_TEXT = "manifest.txt"
CUSTODY_CSV = "custody.csv"
FILES_FOLDER = "files/"
_HASH_CHUNK_BYTES = 1024 * 1024


@dataclass(frozen=True)
class PackageFile:
    """One file to put in a package, with the facts the manifest states about it."""

    content: bytes
    sha256: str
    file_type: str
    kind: str
    kind_label: str
    display_name: str
    description: str
    uploaded_at: datetime.datetime
    uploaded_by: str


@dataclass(frozen=True)
class CustodyRow:
    at: datetime.datetime
    actor: str
    action_label: str
    archive_name: str
    hash_verified: bool


@dataclass(frozen=True)
class PackageHeader:
    title: str
    subject: str
    generated_by: str
    generated_at: datetime.datetime


@dataclass(frozen=True)
class BuiltPackage:
    content: bytes
    manifest_sha256: str
    archive_names: tuple[str, ...]


def archive_name_for(position: int, *, kind: str, file_type: str) -> str:
    """Return a file's name inside the package, made of its position and types only."""
    return f"{FILES_FOLDER}{position:03d}-{kind}.{file_type}"


def package_build(
    *, header: PackageHeader, files: Sequence[PackageFile], custody: Sequence[CustodyRow]
) -> BuiltPackage:
    """Return the zip bytes of a package. Every file's content must match its sha256."""
    names = [
        archive_name_for(position, kind=item.kind, file_type=item.file_type)
        for position, item in enumerate(files, start=1)
    ]
    for name, item in zip(names, files, strict=True):
        if hashlib.sha256(item.content).hexdigest() != item.sha256:
            raise ValueError(f"content of {name} does not match its recorded SHA-256")

    manifest_text = _manifest_text(header, names, files).encode("utf-8")
    custody_csv = _custody_csv(custody)
    manifest = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "title": header.title,
        "subject": header.subject,
        "generated_by": header.generated_by,
        "generated_at": _local_iso(header.generated_at),
        "files": [_manifest_entry(name, item) for name, item in zip(names, files, strict=True)],
        "documents": {
            MANIFEST_TEXT: hashlib.sha256(manifest_text).hexdigest(),
            CUSTODY_CSV: hashlib.sha256(custody_csv).hexdigest(),
        },
    }
    manifest_json = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")

    buffer = io.BytesIO()
    stamp = timezone.localtime(header.generated_at).timetuple()[:6]
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, item in zip(names, files, strict=True):
            # Stored, not deflated: recordings and images are compressed already, and
            # stored members can be checked with any zip tool byte for byte.
            archive.writestr(zipfile.ZipInfo(name, date_time=stamp), item.content)
        for name, content in (
            (MANIFEST_TEXT, manifest_text),
            (CUSTODY_CSV, custody_csv),
            (MANIFEST_JSON, manifest_json),
        ):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return BuiltPackage(
        content=buffer.getvalue(),
        manifest_sha256=hashlib.sha256(manifest_json).hexdigest(),
        archive_names=tuple(names),
    )


def _local_iso(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _manifest_entry(name: str, item: PackageFile) -> dict[str, Any]:
    return {
        "path": name,
        "display_name": item.display_name,
        "kind": item.kind,
        "description": item.description,
        "sha256": item.sha256,
        "size": len(item.content),
        "uploaded_at": _local_iso(item.uploaded_at),
        "uploaded_by": item.uploaded_by,
    }


def _manifest_text(
    header: PackageHeader, names: Sequence[str], files: Sequence[PackageFile]
) -> str:
    lines = [
        header.title,
        gettext("对象：%(subject)s") % {"subject": header.subject},
        gettext("生成时间：%(at)s") % {"at": _local_iso(header.generated_at)},
        gettext("生成人：%(user)s") % {"user": header.generated_by},
        gettext("文件数：%(count)s") % {"count": len(files)},
        "",
    ]
    for position, (name, item) in enumerate(zip(names, files, strict=True), start=1):
        lines.extend(
            [
                gettext("%(position)s. %(path)s") % {"position": position, "path": name},
                gettext("   原文件名：%(name)s") % {"name": item.display_name},
                gettext("   类别：%(kind)s") % {"kind": item.kind_label},
                gettext("   说明：%(description)s") % {"description": item.description},
                gettext("   大小：%(size)s 字节") % {"size": len(item.content)},
                gettext("   上传时间：%(at)s") % {"at": _local_iso(item.uploaded_at)},
                gettext("   上传人：%(user)s") % {"user": item.uploaded_by},
                gettext("   SHA-256：%(sha256)s") % {"sha256": item.sha256},
                "",
            ]
        )
    lines.append(
        gettext(
            "核验方法：运行 hrguard evidence verify <证据包.zip>，或用任一 SHA-256 工具计算 files/ "
            "下每个文件的哈希，与上面的值逐一比对。manifest.json 的 SHA-256 已在导出时记入审计日志。"
        )
    )
    return "\n".join(lines) + "\n"


def _custody_csv(rows: Sequence[CustodyRow]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(
        [
            gettext("时间"),
            gettext("操作人"),
            gettext("操作"),
            gettext("文件"),
            gettext("哈希已核验"),
        ]
    )
    for row in rows:
        writer.writerow(
            [
                _local_iso(row.at),
                # A user name may start with "@" or "+", which Excel would run as a formula.
                escape_formula(row.actor),
                row.action_label,
                escape_formula(row.archive_name),
                gettext("是") if row.hash_verified else gettext("否"),
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


@dataclass(frozen=True)
class PackageProblem:
    kind: str  # "changed", "missing", "added", "unreadable" or "duplicate"
    name: str

    @property
    def message(self) -> str:
        texts = {
            "changed": gettext("文件 %(name)s 的 SHA-256 与清单不一致，内容已被改动。"),
            "missing": gettext("清单中的文件 %(name)s 不在证据包中。"),
            "added": gettext("证据包中的文件 %(name)s 不在清单中，是后来加入的。"),
            "unreadable": gettext("文件 %(name)s 无法读取，证据包已损坏。"),
            "duplicate": gettext("证据包中有多个名为 %(name)s 的文件，无法确定哪一个是原件。"),
        }
        return texts[self.kind] % {"name": self.name}


@dataclass
class PackageReport:
    checked: int = 0
    manifest_sha256: str = ""
    problems: list[PackageProblem] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problems


class PackageUnreadable(Exception):
    """The file is not a zip or has no valid manifest.json; the message is for people."""


def package_verify(path: Path) -> PackageReport:
    """Recompute the hash of every member and compare it with manifest.json."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise PackageUnreadable(
            gettext("%(path)s 不是可读取的 zip 证据包：%(reason)s")
            % {"path": path, "reason": error}
        ) from error

    with archive:
        expected = _expected_hashes(archive, path)
        report = PackageReport(manifest_sha256=_member_sha256(archive, MANIFEST_JSON) or "")
        names = [info.filename for info in archive.infolist() if not info.is_dir()]
        present = set(names)
        # zipfile reads the last of several members with one name, while other
        # tools may show the first, so a repeated name is a problem in itself.
        for name in sorted({name for name in names if names.count(name) > 1}):
            report.problems.append(PackageProblem("duplicate", name))
        for name, sha256 in expected.items():
            if name not in present:
                report.problems.append(PackageProblem("missing", name))
                continue
            actual = _member_sha256(archive, name)
            report.checked += 1
            if actual is None:
                report.problems.append(PackageProblem("unreadable", name))
            elif actual != sha256:
                report.problems.append(PackageProblem("changed", name))
        for name in sorted(present - set(expected) - {MANIFEST_JSON}):
            report.problems.append(PackageProblem("added", name))
    return report


def _expected_hashes(archive: zipfile.ZipFile, path: Path) -> dict[str, str]:
    try:
        manifest = json.loads(archive.read(MANIFEST_JSON).decode("utf-8"))
    except KeyError as error:
        raise PackageUnreadable(
            gettext("%(path)s 中没有 manifest.json，不是 hrguard 证据包。") % {"path": path}
        ) from error
    except (ValueError, zipfile.BadZipFile) as error:
        raise PackageUnreadable(
            gettext("%(path)s 中的 manifest.json 已损坏，无法核验。") % {"path": path}
        ) from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
        raise PackageUnreadable(
            gettext("%(path)s 中的 manifest.json 不是 hrguard 证据包清单。") % {"path": path}
        )

    expected: dict[str, str] = {}
    try:
        for entry in manifest["files"]:
            expected[str(entry["path"])] = str(entry["sha256"])
        for name, sha256 in manifest["documents"].items():
            expected[str(name)] = str(sha256)
    except (KeyError, TypeError, AttributeError) as error:
        raise PackageUnreadable(
            gettext("%(path)s 中的 manifest.json 缺少文件列表或哈希，无法核验。") % {"path": path}
        ) from error
    return expected


def _member_sha256(archive: zipfile.ZipFile, name: str) -> str | None:
    """Return the SHA-256 of one member, or None when it is absent or cannot be read."""
    digest = hashlib.sha256()
    try:
        with archive.open(name) as member:
            while chunk := member.read(_HASH_CHUNK_BYTES):
                digest.update(chunk)
    except (KeyError, zipfile.BadZipFile, OSError, NotImplementedError):
        return None
    return digest.hexdigest()
