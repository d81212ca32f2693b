from typing import Any

import pytest

from hrguard.people.models import Employee
from tests.cases.builders import make_user
from tests.factories import EmployeeFactory


@pytest.fixture
def hr_user(db: None) -> Any:
    return make_user("hr-zhang")


@pytest.fixture
def employee(db: None) -> Employee:
    return EmployeeFactory(employee_no="E1001", name="王小明", phone="13800138000")
