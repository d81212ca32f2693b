"""The monthly organisation report: counts, trend, scope and the harassment section."""

import datetime

import pytest

from hrguard.core.errors import ValidationFailed
from hrguard.privacy.roles import Role
from hrguard.reports import selectors
from hrguard.reports.selectors import (
    DepartmentRow,
    PlatformCount,
    harassment_source_register,
    monthly_report_for_organisation,
    monthly_report_for_user,
)
from tests.privacy.helpers import make_user
from tests.reports.conftest import Company

NOVEMBER = datetime.date(2026, 11, 1)


def test_monthly_report_november_alert_counts(company: Company) -> None:
    report = monthly_report_for_organisation(month=NOVEMBER)

    assert report.alerts_by_level == {"watch": 0, "medium": 1, "high": 1}
    assert report.alerts_opened == 1
    assert report.alerts_updated == 1
    assert report.alerts_total == 2
    assert report.alerts_by_department == [
        DepartmentRow("研发部", {"watch": 0, "medium": 1, "high": 0}),
        DepartmentRow("销售部", {"watch": 0, "medium": 0, "high": 1}),
    ]
    assert [(row.key, row.label, row.count) for row in report.alerts_by_indicator] == [
        ("gambling_spend", "博彩消费", 1),
        ("leave_spike", "请假激增", 1),
        ("loan_platforms", "多头借贷", 1),
    ]


def test_monthly_report_november_case_counts(company: Company) -> None:
    report = monthly_report_for_organisation(month=NOVEMBER)

    assert report.cases_opened == 1
    assert report.cases_closed == 1
    # 王小明's case was due on 11-20 and is open; 李晓华's was due 11-01 but closed on 11-25.
    assert report.cases_overdue == 1
    assert report.overdue_on == datetime.date(2026, 11, 30)


def test_monthly_report_october_counts(company: Company) -> None:
    report = monthly_report_for_organisation(month=datetime.date(2026, 10, 1))

    assert report.alerts_by_level == {"watch": 1, "medium": 1, "high": 0}
    assert report.alerts_opened == 2
    assert report.alerts_updated == 0
    assert report.cases_opened == 2
    assert report.cases_closed == 0
    # On 10-31 李晓华's case (due 11-01) was not yet overdue.
    assert report.cases_overdue == 0


def test_monthly_report_trend_six_months_oldest_first(company: Company) -> None:
    report = monthly_report_for_organisation(month=NOVEMBER)

    assert [row.month for row in report.trend] == [
        datetime.date(2026, month, 1) for month in range(6, 12)
    ]
    october, november = report.trend[-2:]
    assert october.alerts_by_level == {"watch": 1, "medium": 1, "high": 0}
    assert (october.cases_opened, october.cases_closed) == (2, 0)
    assert november.alerts_by_level == {"watch": 0, "medium": 1, "high": 1}
    assert (november.cases_opened, november.cases_closed) == (1, 1)
    assert report.trend[0].alerts_by_level == {"watch": 0, "medium": 0, "high": 0}


def test_monthly_report_reopened_case_still_counted_closed(company: Company) -> None:
    company.case_li.closed_at = None
    company.case_li.state = "in_progress"
    company.case_li.save()

    report = monthly_report_for_organisation(month=NOVEMBER)

    assert report.cases_closed == 1


def test_monthly_report_department_scope_limits_counts(company: Company) -> None:
    specialist = make_user("hr-sales", Role.HR_SPECIALIST, departments=(company.sales,))

    report = monthly_report_for_user(user=specialist, month=NOVEMBER)

    assert report.alerts_by_level == {"watch": 0, "medium": 0, "high": 1}
    assert [row.department for row in report.alerts_by_department] == ["销售部"]
    assert report.cases_opened == 1
    assert report.cases_closed == 0
    assert report.cases_overdue == 1


def test_monthly_report_user_without_alert_access_empty(company: Company) -> None:
    auditor = make_user("auditor", Role.AUDITOR)

    report = monthly_report_for_user(user=auditor, month=NOVEMBER)

    assert report.alerts_total == 0
    assert report.cases_opened == 0
    assert report.alerts_by_department == []


def test_monthly_report_harassment_without_source_is_none(company: Company) -> None:
    previous = selectors._harassment_source
    harassment_source_register(None)
    try:
        report = monthly_report_for_organisation(month=NOVEMBER)
    finally:
        harassment_source_register(previous)

    assert report.harassment_by_platform is None


class _FixedHarassment:
    def __init__(self) -> None:
        self.calls: list[tuple[list[str], datetime.datetime, datetime.datetime]] = []

    def counts_by_platform(self, *, employees, start, end):  # type: ignore[no-untyped-def]
        self.calls.append((sorted(employees.values_list("employee_no", flat=True)), start, end))
        return [PlatformCount("平台甲", 3), PlatformCount("平台乙", 1)]


def test_monthly_report_harassment_source_receives_scope_and_month(company: Company) -> None:
    source = _FixedHarassment()
    previous = selectors._harassment_source
    harassment_source_register(source)
    try:
        specialist = make_user("hr-sales", Role.HR_SPECIALIST, departments=(company.sales,))
        report = monthly_report_for_user(user=specialist, month=NOVEMBER)
    finally:
        harassment_source_register(previous)

    assert report.harassment_by_platform == [PlatformCount("平台甲", 3), PlatformCount("平台乙", 1)]
    employee_nos, start, end = source.calls[0]
    assert employee_nos == ["E1001", "E1004"]
    assert start.isoformat() == "2026-11-01T00:00:00+08:00"
    assert end.isoformat() == "2026-12-01T00:00:00+08:00"


@pytest.mark.parametrize("text", ["2026-13", "2026/11", "11-2026", "", "2026-11-01"])
def test_month_parse_invalid_raises(text: str) -> None:
    with pytest.raises(ValidationFailed) as raised:
        selectors.month_parse(text)

    assert raised.value.message == f"月份“{text}”无效，请写成 YYYY-MM，例如 2026-11。"


def test_month_parse_valid_returns_first_day() -> None:
    assert selectors.month_parse(" 2026-02 ") == datetime.date(2026, 2, 1)
