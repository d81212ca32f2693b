"""Recognise evidence files by their content, never by their name.

Only the types HR keeps as evidence are accepted: call recordings (MP3, M4A,
WAV, AMR), screenshots and photographed notes (PNG, JPEG) and documents (PDF,
DOCX, XLSX). DOCX and XLSX are zip archives, so they are distinguished by the main
part declared in `[Content_Types].xml`, and an archive that would expand far
beyond its size (a zip bomb) is rejected before anything reads its parts.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from typing import IO

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hrguard.core.errors import ValidationFailed

# Bytes read from the start of a file to recognise it.
HEADER_BYTES = 64

# Limits for DOCX and XLSX archives. A genuine office document compresses its
# XML about 5 to 20 times, so a ratio of 100 leaves ample room for honest files.
ZIP_MAX_ENTRIES = 5000
ZIP_MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
ZIP_MAX_RATIO = 100
CONTENT_TYPES_MAX_BYTES = 256 * 1024

_DOCX_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_XLSX_MAIN = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_MACRO_MARKERS = (b"macroEnabled", b"vbaProject")

# ISO base media brands used by audio-only M4A files and by phone recorders.
_M4A_BRANDS = frozenset({b"M4A ", b"M4B ", b"mp42", b"mp41", b"isom", b"3gp4", b"3gp5"})


class FileType(models.TextChoices):
    MP3 = "mp3", "MP3"
    M4A = "m4a", "M4A"
    WAV = "wav", "WAV"
    AMR = "amr", "AMR"
    PNG = "png", "PNG"
    JPEG = "jpg", "JPG"
    PDF = "pdf", "PDF"
    DOCX = "docx", "DOCX"
    XLSX = "xlsx", "XLSX"


MEDIA_TYPES: dict[str, str] = {
    FileType.MP3: "audio/mpeg",
    FileType.M4A: "audio/mp4",
    FileType.WAV: "audio/wav",
    FileType.AMR: "audio/amr",
    FileType.PNG: "image/png",
    FileType.JPEG: "image/jpeg",
    FileType.PDF: "application/pdf",
    FileType.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    FileType.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

# Types a browser shows inline without running anything. Documents are always downloaded.
INLINE_FILE_TYPES = frozenset(
    {FileType.PNG, FileType.JPEG, FileType.MP3, FileType.M4A, FileType.WAV}
)

# Content rejected with its own name in the message, so HR learns why a ".pdf" failed.
_KNOWN_FORBIDDEN: tuple[tuple[re.Pattern[bytes], object], ...] = (
    (re.compile(rb"^MZ"), _("Windows 可执行程序")),
    (re.compile(rb"^\x7fELF"), _("Linux 可执行程序")),
    (re.compile(rb"^(\xcf\xfa\xed\xfe|\xfe\xed\xfa\xcf|\xca\xfe\xba\xbe)"), _("macOS 可执行程序")),
    (re.compile(rb"^#!"), _("脚本")),
    (
        re.compile(rb"^(\xef\xbb\xbf)?\s*<(!doctype\s+html|html|head|body|script|svg|\?xml)", re.I),
        _("HTML 或 XML 网页"),
    ),
)

ALLOWED_TYPES_TEXT = "MP3、M4A、WAV、AMR、PNG、JPG、PDF、DOCX、XLSX"


@dataclass(frozen=True)
class DetectedType:
    file_type: FileType

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.file_type]

    @property
    def extension(self) -> str:
        return str(self.file_type.value)


def file_type_detect(handle: IO[bytes], *, display_name: str) -> DetectedType:
    """Return the type of a seekable file from its content; raise ValidationFailed if not allowed.

    `display_name` is used only in messages. The handle is left at position 0.
    """
    handle.seek(0)
    header = handle.read(HEADER_BYTES)
    handle.seek(0)
    if not header:
        raise ValidationFailed(
            gettext("文件“%(name)s”是空文件，请选择有内容的文件。"),
            code="file_empty",
            name=display_name,
        )

    file_type = _match_signature(header)
    if file_type is None:
        raise _rejection(header, display_name)
    if header.startswith(b"PK\x03\x04"):
        file_type = _office_type(handle, display_name=display_name)
        handle.seek(0)
    return DetectedType(file_type)


def _match_signature(header: bytes) -> FileType | None:
    if header.startswith(b"%PDF-"):
        return FileType.PDF
    if header.startswith(b"\x89PNG\r\n\x1a\n"):
        return FileType.PNG
    if header.startswith(b"\xff\xd8\xff"):
        return FileType.JPEG
    if header.startswith(b"RIFF") and header[8:12] == b"WAVE":
        return FileType.WAV
    if header.startswith((b"#!AMR\n", b"#!AMR-WB\n")):
        return FileType.AMR
    if header[4:8] == b"ftyp" and header[8:12] in _M4A_BRANDS:
        return FileType.M4A
    if header.startswith(b"ID3") or _is_mpeg_audio_frame(header):
        return FileType.MP3
    if header.startswith(b"PK\x03\x04"):
        # Placeholder until the archive's content types decide between DOCX and XLSX.
        return FileType.DOCX
    return None


def _is_mpeg_audio_frame(header: bytes) -> bool:
    """Return whether the file starts with an MPEG audio frame header (11 sync bits)."""
    if len(header) < 4 or header[0] != 0xFF or header[1] & 0xE0 != 0xE0:
        return False
    version_bits = (header[1] >> 3) & 0x03
    layer_bits = (header[1] >> 1) & 0x03
    bitrate_index = header[2] >> 4
    return version_bits != 0x01 and layer_bits != 0x00 and bitrate_index != 0x0F


def _rejection(header: bytes, display_name: str) -> ValidationFailed:
    for pattern, label in _KNOWN_FORBIDDEN:
        if pattern.match(header):
            return ValidationFailed(
                gettext(
                    "文件“%(name)s”的实际内容是%(detected)s，不能作为证据上传。"
                    "只接受 %(allowed)s 文件，与文件扩展名无关。"
                ),
                code="file_type_rejected",
                name=display_name,
                detected=str(label),
                allowed=ALLOWED_TYPES_TEXT,
            )
    return ValidationFailed(
        gettext(
            "无法识别文件“%(name)s”的内容类型，不能作为证据上传。只接受 %(allowed)s 文件，"
            "请确认文件未损坏且类型正确。"
        ),
        code="file_type_unknown",
        name=display_name,
        allowed=ALLOWED_TYPES_TEXT,
    )


def _office_type(handle: IO[bytes], *, display_name: str) -> FileType:
    """Return DOCX or XLSX for a zip archive after checking it is not a bomb."""
    try:
        archive = zipfile.ZipFile(handle)
    except zipfile.BadZipFile as error:
        raise ValidationFailed(
            gettext("文件“%(name)s”是损坏的压缩包，无法作为 DOCX 或 XLSX 读取。"),
            code="file_zip_broken",
            name=display_name,
        ) from error

    with archive:
        zip_bomb_check(archive, display_name=display_name)
        try:
            with archive.open("[Content_Types].xml") as member:
                content_types = member.read(CONTENT_TYPES_MAX_BYTES + 1)
        except KeyError as error:
            raise _not_office(display_name) from error
        except (zipfile.BadZipFile, OSError, NotImplementedError) as error:
            raise ValidationFailed(
                gettext("文件“%(name)s”是损坏的压缩包，无法作为 DOCX 或 XLSX 读取。"),
                code="file_zip_broken",
                name=display_name,
            ) from error

    if len(content_types) > CONTENT_TYPES_MAX_BYTES:
        raise _not_office(display_name)
    if any(marker in content_types for marker in _MACRO_MARKERS):
        raise ValidationFailed(
            gettext(
                "文件“%(name)s”是含宏的 Office 文件，可能执行代码，不能作为证据上传。请另存为 DOCX 或 XLSX。"
            ),
            code="file_macro",
            name=display_name,
        )
    # The content types are matched as bytes, never parsed, so entity tricks in the XML do nothing.
    if _DOCX_MAIN in content_types:
        return FileType.DOCX
    if _XLSX_MAIN in content_types:
        return FileType.XLSX
    raise _not_office(display_name)


def _not_office(display_name: str) -> ValidationFailed:
    return ValidationFailed(
        gettext(
            "文件“%(name)s”是压缩包，但不是 Word（DOCX）或 Excel（XLSX）文档，不能作为证据上传。"
        ),
        code="file_zip_not_office",
        name=display_name,
    )


def zip_bomb_check(archive: zipfile.ZipFile, *, display_name: str) -> None:
    """Raise ValidationFailed when the archive has too many parts or expands too far.

    The sizes come from the archive's directory. Python's zipfile stops reading a
    part at its declared size, so a part that lies about its size cannot expand
    beyond what is checked here.
    """
    entries = archive.infolist()
    compressed = sum(entry.compress_size for entry in entries)
    uncompressed = sum(entry.file_size for entry in entries)
    too_large = uncompressed > ZIP_MAX_UNCOMPRESSED_BYTES
    too_dense = uncompressed > ZIP_MAX_RATIO * max(compressed, 1)
    if len(entries) > ZIP_MAX_ENTRIES or too_large or too_dense:
        raise ValidationFailed(
            gettext(
                "文件“%(name)s”解压后有 %(uncompressed)s 字节、%(entries)s 个部件，远超正常文档，"
                "可能是压缩炸弹，已拒绝。"
            ),
            code="file_zip_bomb",
            name=display_name,
            uncompressed=uncompressed,
            entries=len(entries),
        )
