"""A small company whose chat archive is tests/fixtures/chat/wecom-archive.jsonl.

E1001 asks E1002, E1003 and E1004 for money in private chats (3 November,
just after local midnight; 10 and 20 November). E1005 only jokes. E1006 has
no chat consent, and E1007 withdrew it on 14 November before asking. E1001's
consent starts on 3 November, so their message at 23:58 on 2 November is not
read.
"""

import datetime
from pathlib import Path

import pytest

from hrguard.people.models import Employee
from hrguard.privacy.models import Consent, DataCategory
from tests.factories import EmployeeFactory

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "chat"
ARCHIVE = FIXTURES / "wecom-archive.jsonl"

# Texts in the archive that the tests look for.
FIRST_REQUEST = "在吗，急用钱，能借我3000吗？下周发工资就还你"
LAST_REQUEST = "能借我5000吗，下个月还你"
NOT_FLAGGED = ("好，麻烦了，晚安", "今天部门聚餐别忘了，六点楼下集合")
NOT_CONSENTED = "急用钱，借我一万，明天还"

_CONSENTS: dict[str, tuple[datetime.date, datetime.date | None] | None] = {
    "E1001": (datetime.date(2026, 11, 3), None),
    "E1002": (datetime.date(2026, 10, 1), None),
    "E1003": (datetime.date(2026, 10, 1), None),
    "E1004": (datetime.date(2026, 10, 1), None),
    "E1005": (datetime.date(2026, 10, 1), None),
    "E1006": None,
    "E1007": (datetime.date(2026, 10, 1), datetime.date(2026, 11, 14)),
}


@pytest.fixture
def chat_company() -> dict[str, Employee]:
    employees = {}
    for employee_no, consent in _CONSENTS.items():
        employee = EmployeeFactory(employee_no=employee_no)
        employees[employee_no] = employee
        if consent is not None:
            Consent.objects.create(
                employee=employee,
                category=DataCategory.CHAT,
                granted_on=consent[0],
                withdrawn_on=consent[1],
            )
    return employees
