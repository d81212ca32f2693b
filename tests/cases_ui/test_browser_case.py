"""End to end in chromium: from an alert to a closed case, through plan, evidence and follow-up."""

import datetime
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from hrguard.cases.evidence.models import EvidenceItem
from hrguard.cases.models import Case, FollowUpCheckpoint, InterventionStep
from hrguard.risk.models import Alert
from hrguard.risk.services import scan_run
from tests.browser import browser_log_in
from tests.web.conftest import PASSWORD, make_hr_user
from tests.web.test_browser_alert import AS_OF, build_company

INTERVIEW_NOTE = b"%PDF-1.4\n% interview record, signed by the employee\n%%EOF\n"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_browser_case_from_alert_to_closed(
    live_server, page: Page, artifacts_dir: Path, tmp_path: Path
) -> None:
    # Given
    employee = build_company()
    scan_run(as_of=AS_OF)
    alert = Alert.objects.get(employee=employee, status=Alert.Status.OPEN)
    make_hr_user("hr.zhang")
    today = timezone.localdate()
    interview_file = tmp_path / "谈话记录.pdf"
    interview_file.write_bytes(INTERVIEW_NOTE)

    # When: open the alert and open a case from it
    browser_log_in(page, base_url=live_server.url, username="hr.zhang", password=PASSWORD)
    page.goto(f"{live_server.url}/alerts/{alert.pk}/")
    opening = page.get_by_role("form", name="立案")
    opening.get_by_label("处理期限").fill((today + datetime.timedelta(days=14)).isoformat())
    opening.get_by_role("button", name="立案").click()
    expect(page).to_have_url(re.compile(r"/cases/\d+/$"))
    case = Case.objects.get(alert=alert)
    case_url = f"{live_server.url}/cases/{case.pk}/"
    expect(page.locator(".messages")).to_contain_text(f"已立案，案件编号 #{case.pk}。")
    expect(page.get_by_role("note")).to_have_text(
        "系统只提供建议，不会自动联系员工、家属或出借方。"
    )

    # ... add the suggested interview to the plan
    suggestion = page.locator('details.suggestion[data-kind="interview"]')
    suggestion.locator("summary").click()
    expect(suggestion).to_contain_text("员工希望得到的帮助：")
    suggestion.get_by_role("button", name="加入计划").click()
    expect(page.locator("#plan-steps")).to_contain_text("与员工谈话")
    page.screenshot(path=artifacts_dir / "case-plan.png", full_page=True)

    # ... upload the signed interview record as evidence
    panel = page.locator("#evidence-panel")
    panel.get_by_label("文件").set_input_files(str(interview_file))
    panel.get_by_label("说明").fill("谈话记录，员工已签字")
    panel.get_by_role("button", name="上传证据").click()
    expect(page.locator(".messages")).to_contain_text("已保存证据")
    page.goto(case_url)
    expect(page.locator("#evidence-panel")).to_contain_text("谈话记录，员工已签字")

    # ... start handling, record the interview and the employee's follow-up consent
    page.get_by_role("button", name="改为处理中").click()
    expect(page.locator(".case-state")).to_have_text("处理中")
    result = page.get_by_role("form", name="记录“与员工谈话”的结果")
    result.get_by_label("结果", exact=True).select_option(label="已完成")
    result.get_by_label("结果说明").fill("员工愿意接受财务咨询，自愿参加回访")
    result.get_by_role("button", name="记录结果").click()
    expect(page.locator("#plan-steps")).to_contain_text("已完成")
    consent = page.get_by_role("form", name="记录同意跟踪回访")
    consent.get_by_label("同意方式").fill("书面签字，存于案件证据")
    consent.get_by_role("button", name="记录同意").click()
    expect(page.locator("#follow-up")).to_contain_text("同意跟踪回访（书面签字，存于案件证据）")

    # ... follow up and record the 30-day checkpoint
    page.get_by_role("button", name="改为跟踪中").click()
    expect(page.locator(".case-state")).to_have_text("跟踪中")
    expect(page.locator("#checkpoints tbody tr")).to_have_count(3)
    checkpoint = page.get_by_role("form", name="记录第 30 天回访")
    checkpoint.get_by_label("还款情况").select_option(label="正常还款")
    checkpoint.get_by_label("说明").fill("按计划还款")
    checkpoint.get_by_role("button", name="记录回访").click()
    expect(page.locator('#checkpoints tr[data-days="30"]')).to_contain_text("正常还款")

    # ... and close with a reason
    closing = page.get_by_role("form", name="改为已结案")
    closing.get_by_label("改为“已结案”的说明（必填）").fill("回访正常，员工情况稳定")
    closing.get_by_role("button", name="改为已结案").click()

    # Then
    expect(page.locator(".case-state")).to_have_text("已结案")
    history = page.locator("#history")
    expect(history).to_contain_text("状态：跟踪中 → 已结案")
    expect(history).to_contain_text("回访正常，员工情况稳定")
    expect(page.locator("body")).not_to_contain_text("王小明")
    page.screenshot(path=artifacts_dir / "case-closed.png", full_page=True)

    case.refresh_from_db()
    assert case.state == "closed"
    assert list(InterventionStep.objects.filter(case=case).values_list("kind", "status")) == [
        ("interview", "done")
    ]
    assert EvidenceItem.objects.filter(case=case).count() == 1
    assert list(
        FollowUpCheckpoint.objects.filter(follow_up__case=case)
        .order_by("days_after")
        .values_list("days_after", "status", "repayment_status")
    ) == [(30, "recorded", "normal"), (60, "cancelled", ""), (90, "cancelled", "")]
    assert [event.kind for event in case.events.all()] == [
        "opened",
        "step_added",
        "state_changed",
        "step_result",
        "follow_up_consent",
        "state_changed",
        "checkpoint_recorded",
        "state_changed",
    ]
