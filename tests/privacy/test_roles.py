import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.core.management.base import CommandError

from hrguard.core.errors import NotFound, PermissionDenied
from hrguard.people.models import Department
from hrguard.privacy.models import AuditEntry, DepartmentScope
from hrguard.privacy.roles import ROLE_ACTIONS, Action, Role, can, roles_sync
from hrguard.privacy.scopes import employee_get_for_user, employees_visible_to
from hrguard.privacy.services import department_scope_grant, role_grant
from tests.factories import EmployeeFactory
from tests.privacy.helpers import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def company():
    """Departments 总部 > 销售部 > 华东销售 and 研发部, one employee in each."""
    head_office = Department.objects.create(name="总部")
    sales = Department.objects.create(name="销售部", parent=head_office)
    east = Department.objects.create(name="华东销售", parent=sales)
    research = Department.objects.create(name="研发部")
    return {
        "departments": {"总部": head_office, "销售部": sales, "华东销售": east, "研发部": research},
        "employees": {
            name: EmployeeFactory(employee_no=f"E{index}", department=department)
            for index, (name, department) in enumerate(
                [("总部", head_office), ("销售部", sales), ("华东销售", east), ("研发部", research)]
            )
        },
    }


def visible_numbers(user) -> list[str]:
    return sorted(employees_visible_to(user).values_list("employee_no", flat=True))


def test_roles_exist_after_migrate_with_their_permissions() -> None:
    for role, actions in ROLE_ACTIONS.items():
        group = Group.objects.get(name=role.value)
        codenames = set(group.permissions.values_list("codename", flat=True))
        assert codenames == {action.value for action in actions}, role


def test_roles_sync_restores_permissions_and_keeps_others() -> None:
    group = Group.objects.get(name=Role.AUDITOR.value)
    extra_capability = Permission.objects.get(codename=Action.REVEAL_NAME.value)
    admin_permission = Permission.objects.get(codename="view_group")
    group.permissions.add(extra_capability, admin_permission)

    counts = roles_sync()

    codenames = set(group.permissions.values_list("codename", flat=True))
    assert codenames == {"view_audit_log", "view_group"}
    assert counts[Role.AUDITOR] == 1
    assert counts[Role.HR_MANAGER] == 7


def test_roles_command_sync_prints_each_role() -> None:
    out = io.StringIO()

    call_command("roles", "sync", stdout=out)

    assert "审计员：1 项权限。" in out.getvalue().splitlines()
    assert len(out.getvalue().splitlines()) == len(Role)


@pytest.mark.parametrize(
    ("role", "allowed", "denied"),
    [
        (
            Role.HR_SPECIALIST,
            [Action.REVEAL_NAME, Action.MANAGE_CASES],
            [Action.VIEW_ALL_EMPLOYEES],
        ),
        (Role.HRBP, [Action.VIEW_DEPARTMENT_EMPLOYEES], [Action.APPROVE_INTERVENTIONS]),
        (
            Role.HR_MANAGER,
            [Action.APPROVE_INTERVENTIONS, Action.MANAGE_RULES],
            [Action.VIEW_AUDIT_LOG],
        ),
        (Role.LEGAL, [Action.EXPORT_EVIDENCE, Action.MANAGE_LEGAL_MATTERS], [Action.VIEW_ALERTS]),
        (
            Role.PRIVACY_OFFICER,
            [Action.VIEW_AUDIT_LOG, Action.MANAGE_CONSENTS, Action.MANAGE_RETENTION],
            [Action.MANAGE_CASES, Action.REVEAL_NAME, Action.VIEW_ALL_EMPLOYEES],
        ),
        (Role.AUDITOR, [Action.VIEW_AUDIT_LOG], [Action.MANAGE_CONSENTS, Action.VIEW_ALERTS]),
        (Role.EMPLOYEE, [Action.USE_SELF_SERVICE], [Action.VIEW_DEPARTMENT_EMPLOYEES]),
        (
            Role.SYSTEM_ADMIN,
            [Action.MANAGE_USERS, Action.MANAGE_KEYS],
            [Action.REVEAL_NAME, Action.VIEW_ALL_EMPLOYEES, Action.VIEW_AUDIT_LOG],
        ),
    ],
)
def test_can_per_role(role: Role, allowed: list[Action], denied: list[Action]) -> None:
    user = make_user("u", role)

    for action in allowed:
        assert can(user, action), action
    for action in denied:
        assert not can(user, action), action


def test_can_superuser_without_role_denied(django_user_model) -> None:
    admin = django_user_model.objects.create_superuser(username="root")

    assert not can(admin, Action.REVEAL_NAME)
    assert visible_numbers(admin) == []


def test_can_inactive_or_anonymous_denied() -> None:
    from django.contrib.auth.models import AnonymousUser

    user = make_user("u", Role.HR_MANAGER)
    user.is_active = False

    assert not can(user, Action.VIEW_ALERTS)
    assert not can(AnonymousUser(), Action.VIEW_ALERTS)
    assert not can(None, Action.VIEW_ALERTS)


def test_can_unknown_action_raises() -> None:
    user = make_user("u", Role.HR_MANAGER)

    with pytest.raises(ValueError, match="'delete_everything' is not a valid Action"):
        can(user, "delete_everything")


