"""factory_boy factories for the core models."""

import datetime
from decimal import Decimal

import factory

from hrguard.people.models import Department, Employee
from hrguard.people.pseudonyms import pseudonym_for


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"部门{n}")


class EmployeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employee
        django_get_or_create = ("employee_no",)

    employee_no = factory.Sequence(lambda n: f"E{n:04d}")
    name = factory.Sequence(lambda n: f"员工{n}")
    department = factory.SubFactory(DepartmentFactory)
    position = "专员"
    hire_date = datetime.date(2022, 3, 1)
    pseudonym = factory.LazyAttribute(lambda o: pseudonym_for(o.employee_no, length=8))


def money(text: str) -> Decimal:
    return Decimal(text)
