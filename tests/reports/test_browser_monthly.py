"""End to end: the monthly report page draws its ECharts charts in chromium."""

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import BrowserContext, Page, expect

from tests.reports.conftest import Company


def _log_in(context: BrowserContext, user: object, base_url: str) -> None:
    """Give the browser the session cookie of a login that passed the two-factor step."""
    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": base_url}]
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_browser_monthly_report_charts_render(
    live_server, company: Company, browser_context: BrowserContext, page: Page, artifacts_dir: Path
) -> None:
    _log_in(browser_context, company.manager, live_server.url)

    page.goto(f"{live_server.url}/reports/monthly/2026-11/")

    charts = page.locator("[data-chart]")
    expect(charts).to_have_count(4)
    for index in range(4):
        expect(charts.nth(index)).to_have_attribute("data-chart-rendered", "1")
    expect(page.get_by_role("heading", name="2026-11 月度风险报告")).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "reports-monthly.png"), full_page=True)
