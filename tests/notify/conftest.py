from collections.abc import Iterator
from typing import Any

import pytest

from hrguard.people.models import Employee
from tests.cases.builders import make_user
from tests.factories import EmployeeFactory
from tests.notify.robot_server import RobotServer


@pytest.fixture
def robots() -> Iterator[RobotServer]:
    with RobotServer() as server:
        yield server


@pytest.fixture
def hr_user(db: None) -> Any:
    return make_user("hr-zhang")


@pytest.fixture
def employee(db: None) -> Employee:
    return EmployeeFactory(employee_no="E2002", name="李春华", phone="13912345678")
