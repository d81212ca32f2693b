"""Signed documents in DOCX and PDF, generated here, for the guarantee dispute tests."""

import datetime
import io
from pathlib import Path
from typing import Any

import docx
import pytest
from PIL import Image

from hrguard.cases.guarantee.models import GuaranteeDispute, SignedDocument
from hrguard.cases.guarantee.services import dispute_open, signed_document_add
from hrguard.people.models import Employee
from hrguard.privacy.roles import Role
from tests.cases.builders import make_user
from tests.evidence.conftest import upload
from tests.factories import EmployeeFactory

FONT = Path(__file__).resolve().parents[2] / (
    "src/hrguard/reports/static/reports/fonts/NotoSansSC-Regular-GB2312.ttf"
)
LABOUR_CONTRACT_TEXT = (
    "劳动合同。甲方：华东示例科技有限公司。乙方工作岗位为软件工程师，月工资人民币捌仟元。"
    "甲方招用乙方时，不得要求劳动者提供担保或者以其他名义向劳动者收取财物。"
)
GUARANTEE_TEXT = "借款申请书。本人自愿作为借款人的连带责任保证人，承担保证责任直至借款还清。"


def docx_bytes(paragraphs: tuple[str, ...] = (), table_cells: tuple[str, ...] = ()) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table_cells:
        table = document.add_table(rows=1, cols=len(table_cells))
        for cell, text in zip(table.rows[0].cells, table_cells, strict=True):
            cell.text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def pdf_from_html(body: str) -> bytes:
    """Render HTML to PDF with WeasyPrint, using the vendored Chinese font."""
    from weasyprint import HTML

    html = (
        "<html><head><meta charset='utf-8'><style>"
        f"@font-face {{ font-family: 'Noto Sans SC'; src: url('{FONT.as_uri()}'); }}"
        "body { font-family: 'Noto Sans SC', 'WenQuanYi Zen Hei'; }"
        f"</style></head><body>{body}</body></html>"
    )
    return HTML(string=html).write_pdf()


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), "white").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture(scope="session")
def guarantee_pdf() -> bytes:
    return pdf_from_html(f"<p>{GUARANTEE_TEXT}</p>")


@pytest.fixture(scope="session")
def image_only_pdf(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    image = tmp_path_factory.mktemp("scan") / "page.png"
    image.write_bytes(png_bytes())
    return pdf_from_html(f"<img src='{image.as_uri()}' width='300'>")


@pytest.fixture
def legal_user(db: None) -> Any:
    return make_user("legal-li", Role.LEGAL)


@pytest.fixture
def colleague(db: None) -> Employee:
    return EmployeeFactory(employee_no="E3001", name="陈静")


@pytest.fixture
def dispute(colleague: Employee, legal_user: Any) -> GuaranteeDispute:
    return dispute_open(
        colleague=colleague,
        user=legal_user,
        lender="速借金融平台",
        reported_on=datetime.date(2026, 11, 28),
        claimed_debtor="同事甲",
        notes="催收电话称其为担保人",
    )


def add_document(
    employee: Employee, user: Any, name: str, content: bytes, *, title: str, kind: str
) -> SignedDocument:
    return signed_document_add(
        employee=employee,
        user=user,
        uploaded_file=upload(name, content),
        title=title,
        kind=kind,
        signed_on=datetime.date(2024, 3, 1),
    )
