"""One-click search of a colleague's signed documents, the statement letter and the package."""

import io
import zipfile
from pathlib import Path
from typing import Any

import docx
import pypdf
import pytest

from hrguard.cases.evidence.models import LegalHoldError
from hrguard.cases.evidence.package import package_verify
from hrguard.cases.guarantee.extract import TextStatus, text_extract
from hrguard.cases.guarantee.models import GuaranteeDispute, SignedDocument
from hrguard.cases.guarantee.services import (
    dispute_letter_generate,
    dispute_open,
    dispute_package_export,
    dispute_scan,
    dispute_status_set,
)
from hrguard.core.errors import PermissionDenied, ValidationFailed
from hrguard.people.models import Employee
from hrguard.privacy.models import AuditEntry
from hrguard.privacy.roles import Role
from tests.cases.builders import make_user
from tests.evidence.conftest import MP3_BYTES
from tests.guarantee.conftest import (
    LABOUR_CONTRACT_TEXT,
    add_document,
    docx_bytes,
    png_bytes,
)


def letter_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([paragraph.text for paragraph in document.paragraphs] + cells)


def test_pdf_with_chinese_text_extracted_by_pypdf(guarantee_pdf: bytes) -> None:
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(guarantee_pdf)).pages)

    assert "连带责任保证人" in text.replace(" ", "").replace("\n", "")


def test_text_extract_image_only_pdf_reports_scan(image_only_pdf: bytes) -> None:
    assert text_extract(image_only_pdf, "pdf").status == TextStatus.SCANNED


def test_text_extract_docx_includes_table_cells() -> None:
    extracted = text_extract(docx_bytes(("正文",), ("借款人", "保证人：陈静")), "docx")

    assert extracted.status == TextStatus.SEARCHABLE
    assert "保证人：陈静" in extracted.text


@pytest.mark.django_db
def test_dispute_scan_docx_table_and_pdf_hits(
    dispute: GuaranteeDispute,
    colleague: Employee,
    legal_user: Any,
    guarantee_pdf: bytes,
    image_only_pdf: bytes,
) -> None:
    add_document(
        colleague,
        legal_user,
        "合同.docx",
        docx_bytes((LABOUR_CONTRACT_TEXT,)),
        title="劳动合同",
        kind="labour_contract",
    )
    add_document(
        colleague,
        legal_user,
        "申请.docx",
        docx_bytes(("借款申请",), ("共同借款人签字", "陈静")),
        title="借款申请表",
        kind="loan_application",
    )
    add_document(
        colleague,
        legal_user,
        "申请书.pdf",
        guarantee_pdf,
        title="借款申请书",
        kind="loan_application",
    )
    add_document(
        colleague,
        legal_user,
        "授权书.pdf",
        image_only_pdf,
        title="工资代扣授权书",
        kind="authorisation",
    )

    scan = dispute_scan(dispute=dispute, user=legal_user)

    by_title = {result["title"]: result for result in scan.results}
    assert by_title["劳动合同"]["status"] == "searchable"
    assert by_title["劳动合同"]["hits"] == []
    assert [hit["keyword"] for hit in by_title["借款申请表"]["hits"]] == ["共同借款人"]
    assert [hit["keyword"] for hit in by_title["借款申请书"]["hits"]] == [
        "连带责任",
        "保证人",
        "保证责任",
    ]
    assert "【连带责任】" in by_title["借款申请书"]["hits"][0]["snippet"]
    assert by_title["工资代扣授权书"]["status"] == "scanned"
    assert (scan.documents, scan.hits, scan.not_searchable) == (4, 4, 1)
    assert AuditEntry.objects.filter(action="signed_document.read").count() == 4


@pytest.mark.django_db
def test_dispute_letter_no_clause_states_facts(
    dispute: GuaranteeDispute, colleague: Employee, legal_user: Any
) -> None:
    add_document(
        colleague,
        legal_user,
        "合同.docx",
        docx_bytes((LABOUR_CONTRACT_TEXT,)),
        title="2024 年劳动合同",
        kind="labour_contract",
    )
    add_document(
        colleague, legal_user, "签收.png", png_bytes(), title="工资条签收单", kind="payslip_receipt"
    )

    text = letter_text(dispute_letter_generate(dispute=dispute, user=legal_user))

    assert "致：速借金融平台" in text
    assert "本公司员工陈静（工号 E3001）于 2026-11-28 向本公司反映" in text
    assert "借款人为同事甲" in text
    assert "本公司保存的该员工签署的文件共 2 份" in text
    assert "2024 年劳动合同" in text
    assert "检索结果：上述文件中均未发现保证、担保或共同借款条款。" in text
    assert (
        "以下 1 份文件为扫描件或无法读取文字，未经文字检索，需人工核对：《工资条签收单》。" in text
    )
    assert "经办人：legal-li" in text


