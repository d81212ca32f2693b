"""Finding the harassed colleague by phone number through the blind index."""

from typing import Any

import pytest
from django.db import connection

from hrguard.cases.harassment.selectors import employees_find_by_phone, harassment_allowed
from hrguard.cases.harassment.services import phone_lookup
from hrguard.core.errors import ValidationFailed
from hrguard.people.models import Department, Employee
from hrguard.people.pseudonyms import pseudonym_for
from hrguard.privacy.models import AuditEntry
from tests.factories import EmployeeFactory

FORMATS = [
    "13800138000",
    "+86 138 0013 8000",
    "0086-138-0013-8000",
    "138 0013 8000",
    "86 13800138000",
    "（+86）138-0013-8000",
    "１３８ ００１３ ８０００",
]


@pytest.mark.parametrize("typed", FORMATS)
def test_lookup_common_formats_find_colleague(
    typed: str, employees: dict[str, Employee], hr_manager: Any
) -> None:
    found = phone_lookup(user=hr_manager, phone=typed)

    assert found == employees["colleague"]


def test_lookup_unknown_number_none(employees: dict[str, Employee], hr_manager: Any) -> None:
    assert phone_lookup(user=hr_manager, phone="138 0013 8001") is None


def test_lookup_without_digits_rejected(employees: dict[str, Employee], hr_manager: Any) -> None:
    with pytest.raises(ValidationFailed) as raised:
        phone_lookup(user=hr_manager, phone="王磊")

    assert raised.value.message == "“王磊”不是电话号码，请输入手机号，例如 138 0013 8000。"


def test_lookup_outside_scope_none(employees: dict[str, Employee], specialist: Any) -> None:
    assert phone_lookup(user=specialist, phone="137 0013 7000") is None
    assert phone_lookup(user=specialist, phone="138 0013 8000") == employees["colleague"]


def test_lookup_shared_number_rejected(employees: dict[str, Employee], hr_manager: Any) -> None:
    EmployeeFactory(employee_no="E3009", phone="+86 138 0013 8000")

    with pytest.raises(ValidationFailed) as raised:
        phone_lookup(user=hr_manager, phone="13800138000")

    assert raised.value.message == "该手机号对应多名员工（工号 E3001、E3009），请先核对人事数据。"


def test_lookup_audited_without_number(employees: dict[str, Employee], hr_manager: Any) -> None:
    phone_lookup(user=hr_manager, phone="+86 138 0013 8000")

    entry = AuditEntry.objects.get(action="harassment.phone_lookup")
    assert entry.target_id == str(employees["colleague"].pk)
    assert entry.after == {"matches": 1}
    assert "8000" not in str(entry.after) + entry.target_id + entry.reason


@pytest.mark.django_db
def test_lookup_ten_thousand_employees_one_indexed_query(
    hr_manager: Any, django_assert_num_queries: Any
) -> None:
    department = Department.objects.create(name="全公司")
    Employee.objects.bulk_create(
        Employee(
            employee_no=f"E{number:05d}",
            name=f"员工{number}",
            department=department,
            phone=f"139{number:08d}",
            pseudonym=pseudonym_for(f"E{number:05d}", length=8),
        )
        for number in range(10_000)
    )
    # Load the user's capabilities once, as the first check of a request does.
    assert harassment_allowed(hr_manager)

    with django_assert_num_queries(1) as captured:
        found = employees_find_by_phone(user=hr_manager, phone="+86 139 0000 4321")

    assert [employee.employee_no for employee in found] == ["E04321"]
    plan = _query_plan(captured.captured_queries[0]["sql"])
    assert "phone_index" in plan


def _query_plan(sql: str) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE people_employee")
            cursor.execute(f"EXPLAIN {sql}")
            return " ".join(row[0] for row in cursor.fetchall())
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        # Rows are (id, parent, notused, detail); "SEARCH ... USING INDEX <name>" names the index.
        plan = " ".join(row[3] for row in cursor.fetchall())
        assert "USING INDEX" in plan
        return plan
