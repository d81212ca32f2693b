"""Data scopes: which employees a user may see.

Every selector that returns employees, or records that belong to employees,
starts from `employees_visible_to(user)` and checks its action with
`hrguard.privacy.roles.can`. An object outside the scope is reported as not
found (HTTP 404), never as forbidden, so its existence is not disclosed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet
from django.utils.translation import gettext

from hrguard.core.errors import NotFound
from hrguard.people.models import Department, Employee
from hrguard.privacy.models import DepartmentScope, EmployeeAccount
from hrguard.privacy.roles import Action, can


def employees_visible_to(user: User | AnonymousUser | None) -> QuerySet[Employee]:
    """Return the employees that `user` may see.

    All employees with VIEW_ALL_EMPLOYEES. With VIEW_DEPARTMENT_EMPLOYEES, the
    employees of the user's scoped departments and all their sub-departments.
    With USE_SELF_SERVICE, the user's own employee record. Nobody otherwise.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return Employee.objects.none()
    if can(user, Action.VIEW_ALL_EMPLOYEES):
        return Employee.objects.all()

    conditions: list[Q] = []
    if can(user, Action.VIEW_DEPARTMENT_EMPLOYEES):
        conditions.append(Q(department_id__in=departments_in_scope(user)))
    if can(user, Action.USE_SELF_SERVICE):
        own = (
            EmployeeAccount.objects.filter(user=user).values_list("employee_id", flat=True).first()
        )
        if own is not None:
            conditions.append(Q(pk=own))
    if not conditions:
        return Employee.objects.none()

    combined = conditions[0]
    for condition in conditions[1:]:
        combined |= condition
    return Employee.objects.filter(combined)


def departments_in_scope(user: User) -> set[int]:
    """Return the ids of the user's scoped departments and of all departments below them."""
    roots = DepartmentScope.objects.filter(user=user).values_list("department_id", flat=True)
    return department_subtree_ids(roots)


def department_subtree_ids(root_ids: Iterable[int]) -> set[int]:
    """Return `root_ids` and the ids of every department below them."""
    children: dict[int | None, list[int]] = defaultdict(list)
    for department_id, parent_id in Department.objects.values_list("id", "parent_id"):
        children[parent_id].append(department_id)

    found: set[int] = set()
    pending = list(root_ids)
    while pending:
        department_id = pending.pop()
        if department_id in found:
            continue
        found.add(department_id)
        pending.extend(children[department_id])
    return found


def employee_get_for_user(*, user: User | AnonymousUser, employee_id: int) -> Employee:
    """Return one employee the user may see; raise NotFound when it is missing or out of scope."""
    employee = employees_visible_to(user).filter(pk=employee_id).first()
    if employee is None:
        raise NotFound(gettext("员工不存在，或不在您的数据范围内。"))
    return employee
