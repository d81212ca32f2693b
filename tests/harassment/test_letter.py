"""The stop-contact letter (停止骚扰告知函) as .docx."""

import io
from typing import Any

import docx
import pytest

from hrguard.cases.harassment.services import stop_letter_generate
from hrguard.core.errors import NotFound
from hrguard.people.models import Employee
from hrguard.privacy.models import AuditEntry
from tests.harassment.conftest import record


def _text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    paragraphs = [paragraph.text for paragraph in document.paragraphs]
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(paragraphs + cells)


def _table_rows(content: bytes) -> list[list[str]]:
    table = docx.Document(io.BytesIO(content)).tables[0]
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_letter_contains_the_recorded_facts(
    employees: dict[str, Employee], hr_manager: Any, settings: Any
) -> None:
    settings.HRGUARD_COMPANY_NAME = "华东示例科技有限公司"
    first = record(
        hr_manager,
        employees["colleague"],
        caller_number="13912345678",
        occurred_at="2026-11-18 09:05",
        threat_flags=("personal_safety", "privacy_disclosure"),
    )
    record(
        hr_manager,
        employees["colleague"],
        caller_number="0755-2345 6789",
        occurred_at="2026-11-20 21:40",
        channel="sms",
    )
    record(hr_manager, employees["colleague"], platform="闪电贷")

    text = _text(stop_letter_generate(incident=first, user=hr_manager))

    assert "停止骚扰告知函" in text
    assert "致：速借金融平台" in text
    assert "2026-11-18至2026-11-20" in text
    assert "共 2 次联系本公司员工" in text
    assert "所称借款人“王磊”" in text
    assert "华东示例科技有限公司（盖章）" in text
    assert "经办人：hr-manager" in text
    assert "闪电贷" not in text


def test_letter_table_lists_each_contact(employees: dict[str, Employee], hr_manager: Any) -> None:
    first = record(
        hr_manager,
        employees["colleague"],
        occurred_at="2026-11-18 09:05",
        threat_flags=("personal_safety", "privacy_disclosure"),
    )
    record(
        hr_manager,
        employees["colleague"],
        caller_number="0755-2345 6789",
        occurred_at="2026-11-20 21:40",
        channel="sms",
    )

    rows = _table_rows(stop_letter_generate(incident=first, user=hr_manager))

    assert rows == [
        ["序号", "时间", "方式", "来电或来信号码", "威胁类型"],
        ["1", "2026-11-18 09:05", "电话", "13912345678", "威胁人身安全、泄露隐私"],
        ["2", "2026-11-20 21:40", "短信", "0755-2345 6789", "无"],
    ]


def test_letter_names_no_employee(employees: dict[str, Employee], hr_manager: Any) -> None:
    incident = record(hr_manager, employees["colleague"])

    text = _text(stop_letter_generate(incident=incident, user=hr_manager))

    assert "陈静" not in text
    assert "E3001" not in text
    assert employees["colleague"].pseudonym not in text
    assert "13800138000" not in text
    assert "不确认、也不透露任何人员是否为本公司员工" in text


def test_letter_generation_audited(employees: dict[str, Employee], hr_manager: Any) -> None:
    incident = record(hr_manager, employees["colleague"])

    stop_letter_generate(incident=incident, user=hr_manager)

    entry = AuditEntry.objects.get(action="harassment.stop_letter")
    assert entry.target_id == str(incident.pk)
    assert entry.after == {"incidents": 1}


def test_letter_outside_scope_not_found(
    employees: dict[str, Employee], hr_manager: Any, specialist: Any
) -> None:
    incident = record(hr_manager, employees["outsider"])

    with pytest.raises(NotFound):
        stop_letter_generate(incident=incident, user=specialist)

    assert not AuditEntry.objects.filter(action="harassment.stop_letter").exists()
