"""End to end: an HR user opens an employee's alert in chromium and reads its evidence."""

import datetime
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from hrguard.payments.models import PaymentTransaction
from hrguard.payroll.models import PayrollRecord
from hrguard.people.models import Employee
from hrguard.privacy.models import Consent, DataCategory
from hrguard.risk.models import Alert
from hrguard.risk.services import scan_run
from tests.factories import DepartmentFactory, EmployeeFactory
from tests.privacy_portal.helpers import browser_log_in_with_totp
from tests.web.conftest import make_hr_user

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
AS_OF = datetime.date(2026, 11, 30)
MONTHS = [datetime.date(2026, 9, 1), datetime.date(2026, 10, 1), datetime.date(2026, 11, 1)]


def build_company() -> Employee:
    """Create a sales team in which one employee spends 12,000 a month on 8,000 net pay."""
    sales = DepartmentFactory(name="销售部")
    EmployeeFactory(name="李娜", department=sales)
    EmployeeFactory(name="赵强", department=DepartmentFactory(name="财务部"))
    spender = EmployeeFactory(name="王小明", department=sales)

    Consent.objects.create(
        employee=spender, category=DataCategory.PAYMENTS, granted_on=datetime.date(2026, 8, 20)
    )
    for month in MONTHS:
        PayrollRecord.objects.create(
            employee=spender, month=month, gross_pay=Decimal("10200.00"), net_pay=Decimal("8000.00")
        )
        PaymentTransaction.objects.create(
            employee=spender,
            source=PaymentTransaction.Source.ALIPAY,
            occurred_at=datetime.datetime(month.year, month.month, 15, 20, 0, tzinfo=SHANGHAI),
            category="日用百货",
            counterparty="某电商平台",
            direction=PaymentTransaction.Direction.EXPENSE,
            amount=Decimal("12000.00"),
            order_no=f"2026{month.month:02d}15000001",
            succeeded=True,
        )
    return spender


def click_department_bar(page: Page, *, index: int) -> None:
    """Click the dashboard's n-th department bar at value 0.5, inside its first stacked segment."""
    chart = page.locator('[data-chart="department-chart"]')
    expect(chart).to_have_attribute("data-chart-rendered", "1")
    x, y = page.evaluate(
        """([selector, index]) => {
            const chart = echarts.getInstanceByDom(document.querySelector(selector));
            return chart.convertToPixel({seriesIndex: 0}, [0.5, index]);
        }""",
        ['[data-chart="department-chart"]', index],
    )
    box = chart.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + x, box["y"] + y)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_browser_alert_evidence_visible_after_login(
    live_server, page: Page, artifacts_dir: Path, settings: Any
) -> None:
    # Given
    employee = build_company()
    scan_run(as_of=AS_OF)
    alert = Alert.objects.get(employee=employee, status=Alert.Status.OPEN)
    settings.HRGUARD_OTP_REQUIRED = True
    user = make_hr_user("hr.zhang")

    # When
    browser_log_in_with_totp(page, base_url=live_server.url, user=user)
    click_department_bar(page, index=0)
    expect(page).to_have_url(f"{live_server.url}/alerts/?department={employee.department_id}")
    page.get_by_label("级别").select_option(label="关注")
    expect(page).to_have_url(re.compile(r"level=watch"))
    expect(page.locator("form.filters")).to_have_count(1)
    row = page.get_by_role("row").filter(has_text=employee.pseudonym)
    expect(row).to_contain_text("销售部")
    row.get_by_role("link", name="查看详情").click()

    # Then
    expect(page).to_have_url(f"{live_server.url}/alerts/{alert.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"员工风险画像 · {employee.pseudonym}"
    )
    expect(page.locator(".evidence-hit")).to_contain_text("消费收入比")
    expect(page.locator(".evidence-hit")).to_contain_text("12,000.00")
    expect(page.locator(".evidence-miss").filter(has_text="多头借贷")).to_contain_text(
        "未发现网贷平台的借款或还款记录。"
    )
    expect(page.locator("table.table-compact")).to_contain_text("12,000.00")
    expect(page.get_by_role("note")).to_have_text("预警仅供参考，任何处理决定须由人作出。")
    expect(page.locator("body")).not_to_contain_text("王小明")
    page.locator("[data-chart-rendered]").wait_for()
    page.screenshot(path=artifacts_dir / "alert-evidence.png", full_page=True)
