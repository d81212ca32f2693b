"""Evidence types are recognised from content, and disguised or dangerous files are rejected."""

import io

import openpyxl
import pytest

from hrguard.cases.evidence.filetypes import FileType, file_type_detect
from hrguard.core.errors import ValidationFailed
from tests.evidence.conftest import MP3_BYTES, PDF_BYTES, PNG_BYTES, docx_bytes, zip_bytes

DOCX_CONTENT_TYPE = (
    b'<?xml version="1.0"?><Types><Override PartName="/word/document.xml" ContentType='
    b'"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)


def xlsx_bytes() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append(["借款人", "金额"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def detect(content: bytes, name: str = "证据.pdf") -> FileType:
    return file_type_detect(io.BytesIO(content), display_name=name).file_type


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (PDF_BYTES, FileType.PDF),
        (PNG_BYTES, FileType.PNG),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(50), FileType.JPEG),
        (MP3_BYTES, FileType.MP3),
        (b"\xff\xfb\x90\x64" + bytes(100), FileType.MP3),
        (b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(40), FileType.WAV),
        (b"#!AMR\n" + bytes(40), FileType.AMR),
        (b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00" + bytes(40), FileType.M4A),
    ],
)
def test_file_type_detect_signature_returns_type(content: bytes, expected: FileType) -> None:
    assert detect(content) == expected


def test_file_type_detect_docx_from_content_types() -> None:
    assert detect(docx_bytes("劳动合同"), "合同.pdf") == FileType.DOCX


def test_file_type_detect_xlsx_from_content_types() -> None:
    assert detect(xlsx_bytes(), "工资条.docx") == FileType.XLSX


def test_file_type_detect_exe_named_pdf_rejected() -> None:
    with pytest.raises(ValidationFailed) as raised:
        detect(b"MZ\x90\x00\x03\x00\x00\x00" + bytes(100), "借款合同.pdf")

    assert raised.value.code == "file_type_rejected"
    assert str(raised.value) == (
        "文件“借款合同.pdf”的实际内容是Windows 可执行程序，不能作为证据上传。"
        "只接受 MP3、M4A、WAV、AMR、PNG、JPG、PDF、DOCX、XLSX 文件，与文件扩展名无关。"
    )


def test_file_type_detect_html_named_pdf_rejected() -> None:
    with pytest.raises(ValidationFailed) as raised:
        detect(b"\n  <!DOCTYPE html><html><script>alert(1)</script></html>", "授权书.pdf")

    assert raised.value.code == "file_type_rejected"
    assert "HTML 或 XML 网页" in str(raised.value)


def test_file_type_detect_unknown_content_rejected() -> None:
    with pytest.raises(ValidationFailed) as raised:
        detect(b"just some text", "记录.pdf")

    assert raised.value.code == "file_type_unknown"


def test_file_type_detect_zip_bomb_as_docx_rejected() -> None:
    bomb = zip_bytes(
        {"[Content_Types].xml": DOCX_CONTENT_TYPE, "word/document.xml": bytes(20 * 1024 * 1024)}
    )

    with pytest.raises(ValidationFailed) as raised:
        detect(bomb, "劳动合同.docx")

    assert raised.value.code == "file_zip_bomb"
    assert "可能是压缩炸弹" in str(raised.value)


def test_file_type_detect_plain_zip_rejected() -> None:
    with pytest.raises(ValidationFailed) as raised:
        detect(zip_bytes({"readme.txt": b"hello"}), "合同.docx")

    assert raised.value.code == "file_zip_not_office"


def test_file_type_detect_macro_workbook_rejected() -> None:
    content_types = DOCX_CONTENT_TYPE.replace(
        b"document.main+xml", b"document.macroEnabled.main+xml"
    )

    with pytest.raises(ValidationFailed) as raised:
        detect(zip_bytes({"[Content_Types].xml": content_types}), "合同.docx")

    assert raised.value.code == "file_macro"


def test_file_type_detect_empty_file_rejected() -> None:
    with pytest.raises(ValidationFailed) as raised:
        detect(b"", "空.pdf")

    assert raised.value.code == "file_empty"
