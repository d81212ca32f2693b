"""A small company with alerts and cases in October and November 2026 for the report tests.

November 2026 has: one alert opened (高风险, 销售部), one October alert hit again
by the November scan (中风险, 研发部), one case opened, one closed and one overdue.
"""

import contextlib
import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from hrguard.cases.models import Case, CaseEvent, InterventionKind, InterventionStep
from hrguard.cases.states import CaseState
from hrguard.people.models import Department, Employee
from hrguard.privacy.roles import Role
from hrguard.risk.models import Alert, AlertLevel, IndicatorResult, RuleSet, ScanRun
from tests.factories import DepartmentFactory, EmployeeFactory
from tests.privacy.helpers import make_user

SHANGHAI = ZoneInfo("Asia/Shanghai")
FORMULA_DEPARTMENT = '=HYPERLINK("http://example.invalid","点我")'

LOAN_EVIDENCE = {
    "max_platforms": 4,
    "platforms_min": 3,
    "peak_month": "2026-11",
    "months": [
        {
            "month": "2026-11",
            "platform_count": 4,
            "platforms": [
                {"name": "平台甲", "operator": "甲公司", "rows": 2},
                {"name": "平台乙", "operator": "乙公司", "rows": 1},
            ],
        }
    ],
    "catalogue_version": "2026.11",
}


def moment(day: str, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(
        datetime.date.fromisoformat(day), datetime.time(hour), tzinfo=SHANGHAI
    )


@contextlib.contextmanager
def clock_at(when: datetime.datetime) -> Iterator[None]:
    """Set the time that auto_now and auto_now_add fields record, for building history."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: when)
        yield


@dataclass
class Company:
    sales: Department
    research: Department
    formula: Department
    wang: Employee
    li: Employee
    zhao: Employee
    manager: Any
    alert_wang: Alert
    alert_li: Alert
    alert_zhao: Alert
    case_wang: Case
    case_li: Case
    case_zhao: Case


def _scan(rule_set: RuleSet, as_of: str) -> ScanRun:
    with clock_at(moment(as_of, 22)):
        return ScanRun.objects.create(as_of=as_of, rule_set=rule_set, finished_at=moment(as_of, 23))


def _alert(employee: Employee, level: str, codes: list[str], scan: ScanRun, created: str) -> Alert:
    with clock_at(moment(created)):
        alert = Alert.objects.create(
            employee=employee,
            level=level,
            indicators=codes,
            first_scan=scan,
            last_scan=scan,
            rule_set=scan.rule_set,
        )
    for code in codes:
        _hit(alert, scan, code)
    return alert


def _hit(alert: Alert, scan: ScanRun, code: str, severity: int = 2) -> IndicatorResult:
    evidence = LOAN_EVIDENCE if code == "loan_platforms" else {"note": "test"}
    return IndicatorResult.objects.create(
        scan=scan,
        alert=alert,
        employee=alert.employee,
        code=code,
        hit=True,
        severity=severity,
        evidence=evidence,
    )


def _case(employee: Employee, alert: Alert, user: Any, opened: str, due: str) -> Case:
    with clock_at(moment(opened)):
        case = Case.objects.create(
            employee=employee,
            alert=alert,
            assignee=user,
            due_date=datetime.date.fromisoformat(due),
            opened_by=user,
        )
        CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.OPENED, actor=user)
    return case


def _close(case: Case, user: Any, day: str) -> None:
    with clock_at(moment(day)):
        case.state = CaseState.CLOSED
        case.closed_at = moment(day)
        case.save()
        CaseEvent.objects.create(
            case=case,
            kind=CaseEvent.Kind.STATE_CHANGED,
            actor=user,
            before={"state": CaseState.IN_PROGRESS.value},
            after={"state": CaseState.CLOSED.value},
            note="员工已说明",
        )


@pytest.fixture
def company(db: None) -> Company:
    sales = DepartmentFactory(name="销售部")
    research = DepartmentFactory(name="研发部")
    formula = DepartmentFactory(name=FORMULA_DEPARTMENT)
    wang = EmployeeFactory(employee_no="E1001", name="王小明", department=sales)
    li = EmployeeFactory(employee_no="E1002", name="李晓华", department=research)
    zhao = EmployeeFactory(employee_no="E1003", name="赵德柱", department=formula)
    EmployeeFactory(employee_no="E1004", name="钱多多", department=sales)
    manager = make_user("hr-manager", Role.HR_MANAGER)

    rule_set = RuleSet.objects.create(version="test-1", content="", sha256="0" * 64)
    october = _scan(rule_set, "2026-10-31")
    november = _scan(rule_set, "2026-11-30")

    alert_li = _alert(li, AlertLevel.MEDIUM, ["leave_spike"], october, "2026-10-10")
    alert_zhao = _alert(zhao, AlertLevel.WATCH, ["loan_platforms"], october, "2026-10-15")
    alert_wang = _alert(
        wang, AlertLevel.HIGH, ["loan_platforms", "gambling_spend"], november, "2026-11-05"
    )
    # The November scan hits 李晓华's October alert again.
    _hit(alert_li, november, "leave_spike", severity=3)

    case_li = _case(li, alert_li, manager, "2026-10-12", "2026-11-01")
    case_zhao = _case(zhao, alert_zhao, manager, "2026-10-20", "2026-12-15")
    case_wang = _case(wang, alert_wang, manager, "2026-11-06", "2026-11-20")
    _close(case_li, manager, "2026-11-25")
    InterventionStep.objects.create(
        case=case_wang,
        kind=InterventionKind.INTERVIEW,
        owner=manager,
        due_date=datetime.date(2026, 11, 12),
        created_by=manager,
    )

    return Company(
        sales=sales,
        research=research,
        formula=formula,
        wang=wang,
        li=li,
        zhao=zhao,
        manager=manager,
        alert_wang=alert_wang,
        alert_li=alert_li,
        alert_zhao=alert_zhao,
        case_wang=case_wang,
        case_li=case_li,
        case_zhao=case_zhao,
    )
