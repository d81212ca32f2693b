"""The HR statement letter (情况说明) for a colleague falsely named as guarantor, as .docx.

The letter states only what the company can show: which signed documents it
holds, whether the clause search found guarantee wording in them, and which
documents are scans that a person still has to read.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Sequence
from dataclasses import dataclass

import docx
from django.utils.translation import gettext
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from hrguard.cases.guarantee.extract import TextStatus

FONT_NAME = "SimSun"


@dataclass(frozen=True)
class LetterDocument:
    title: str
    kind_label: str
    signed_on: datetime.date
    sha256: str
    status: str
    hits: Sequence[tuple[str, str]]  # (keyword, snippet)


@dataclass(frozen=True)
class LetterFacts:
    company: str
    colleague_name: str
    employee_no: str
    lender: str
    claimed_debtor: str
    reported_on: datetime.date
    clause_list_version: str
    keyword_count: int
    scanned_at: datetime.datetime
    documents: Sequence[LetterDocument]
    handled_by: str
    issued_on: datetime.date


def letter_render(facts: LetterFacts) -> bytes:
    """Return the statement letter as .docx bytes."""
    document = docx.Document()
    use_chinese_font(document)

    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading_run = heading.add_run(gettext("情况说明"))
    heading_run.bold = True
    heading_run.font.size = Pt(18)

    document.add_paragraph(
        gettext("致：%(lender)s") % {"lender": facts.lender or gettext("有关单位")}
    )
    document.add_paragraph(_opening(facts))
    _documents_section(document, facts)
    _findings_section(document, facts)
    document.add_paragraph(
        gettext(
            "本说明仅就本公司保存的上述文件作出。如贵方认为该员工签署过保证合同或担保条款，"
            "请提供经其本人签署的原件及电子签名认证证书，以便核实。"
        )
    )

    signature_block_add(
        document, company=facts.company, handled_by=facts.handled_by, issued_on=facts.issued_on
    )

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def signature_block_add(
    document: DocxDocument, *, company: str, handled_by: str, issued_on: datetime.date
) -> None:
    """Append the right-aligned company stamp line, the handler and the date in Chinese."""
    for line in (
        gettext("%(company)s（盖章）") % {"company": company},
        gettext("经办人：%(user)s") % {"user": handled_by},
        gettext("%(year)s年%(month)s月%(day)s日")
        % {"year": issued_on.year, "month": issued_on.month, "day": issued_on.day},
    ):
        paragraph = document.add_paragraph(line)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def use_chinese_font(document: DocxDocument) -> None:
    """Set the Normal style to a Chinese font, for Latin and East Asian characters alike."""
    style = document.styles["Normal"]
    style.font.name = FONT_NAME
    style.font.size = Pt(12)
    # Word takes the font of CJK characters from the East Asian attribute only.
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT_NAME)


def _opening(facts: LetterFacts) -> str:
    debtor = (
        gettext("借款人为%(debtor)s，") % {"debtor": facts.claimed_debtor}
        if facts.claimed_debtor
        else ""
    )
    return gettext(
        "本公司员工%(name)s（工号 %(employee_no)s）于 %(reported_on)s 向本公司反映：%(lender)s 称其为一笔借款的"
        "保证人（担保人），%(debtor)s该员工本人否认签署过任何担保文件。经本公司核查，现将有关情况说明如下。"
    ) % {
        "name": facts.colleague_name,
        "employee_no": facts.employee_no,
        "reported_on": facts.reported_on.isoformat(),
        "lender": facts.lender,
        "debtor": debtor,
    }


def _documents_section(document: DocxDocument, facts: LetterFacts) -> None:
    if not facts.documents:
        document.add_paragraph(gettext("一、本公司未保存该员工签署的任何文件。"))
        return

    document.add_paragraph(
        gettext("一、本公司保存的该员工签署的文件共 %(count)s 份：")
        % {"count": len(facts.documents)}
    )
    table = document.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    headers = (
        gettext("序号"),
        gettext("文件名称"),
        gettext("类别"),
        gettext("签署日期"),
        "SHA-256",
    )
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = text
    for position, item in enumerate(facts.documents, start=1):
        row = table.add_row().cells
        row[0].text = str(position)
        row[1].text = item.title
        row[2].text = item.kind_label
        row[3].text = item.signed_on.isoformat()
        row[4].text = item.sha256


def _findings_section(document: DocxDocument, facts: LetterFacts) -> None:
    searched = [item for item in facts.documents if item.status == TextStatus.SEARCHABLE]
    scans = [item for item in facts.documents if item.status != TextStatus.SEARCHABLE]
    with_hits = [item for item in searched if item.hits]

    document.add_paragraph(
        gettext(
            "二、本公司于 %(scanned_at)s 对上述可检索的 %(count)s 份文件逐份检索了全文，检索词表版本 %(version)s，"
            "共 %(keywords)s 个词，包括“保证人”“担保人”“连带责任”“共同借款人”“代偿”等。"
        )
        % {
            "scanned_at": facts.scanned_at.strftime("%Y-%m-%d %H:%M"),
            "count": len(searched),
            "version": facts.clause_list_version,
            "keywords": facts.keyword_count,
        }
    )
    if not with_hits:
        document.add_paragraph(gettext("检索结果：上述文件中均未发现保证、担保或共同借款条款。"))
    else:
        document.add_paragraph(
            gettext("检索结果：以下文件含有相关字样，原文摘录如下，须结合上下文判断是否构成担保：")
        )
        for item in with_hits:
            for keyword, snippet in item.hits:
                document.add_paragraph(
                    gettext("《%(title)s》“%(keyword)s”：%(snippet)s")
                    % {"title": item.title, "keyword": keyword, "snippet": snippet},
                    style="List Bullet",
                )
    if scans:
        document.add_paragraph(
            gettext(
                "以下 %(count)s 份文件为扫描件或无法读取文字，未经文字检索，需人工核对：%(titles)s。"
            )
            % {"count": len(scans), "titles": "、".join(f"《{item.title}》" for item in scans)}
        )