def test_employees_visible_to_hr_specialist_sees_department_subtree(company) -> None:
    user = make_user("hr", Role.HR_SPECIALIST, departments=(company["departments"]["销售部"],))

    assert visible_numbers(user) == ["E1", "E2"]


def test_employees_visible_to_hrbp_two_scopes(company) -> None:
    departments = company["departments"]
    user = make_user("bp", Role.HRBP, departments=(departments["华东销售"], departments["研发部"]))

    assert visible_numbers(user) == ["E2", "E3"]


def test_employees_visible_to_hr_specialist_without_scope_sees_nobody(company) -> None:
    user = make_user("hr", Role.HR_SPECIALIST)

    assert visible_numbers(user) == []


def test_employees_visible_to_scope_without_role_sees_nobody(company) -> None:
    user = make_user("x", departments=(company["departments"]["总部"],))

    assert visible_numbers(user) == []


@pytest.mark.parametrize("role", [Role.HR_MANAGER, Role.LEGAL])
def test_employees_visible_to_company_wide_roles_see_all(company, role: Role) -> None:
    user = make_user("m", role)

    assert visible_numbers(user) == ["E0", "E1", "E2", "E3"]


@pytest.mark.parametrize("role", [Role.PRIVACY_OFFICER, Role.AUDITOR, Role.SYSTEM_ADMIN])
def test_employees_visible_to_oversight_roles_see_nobody(company, role: Role) -> None:
    user = make_user("o", role, departments=(company["departments"]["总部"],))

    assert visible_numbers(user) == []


def test_employees_visible_to_employee_sees_only_self(company) -> None:
    user = make_user("self", Role.EMPLOYEE, employee=company["employees"]["研发部"])
    without_account = make_user("other", Role.EMPLOYEE)

    assert visible_numbers(user) == ["E3"]
    assert visible_numbers(without_account) == []


def test_employees_visible_to_hr_who_is_employee_sees_scope_and_self(company) -> None:
    user = make_user(
        "hr",
        Role.HR_SPECIALIST,
        Role.EMPLOYEE,
        departments=(company["departments"]["华东销售"],),
        employee=company["employees"]["研发部"],
    )

    assert visible_numbers(user) == ["E2", "E3"]


def test_employee_get_for_user_out_of_scope_not_found(company) -> None:
    user = make_user("hr", Role.HR_SPECIALIST, departments=(company["departments"]["研发部"],))
    outside = company["employees"]["销售部"]

    with pytest.raises(NotFound) as caught:
        employee_get_for_user(user=user, employee_id=outside.pk)

    assert caught.value.message == "员工不存在，或不在您的数据范围内。"
    assert (
        employee_get_for_user(user=user, employee_id=company["employees"]["研发部"].pk).employee_no
        == "E3"
    )


def test_role_grant_by_admin_audited() -> None:
    admin = make_user("admin", Role.SYSTEM_ADMIN)
    user = make_user("new")

    role_grant(actor=admin, user=user, role=Role.HR_MANAGER)

    assert Group.objects.get(name=Role.HR_MANAGER.value).user_set.filter(pk=user.pk).exists()
    entry = AuditEntry.objects.get(action="role.grant")
    assert entry.actor_id == admin.pk
    assert entry.target_id == str(user.pk)
    assert entry.after == {"role": "HR经理"}


def test_role_grant_by_hr_manager_denied_and_unchanged() -> None:
    manager = make_user("manager", Role.HR_MANAGER)
    user = make_user("new")

    with pytest.raises(PermissionDenied) as caught:
        role_grant(actor=manager, user=user, role=Role.HR_MANAGER)

    assert caught.value.message == "您没有执行此操作的权限。"
    assert not user.groups.exists()
    assert not AuditEntry.objects.exists()


def test_department_scope_grant_twice_audited_once(company) -> None:
    admin = make_user("admin", Role.SYSTEM_ADMIN)
    user = make_user("hr", Role.HR_SPECIALIST)
    sales = company["departments"]["销售部"]

    department_scope_grant(actor=admin, user=user, department=sales)
    department_scope_grant(actor=admin, user=user, department=sales)

    assert DepartmentScope.objects.filter(user=user).count() == 1
    assert AuditEntry.objects.filter(action="scope.grant").count() == 1
    assert AuditEntry.objects.get(action="scope.grant").after == {"department_id": sales.pk}


def test_roles_command_grant_and_scope(company) -> None:
    user = make_user("hr")
    out = io.StringIO()

    call_command("roles", "grant", "hr", "HRBP", stdout=out)
    call_command("roles", "scope", "hr", "销售部", stdout=out)

    assert out.getvalue().splitlines() == [
        "已给用户 hr 分配角色 HRBP。",
        "用户 hr 现在可以查看 销售部 及其下级部门的员工。",
    ]
    user.refresh_from_db()
    assert visible_numbers(user) == ["E1", "E2"]


def test_roles_command_unknown_department_raises(company) -> None:
    make_user("hr")

    with pytest.raises(CommandError, match="部门 市场部 不存在"):
        call_command("roles", "scope", "hr", "市场部")


def test_roles_command_unknown_user_raises() -> None:
    with pytest.raises(CommandError, match="用户 nobody 不存在。"):
        call_command("roles", "grant", "nobody", "HRBP")
