import pytest

from hrguard.core.errors import NotFound, PermissionDenied, ValidationFailed
from hrguard.privacy.models import AuditEntry, Reveal
from hrguard.privacy.roles import Role
from hrguard.privacy.selectors import display_name_for, name_revealed
from hrguard.privacy.services import reveal_name
from tests.factories import DepartmentFactory, EmployeeFactory
from tests.privacy.helpers import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def employee():
    return EmployeeFactory(employee_no="E0042", name="王小明", pseudonym="员工-7F3A")


@pytest.fixture
def hr_user(employee):
    return make_user("hr", Role.HR_SPECIALIST, departments=(employee.department,))


def test_reveal_name_returns_name_and_records_reveal(hr_user, employee) -> None:
    name = reveal_name(user=hr_user, employee=employee, reason="  约谈前核实身份 ", alert_id=11)

    assert name == "王小明"
    reveal = Reveal.objects.get()
    assert (reveal.user, reveal.employee, reveal.context_type, reveal.context_id) == (
        hr_user,
        employee,
        "alert",
        11,
    )
    assert reveal.reason == "约谈前核实身份"


def test_reveal_name_audited_without_the_name(hr_user, employee) -> None:
    reveal_name(user=hr_user, employee=employee, reason="约谈前核实身份", case_id=5)

    entry = AuditEntry.objects.get()
    assert entry.action == "employee.reveal_name"
    assert entry.actor_id == hr_user.pk
    assert (entry.target_type, entry.target_id) == ("employee", "E0042")
    assert entry.after == {"context_type": "case", "context_id": 5}
    assert entry.reason == "约谈前核实身份"
    assert "王小明" not in str(entry.before) + str(entry.after) + entry.reason


def test_display_name_for_limited_to_revealed_context(hr_user, employee) -> None:
    colleague = make_user("hr2", Role.HR_SPECIALIST, departments=(employee.department,))
    reveal_name(user=hr_user, employee=employee, reason="核实", alert_id=11)

    assert display_name_for(user=hr_user, employee=employee, alert_id=11) == "王小明"
    assert display_name_for(user=hr_user, employee=employee, alert_id=12) == "员工-7F3A"
    assert display_name_for(user=hr_user, employee=employee, case_id=11) == "员工-7F3A"
    assert display_name_for(user=colleague, employee=employee, alert_id=11) == "员工-7F3A"
    assert name_revealed(user=hr_user, employee=employee, alert_id=11)


def test_display_name_for_after_role_removed_shows_pseudonym(hr_user, employee) -> None:
    from django.contrib.auth import get_user_model

    reveal_name(user=hr_user, employee=employee, reason="核实", alert_id=11)
    hr_user.groups.clear()
    reloaded = get_user_model().objects.get(pk=hr_user.pk)

    assert display_name_for(user=reloaded, employee=employee, alert_id=11) == "员工-7F3A"


@pytest.mark.parametrize("reason", ["", "   ", "\n\t"])
def test_reveal_name_blank_reason_rejected(hr_user, employee, reason: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        reveal_name(user=hr_user, employee=employee, reason=reason, alert_id=11)

    assert caught.value.code == "reason_required"
    assert caught.value.message == "请填写查看姓名的理由。"
    assert not Reveal.objects.exists()
    assert not AuditEntry.objects.exists()


def test_reveal_name_reason_with_phone_rolled_back(hr_user, employee) -> None:
    with pytest.raises(ValidationFailed):
        reveal_name(user=hr_user, employee=employee, reason="回电13800138000", alert_id=11)

    assert not Reveal.objects.exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    "role", [Role.AUDITOR, Role.PRIVACY_OFFICER, Role.SYSTEM_ADMIN, Role.EMPLOYEE]
)
def test_reveal_name_without_permission_denied(employee, role: Role) -> None:
    user = make_user("x", role, departments=(employee.department,))

    with pytest.raises(PermissionDenied) as caught:
        reveal_name(user=user, employee=employee, reason="核实", alert_id=11)

    assert caught.value.message == "您没有查看员工姓名的权限。"
    assert not Reveal.objects.exists()
    assert not AuditEntry.objects.exists()


def test_reveal_name_outside_scope_not_found(employee) -> None:
    user = make_user("hr", Role.HR_SPECIALIST, departments=(DepartmentFactory(name="别的部门"),))

    with pytest.raises(NotFound):
        reveal_name(user=user, employee=employee, reason="核实", alert_id=11)

    assert not Reveal.objects.exists()


def test_reveal_name_hr_manager_any_department(employee) -> None:
    manager = make_user("manager", Role.HR_MANAGER)

    assert reveal_name(user=manager, employee=employee, reason="审批干预", case_id=3) == "王小明"


@pytest.mark.parametrize(("alert_id", "case_id"), [(None, None), (1, 2)])
def test_reveal_name_needs_exactly_one_context(hr_user, employee, alert_id, case_id) -> None:
    with pytest.raises(ValueError, match="exactly one of alert_id and case_id"):
        reveal_name(
            user=hr_user, employee=employee, reason="核实", alert_id=alert_id, case_id=case_id
        )
