"""End to end in chromium: look up the colleague, record an incident, link the debtor, get the letter."""

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from hrguard.cases.harassment.models import HarassmentIncident
from tests.browser import browser_log_in
from tests.web.conftest import PASSWORD, make_hr_user


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_browser_intake_to_letter(
    live_server: Any,
    page: Page,
    artifacts_dir: Path,
    employees: dict[str, Any],
    settings: Any,
) -> None:
    # Given
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    make_hr_user("hr.zhang")
    browser_log_in(page, base_url=live_server.url, username="hr.zhang", password=PASSWORD)

    # When: find the colleague by a number typed with the country code
    page.goto(f"{live_server.url}/harassment/")
    lookup = page.locator("#lookup")
    lookup.get_by_label("同事的手机号或来电号码").fill("+86 138-0013-8000")
    lookup.get_by_role("button", name="查找").click()
    expect(lookup).to_contain_text("找到员工：工号 E3001")
    expect(page.locator("#reception-script")).to_contain_text("不确认、不透露员工任何信息")

    # ... record the call
    page.get_by_label("被骚扰同事的手机号").fill("138 0013 8000")
    page.get_by_label("来电或来信号码").fill("139 1234 5678")
    page.get_by_label("对方自称的平台或出借方").fill("速借金融平台")
    page.get_by_label("发生时间").fill("2026-11-20T14:30")
    page.get_by_label("方式").select_option("call")
    page.get_by_label("对方所称的借款人（如有）").fill("王磊")
    page.get_by_label("辱骂").check()
    page.get_by_role("button", name="登记", exact=True).click()
    expect(page).to_have_url(re.compile(r"/harassment/\d+/$"))
    incident = HarassmentIncident.objects.get()
    expect(page.locator("dl")).to_contain_text("139****5678")

    # ... link the debtor HR identified and download the letter
    page.get_by_label("经核实的借款人工号").fill("E3002")
    page.get_by_role("button", name="确认借款人").click()
    expect(page.locator("#debtor")).to_contain_text("经人事确认为工号 E3002")
    page.screenshot(path=artifacts_dir / "harassment-incident.png", full_page=True)
    with page.expect_download() as download:
        page.get_by_role("button", name="生成停止骚扰告知函（Word）").click()

    # Then
    assert download.value.suggested_filename == f"stop-contact-incident-{incident.pk}.docx"
    incident.refresh_from_db()
    assert incident.debtor == employees["debtor"]
    assert incident.threat_flags == ["abuse"]
