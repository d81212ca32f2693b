"""Encrypted, write-once file storage under HRGUARD_HOME/evidence/.

Files are named by a random token, never by the uploader's file name, so no
upload can choose where it lands. Each file is written once with O_EXCL and
made read-only. The SHA-256 of the plaintext is computed while the upload is
read, and checked again on every read.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import secrets
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext

from hrguard.cases.evidence.filetypes import DetectedType, file_type_detect
from hrguard.core import crypto
from hrguard.core.errors import HrguardError, ValidationFailed

logger = logging.getLogger(__name__)

ENCRYPTION_PURPOSE = "evidence"
STORE_FOLDER = "evidence"
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
MAX_MB_VARIABLE = "HRGUARD_EVIDENCE_MAX_MB"
DISPLAY_NAME_MAX_CHARS = 200
_CHUNK_BYTES = 1024 * 1024


class IntegrityFailed(HrguardError):
    code = "evidence_integrity"


class UploadedFileLike(Protocol):
    """The part of Django's UploadedFile that storage reads."""

    name: str | None

    def chunks(self, chunk_size: int | None = None) -> Iterable[bytes]: ...


@dataclass(frozen=True)
class StoredFile:
    storage_name: str
    display_name: str
    file_type: str
    media_type: str
    sha256: str
    size: int
    key_id: str


def max_upload_bytes() -> int:
    """Return the size limit for one evidence file in bytes.

    From the HRGUARD_EVIDENCE_MAX_BYTES setting if set, else from the
    HRGUARD_EVIDENCE_MAX_MB environment variable, else 50 MB.
    """
    configured = getattr(settings, "HRGUARD_EVIDENCE_MAX_BYTES", None)
    if configured is not None:
        return int(configured)
    megabytes = os.environ.get(MAX_MB_VARIABLE, "").strip()
    if not megabytes:
        return DEFAULT_MAX_BYTES
    try:
        limit = int(megabytes) * 1024 * 1024
    except ValueError as error:
        raise ImproperlyConfigured(
            f"{MAX_MB_VARIABLE} must be a whole number of megabytes, not {megabytes!r}."
        ) from error
    if limit <= 0:
        raise ImproperlyConfigured(f"{MAX_MB_VARIABLE} must be positive, not {megabytes!r}.")
    return limit


def store_folder() -> Path:
    return Path(settings.HRGUARD_HOME) / STORE_FOLDER


def display_name_clean(name: str | None) -> str:
    """Return the uploader's file name as plain display text without any folder part.

    Templates escape it on output; it is never used as a path.
    """
    text = unicodedata.normalize("NFC", name or "")
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join(char for char in text if unicodedata.category(char)[0] != "C").strip()
    return text[:DISPLAY_NAME_MAX_CHARS] or gettext("未命名文件")


def file_store(*, uploaded_file: UploadedFileLike) -> StoredFile:
    """Check, hash, encrypt and write an uploaded file; return what was stored.

    Raises ValidationFailed when the file is empty, too large or not an allowed type.
    """
    display_name = display_name_clean(uploaded_file.name)
    limit = max_upload_bytes()

    # Kept in memory (bounded by the size limit), so this adds no plaintext copy on
    # disk. Django itself spools uploads over FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file.
    buffer = io.BytesIO()
    digest, size = _copy_hashed(uploaded_file, buffer, limit=limit, display_name=display_name)
    detected: DetectedType = file_type_detect(buffer, display_name=display_name)
    plaintext = buffer.getvalue()

    # TODO: `hrguard keys rotate` re-encrypts columns only, so stored files keep their old key id.
    token = crypto.encrypt(plaintext, purpose=ENCRYPTION_PURPOSE)
    storage_name = f"{secrets.token_hex(16)}.bin"
    _write_once(store_folder() / storage_name, token)
    logger.info(
        "evidence file stored as %s (%s bytes, %s)",
        storage_name,
        size,
        detected.extension,
        extra={"storage_name": storage_name, "size": size, "sha256": digest},
    )
    return StoredFile(
        storage_name=storage_name,
        display_name=display_name,
        file_type=detected.extension,
        media_type=detected.media_type,
        sha256=digest,
        size=size,
        key_id=crypto.token_key_id(token),
    )


def _copy_hashed(
    uploaded_file: UploadedFileLike, target: IO[bytes], *, limit: int, display_name: str
) -> tuple[str, int]:
    """Copy the upload into `target` while hashing it; stop as soon as it passes `limit`."""
    digest = hashlib.sha256()
    size = 0
    for chunk in uploaded_file.chunks(_CHUNK_BYTES):
        size += len(chunk)
        if size > limit:
            raise ValidationFailed(
                gettext("文件“%(name)s”超过 %(limit_mb)s MB 的上限，请压缩或拆分后再上传。"),
                code="file_too_large",
                name=display_name,
                limit_mb=round(limit / (1024 * 1024), 1),
            )
        digest.update(chunk)
        target.write(chunk)
    if size == 0:
        raise ValidationFailed(
            gettext("文件“%(name)s”是空文件，请选择有内容的文件。"),
            code="file_empty",
            name=display_name,
        )
    return digest.hexdigest(), size


def _write_once(path: Path, data: bytes) -> None:
    """Create `path` with `data`; an existing file is never replaced."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    path.chmod(0o400)


def file_read_verified(*, storage_name: str, sha256: str, display_name: str) -> bytes:
    """Decrypt a stored file and check its SHA-256; raise IntegrityFailed on any mismatch."""
    path = store_folder() / storage_name
    try:
        token = path.read_bytes()
    except FileNotFoundError as error:
        raise IntegrityFailed(
            gettext(
                "证据文件“%(name)s”在存储中找不到（%(storage_name)s），请联系系统管理员从备份恢复。"
            ),
            name=display_name,
            storage_name=storage_name,
        ) from error

    try:
        plaintext = crypto.decrypt(token, purpose=ENCRYPTION_PURPOSE)
    except crypto.DecryptionError as error:
        raise IntegrityFailed(
            gettext("证据文件“%(name)s”无法解密，可能已被篡改：%(reason)s"),
            name=display_name,
            reason=error.message,
        ) from error

    actual = hashlib.sha256(plaintext).hexdigest()
    if actual != sha256:
        raise IntegrityFailed(
            gettext("证据文件“%(name)s”的 SHA-256 与上传时不一致，文件已被改动。"),
            name=display_name,
        )
    return plaintext


def file_remove(*, storage_name: str) -> None:
    """Delete a stored file; callers check the legal hold first."""
    path = store_folder() / storage_name
    if path.exists():
        path.chmod(0o600)
    path.unlink(missing_ok=True)
