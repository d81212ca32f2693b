"""Colleagues with phone numbers, HR users and recorded incidents for the harassment tests.

陈静 (E3001, 研发部) is the colleague the collectors call; 王磊 (E3002, 研发部)
is the employee they claim owes the money; 刘洋 (E3003, 销售部) is outside the
研发部 specialist's scope.
"""

import datetime
from typing import Any

import pytest
from django.utils import timezone

from hrguard.cases.harassment.models import HarassmentIncident
from hrguard.cases.harassment.services import incident_record
from hrguard.people.models import Employee
from hrguard.privacy.roles import Role
from tests.factories import DepartmentFactory, EmployeeFactory
from tests.privacy.helpers import make_user

COLLEAGUE_PHONE = "13800138000"
CALLER_NUMBER = "13912345678"
OTHER_CALLER = "0755-2345 6789"


def local_time(text: str) -> datetime.datetime:
    """Return an aware datetime for "2026-11-20 14:30" in the current time zone (Asia/Shanghai)."""
    naive = datetime.datetime.fromisoformat(text)
    return timezone.make_aware(naive)


@pytest.fixture
def employees(db: None) -> dict[str, Employee]:
    research = DepartmentFactory(name="研发部")
    sales = DepartmentFactory(name="销售部")
    return {
        "colleague": EmployeeFactory(
            employee_no="E3001", name="陈静", department=research, phone=COLLEAGUE_PHONE
        ),
        "debtor": EmployeeFactory(
            employee_no="E3002", name="王磊", department=research, phone="13600136000"
        ),
        "outsider": EmployeeFactory(
            employee_no="E3003", name="刘洋", department=sales, phone="13700137000"
        ),
    }


@pytest.fixture
def hr_manager(db: None) -> Any:
    return make_user("hr-manager", Role.HR_MANAGER)


@pytest.fixture
def specialist(employees: dict[str, Employee]) -> Any:
    """An HR specialist scoped to 研发部 only."""
    return make_user(
        "hr-research", Role.HR_SPECIALIST, departments=(employees["colleague"].department,)
    )


def record(
    user: Any,
    colleague: Employee,
    *,
    caller_number: str = CALLER_NUMBER,
    platform: str = "速借金融平台",
    occurred_at: str = "2026-11-20 14:30",
    channel: str = "call",
    claimed_debtor: str = "王磊",
    threat_flags: tuple[str, ...] = (),
    threats: str = "",
) -> HarassmentIncident:
    return incident_record(
        user=user,
        colleague=colleague,
        caller_number=caller_number,
        platform=platform,
        occurred_at=local_time(occurred_at),
        channel=channel,
        claimed_debtor=claimed_debtor,
        threat_flags=list(threat_flags),
        threats=threats,
        evidence_notes="录音已存员工手机",
    )
