"""Users with roles and department scopes for the privacy tests."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from hrguard.people.models import Department, Employee
from hrguard.privacy.models import DepartmentScope, EmployeeAccount
from hrguard.privacy.roles import Role


def make_user(
    username: str,
    *roles: Role,
    departments: tuple[Department, ...] = (),
    employee: Employee | None = None,
):
    """Create a user without a usable password, holding `roles` and scoped to `departments`."""
    user = get_user_model().objects.create_user(username=username)
    for role in roles:
        Group.objects.get(name=role.value).user_set.add(user)
    for department in departments:
        DepartmentScope.objects.create(user=user, department=department)
    if employee is not None:
        EmployeeAccount.objects.create(user=user, employee=employee)
    return user
