"""The impact assessment export and the versioned processing notice."""

import io

import pytest
from django.test import Client
from docx import Document

from hrguard.privacy.models import AuditEntry, DataSource, ProcessingActivity, ProcessingNotice
from hrguard.privacy.notices import notice_current
from hrguard.privacy.roles import Role
from tests.factories import EmployeeFactory
from tests.privacy_portal.helpers import force_login_verified, make_employee_user, make_user

pytestmark = pytest.mark.django_db


def docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([paragraph.text for paragraph in document.paragraphs] + cells)


def test_pia_export_opens_and_lists_register() -> None:
    client = force_login_verified(Client(), make_user("pipo", Role.PRIVACY_OFFICER))

    page = client.get("/privacy/pia/")
    response = client.get("/privacy/pia/report.docx")

    assert page.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    text = docx_text(response.content)
    assert "个人信息保护影响评估报告" in text
    for label in ["员工花名册", "支付记录（敏感）", "征信报告（敏感）", "聊天记录（敏感）"]:
        assert label in text
    assert "只在单独同意后读取" in text
    assert "原始支付记录：自交易日期起 395 天后删除" in text
    assert AuditEntry.objects.filter(action="pia.export").count() == 1


def test_notice_version_changes_only_with_content() -> None:
    first = notice_current()
    again = notice_current()
    ProcessingActivity.objects.filter(source=DataSource.PAYROLL).update(
        retention_period="离职后 3 年"
    )
    changed = notice_current()

    assert first.pk == again.pk
    assert (first.version, changed.version) == (1, 2)
    assert ProcessingNotice.objects.count() == 2


def test_employee_reads_and_downloads_notice() -> None:
    client = Client()
    client.force_login(make_employee_user(EmployeeFactory()))

    page = client.get("/privacy/notice/").content.decode()
    download = client.get("/privacy/notice/v1.docx")

    assert "个人信息处理告知书" in page
    assert "借" in page  # the chat lexicon's trigger terms are disclosed
    text = docx_text(download.content)
    assert "撤回同意：在员工自助页面一键撤回" in text
    assert "支付记录" in text
