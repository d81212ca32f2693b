"""Fixtures for the case pages: HR users who can log in, and alerts with stored evidence."""

import datetime
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from hrguard.cases.models import Case, LegalAidProvider
from hrguard.cases.services import case_open_from_alert
from hrguard.people.models import Employee
from hrguard.privacy.roles import Role
from hrguard.risk.models import Alert, IndicatorResult
from tests.cases.builders import make_alert
from tests.factories import DepartmentFactory, EmployeeFactory
from tests.web.conftest import PASSWORD, make_hr_user

__all__ = ["PASSWORD"]


@pytest.fixture(autouse=True)
def fast_password_hasher(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def manager(db: None) -> User:
    """Return an HR经理, who handles cases of every department."""
    return make_hr_user("hr.zhang")


@pytest.fixture
def manager_client(client: Client, manager: User) -> Client:
    client.force_login(manager)
    return client


@pytest.fixture
def employee(db: None) -> Employee:
    return EmployeeFactory(
        employee_no="E1001", name="王小明", department=DepartmentFactory(name="销售部")
    )


def alert_with_evidence(employee: Employee) -> Alert:
    """Create an open medium alert on loan_platforms with the result the scan would store."""
    alert = make_alert(employee, indicators=("loan_platforms",))
    IndicatorResult.objects.create(
        scan=alert.last_scan,
        alert=alert,
        employee=employee,
        code="loan_platforms",
        hit=True,
        severity=2,
        evidence={
            "max_platforms": 4,
            "platforms_min": 3,
            "peak_month": "2026-11",
            "months": [],
            "catalogue_version": "2026.1",
        },
    )
    return alert


@pytest.fixture
def alert(employee: Employee) -> Alert:
    return alert_with_evidence(employee)


@pytest.fixture
def case(alert: Alert, manager: User) -> Case:
    return case_open_from_alert(alert=alert, user=manager, assignee=manager)


@pytest.fixture
def provider(db: None) -> LegalAidProvider:
    return LegalAidProvider.objects.create(
        name="示例区法律援助中心",
        contact="12348",
        scope="劳动争议、民间借贷纠纷咨询",
        region="示例区",
        last_verified_on=datetime.date(2026, 11, 1),
    )


def specialist_for(username: str, department_name: str) -> User:
    """Create an HR专员 whose data scope is only the named department."""
    return make_hr_user(username, Role.HR_SPECIALIST, DepartmentFactory(name=department_name))