@pytest.mark.django_db
def test_dispute_letter_with_clause_lists_hits(
    dispute: GuaranteeDispute, colleague: Employee, legal_user: Any, guarantee_pdf: bytes
) -> None:
    add_document(
        colleague,
        legal_user,
        "申请书.pdf",
        guarantee_pdf,
        title="借款申请书",
        kind="loan_application",
    )

    text = letter_text(dispute_letter_generate(dispute=dispute, user=legal_user))

    assert "检索结果：以下文件含有相关字样" in text
    assert "《借款申请书》“连带责任”" in text
    assert "均未发现" not in text


@pytest.mark.django_db
def test_dispute_package_verifies_with_letter_and_documents(
    dispute: GuaranteeDispute, colleague: Employee, legal_user: Any, tmp_path: Path
) -> None:
    contract = docx_bytes((LABOUR_CONTRACT_TEXT,))
    add_document(
        colleague, legal_user, "合同.docx", contract, title="劳动合同", kind="labour_contract"
    )
    path = tmp_path / "dispute.zip"

    path.write_bytes(dispute_package_export(dispute=dispute, user=legal_user))

    report = package_verify(path)
    assert report.intact
    with zipfile.ZipFile(path) as archive:
        assert archive.read("files/002-labour_contract.docx") == contract
        assert "情况说明" in letter_text(archive.read("files/001-statement.docx"))
        custody = archive.read("custody.csv").decode("utf-8-sig")
    assert "legal-li,上传,files/002-labour_contract.docx,是" in custody
    assert AuditEntry.objects.get(action="guarantee.package_export").after["manifest_sha256"] == (
        report.manifest_sha256
    )


@pytest.mark.django_db
def test_dispute_package_without_export_right_denied(dispute: GuaranteeDispute) -> None:
    hr_manager = make_user("hr-wang")

    with pytest.raises(PermissionDenied):
        dispute_package_export(dispute=dispute, user=hr_manager)

    assert not AuditEntry.objects.filter(action="guarantee.package_export").exists()


@pytest.mark.django_db
def test_dispute_open_without_role_denied(colleague: Employee) -> None:
    auditor = make_user("auditor-wu", Role.AUDITOR)

    with pytest.raises(PermissionDenied):
        dispute_open(
            colleague=colleague, user=auditor, lender="某平台", reported_on=colleague.hire_date
        )

    assert GuaranteeDispute.objects.count() == 0


@pytest.mark.django_db
def test_signed_document_recording_rejected(colleague: Employee, legal_user: Any) -> None:
    with pytest.raises(ValidationFailed) as raised:
        add_document(colleague, legal_user, "录音.mp3", MP3_BYTES, title="通话", kind="other")

    assert (
        str(raised.value)
        == "签署文件须为 PDF、DOCX、XLSX 或扫描图片（PNG、JPG），“录音.mp3”是录音。"
    )


@pytest.mark.django_db
def test_signed_document_delete_open_dispute_raises(
    dispute: GuaranteeDispute, colleague: Employee, legal_user: Any
) -> None:
    document = add_document(
        colleague,
        legal_user,
        "合同.docx",
        docx_bytes(("合同",)),
        title="劳动合同",
        kind="labour_contract",
    )

    with pytest.raises(LegalHoldError):
        document.delete()

    assert SignedDocument.objects.filter(pk=document.pk).exists()


@pytest.mark.django_db
def test_dispute_status_set_records_audit(dispute: GuaranteeDispute, legal_user: Any) -> None:
    dispute = dispute_status_set(dispute=dispute, user=legal_user, status="resolved")

    assert dispute.status == "resolved"
    entry = AuditEntry.objects.get(action="guarantee.dispute_status")
    assert (entry.before, entry.after) == ({"status": "open"}, {"status": "resolved"})
