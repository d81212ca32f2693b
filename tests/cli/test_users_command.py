import io
import re

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from hrguard.privacy.models import DepartmentScope, EmployeeAccount
from tests.factories import DepartmentFactory, EmployeeFactory

pytestmark = pytest.mark.django_db


def _password_from(output: str) -> str:
    match = re.search(r"密码：(\S+?)（", output)
    assert match is not None, output
    return match.group(1)


def test_users_create_prints_working_password() -> None:
    output = io.StringIO()

    call_command("users", "create", "wang", "--role", "HR经理", stdout=output)

    password = _password_from(output.getvalue())
    assert authenticate(username="wang", password=password) is not None
    user = get_user_model().objects.get(username="wang")
    assert [group.name for group in user.groups.all()] == ["HR经理"]


def test_users_create_scopes_department() -> None:
    sales = DepartmentFactory(name="销售部")

    call_command(
        "users", "create", "li", "--role", "HR专员", "--department", "销售部", stdout=io.StringIO()
    )

    scope = DepartmentScope.objects.get(user__username="li")
    assert scope.department == sales


def test_users_create_unknown_department_creates_nothing() -> None:
    with pytest.raises(CommandError, match="部门 研发部 不存在"):
        call_command("users", "create", "zhao", "--department", "研发部")

    assert not get_user_model().objects.filter(username="zhao").exists()


def test_users_set_password_replaces_old() -> None:
    first = io.StringIO()
    call_command("users", "create", "wang", stdout=first)
    old_password = _password_from(first.getvalue())
    second = io.StringIO()

    call_command("users", "set-password", "wang", stdout=second)

    new_password = _password_from(second.getvalue())
    assert authenticate(username="wang", password=old_password) is None
    assert authenticate(username="wang", password=new_password) is not None


def test_users_create_existing_rejected() -> None:
    call_command("users", "create", "wang", stdout=io.StringIO())

    with pytest.raises(CommandError, match="用户 wang 已存在"):
        call_command("users", "create", "wang")


def test_users_create_links_employee_for_self_service() -> None:
    employee = EmployeeFactory(employee_no="E0042")

    call_command(
        "users", "create", "e0042", "--role", "员工", "--employee", "E0042", stdout=io.StringIO()
    )

    account = EmployeeAccount.objects.get(user__username="e0042")
    assert account.employee == employee


def test_users_create_unknown_employee_creates_nothing() -> None:
    with pytest.raises(CommandError, match="花名册中没有工号 E9999"):
        call_command("users", "create", "ghost", "--employee", "E9999")

    assert not get_user_model().objects.filter(username="ghost").exists()
