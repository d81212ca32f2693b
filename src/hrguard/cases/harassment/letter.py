"""The stop-contact letter (停止骚扰告知函) to a lending platform, as .docx.

The letter states the contacts the company recorded and asks the platform to
stop contacting people who are not its borrowers. It neither confirms nor
denies that the claimed debtor works for the company, and names no employee.
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
from docx.shared import Pt

from hrguard.cases.guarantee.letter import signature_block_add, use_chinese_font


@dataclass(frozen=True)
class LetterIncident:
    occurred_at: datetime.datetime
    channel_label: str
    caller_number: str
    threat_labels: Sequence[str]


@dataclass(frozen=True)
class LetterFacts:
    company: str
    platform: str
    claimed_debtor: str
    # Oldest first.
    incidents: Sequence[LetterIncident]
    handled_by: str
    issued_on: datetime.date


def letter_render(facts: LetterFacts) -> bytes:
    """Return the stop-contact letter as .docx bytes."""
    document = docx.Document()
    use_chinese_font(document)

    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading_run = heading.add_run(gettext("停止骚扰告知函"))
    heading_run.bold = True
    heading_run.font.size = Pt(18)

    document.add_paragraph(gettext("致：%(platform)s") % {"platform": facts.platform})
    document.add_paragraph(_opening(facts))
    _incident_table(document, facts.incidents)
    if any(incident.threat_labels for incident in facts.incidents):
        document.add_paragraph(
            gettext(
                "上述联系中含有威胁、辱骂、泄露隐私或冒充公检法等内容。涉嫌违法的，"
                "本公司将支持员工向公安机关报案，并向金融监管部门和行业协会投诉。"
            )
        )
    document.add_paragraph(
        gettext(
            "根据《中华人民共和国民法典》第一千零三十三条，任何组织或者个人不得以电话、短信、"
            "即时通讯工具等方式侵扰他人的私人生活安宁；中国互联网金融协会《互联网金融逾期债务"
            "催收自律公约（试行）》亦要求不得骚扰与债务无关的第三人。本公司及本公司员工不是上述"
            "债务的借款人、保证人或其他义务人，本公司不确认、也不透露任何人员是否为本公司员工"
            "及其任何信息。"
        )
    )
    document.add_paragraph(gettext("现告知并要求贵方："))
    for line in (
        gettext("一、立即停止以任何方式联系本公司及本公司员工催收上述债务；"),
        gettext("二、不得向任何第三方透露或散布与上述债务有关的信息；"),
        gettext("三、核查贵方及贵方委托的催收机构的上述行为，并约束其人员；"),
        gettext("四、如有异议，请于收到本函之日起 7 日内书面回复本公司。"),
    ):
        document.add_paragraph(line)
    document.add_paragraph(
        gettext("本公司已保存上述联系的记录及相关录音、截图，保留依法追究责任的权利。")
    )

    signature_block_add(
        document, company=facts.company, handled_by=facts.handled_by, issued_on=facts.issued_on
    )

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _opening(facts: LetterFacts) -> str:
    first = facts.incidents[0].occurred_at.strftime("%Y-%m-%d")
    last = facts.incidents[-1].occurred_at.strftime("%Y-%m-%d")
    values = {
        "first": first,
        "last": last,
        "count": len(facts.incidents),
        "debtor": facts.claimed_debtor,
    }
    if facts.claimed_debtor:
        return (
            gettext(
                "%(first)s至%(last)s，自称贵方或受贵方委托的人员共 %(count)s 次联系本公司员工，"
                "就其所称借款人“%(debtor)s”的债务进行催收，具体如下："
            )
            % values
        )
    return (
        gettext(
            "%(first)s至%(last)s，自称贵方或受贵方委托的人员共 %(count)s 次联系本公司员工催收债务，"
            "具体如下："
        )
        % values
    )


def _incident_table(document: DocxDocument, incidents: Sequence[LetterIncident]) -> None:
    table = document.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    headers = (
        gettext("序号"),
        gettext("时间"),
        gettext("方式"),
        gettext("来电或来信号码"),
        gettext("威胁类型"),
    )
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = text
    for position, incident in enumerate(incidents, start=1):
        row = table.add_row().cells
        row[0].text = str(position)
        row[1].text = incident.occurred_at.strftime("%Y-%m-%d %H:%M")
        row[2].text = incident.channel_label
        row[3].text = incident.caller_number
        row[4].text = "、".join(incident.threat_labels) or gettext("无")
