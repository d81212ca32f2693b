"""Users, departments and files for the import hardening tests."""

import csv
import datetime
import io
from pathlib import Path

from hrguard.people.models import Department, Employee
from hrguard.privacy.models import Consent, DataCategory
from tests.factories import DepartmentFactory, EmployeeFactory
from tests.privacy.helpers import make_user

__all__ = ["make_user", "write_csv", "company", "grant_payments_consent"]


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows(rows)
    path.write_bytes(text.getvalue().encode("utf-8"))
    return path


def company() -> tuple[Department, Department, Employee, Employee]:
    """Return 销售部 with 王芳 (S001) and 客服部 with 尹新雅 (K001)."""
    sales = DepartmentFactory(name="销售部")
    service = DepartmentFactory(name="客服部")
    seller = EmployeeFactory(employee_no="S001", name="王芳", department=sales)
    agent = EmployeeFactory(employee_no="K001", name="尹新雅", department=service)
    return sales, service, seller, agent


def grant_payments_consent(employee: Employee) -> None:
    Consent.objects.create(
        employee=employee, category=DataCategory.PAYMENTS, granted_on=datetime.date(2020, 1, 1)
    )
