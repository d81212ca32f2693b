import pytest

from tests.factories import DepartmentFactory, EmployeeFactory


@pytest.fixture
def department_factory() -> type[DepartmentFactory]:
    return DepartmentFactory


@pytest.fixture
def employee_factory() -> type[EmployeeFactory]:
    return EmployeeFactory
