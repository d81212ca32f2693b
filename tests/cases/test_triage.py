"""Dismissing alerts and opening cases from them."""

import datetime
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from hrguard.cases.models import AlertDismissal, Case, CaseEvent, DismissalReason
from hrguard.cases.selectors import case_get_for_user, case_list_for_user
from hrguard.cases.services import (
    CaseConflict,
    alert_dismiss,
    case_assign,
    case_open_from_alert,
    case_set_due_date,
    case_transition,
)
from hrguard.cases.states import CaseState
from hrguard.core.errors import NotFound, PermissionDenied, ValidationFailed
from hrguard.notify.models import Notification
from hrguard.people.models import Employee
from hrguard.privacy.audit import audit_verify
from hrguard.privacy.models import AuditEntry
from hrguard.privacy.roles import Role
from hrguard.risk.models import Alert
from tests.cases.builders import make_alert, make_user
from tests.factories import DepartmentFactory, EmployeeFactory


def test_dismissal_reasons_have_fixed_codes_and_labels() -> None:
    assert [(choice.value, str(choice.label)) for choice in DismissalReason] == [
        ("false_positive", "误报"),
        ("known_situation", "已知情况"),
        ("data_error", "数据错误"),
        ("employee_explained", "员工已说明"),
        ("other", "其他"),
    ]


@pytest.mark.django_db
def test_alert_dismiss_records_reason_user_and_indicators(employee: Employee, hr_user: Any) -> None:
    alert = make_alert(employee, indicators=("leave_spike", "reimbursement_spike"))

    dismissal = alert_dismiss(
        alert=alert,
        user=hr_user,
        reason_code=DismissalReason.KNOWN_SITUATION,
        note="员工家人住院，请假已获批准",
    )

    alert.refresh_from_db()
    assert alert.status == Alert.Status.DISMISSED
    stored = AlertDismissal.objects.get(alert=alert)
    assert stored == dismissal
    assert stored.reason_code == "known_situation"
    assert stored.note == "员工家人住院，请假已获批准"
    assert stored.dismissed_by == hr_user
    assert stored.indicators == ["leave_spike", "reimbursement_spike"]
    assert stored.dismissed_at is not None


@pytest.mark.django_db
def test_alert_dismiss_unknown_reason_raises(employee: Employee, hr_user: Any) -> None:
    alert = make_alert(employee)

    with pytest.raises(ValidationFailed) as raised:
        alert_dismiss(alert=alert, user=hr_user, reason_code="bored", note="")

    assert str(raised.value) == "排除原因“bored”无效，请从列表中选择。"
    alert.refresh_from_db()
    assert alert.status == Alert.Status.OPEN


@pytest.mark.django_db
def test_alert_dismiss_other_without_note_raises(employee: Employee, hr_user: Any) -> None:
    alert = make_alert(employee)

    with pytest.raises(ValidationFailed) as raised:
        alert_dismiss(alert=alert, user=hr_user, reason_code=DismissalReason.OTHER, note=" ")

    assert str(raised.value) == "排除原因选择“其他”时，请填写说明。"


@pytest.mark.django_db
def test_alert_dismiss_twice_raises(employee: Employee, hr_user: Any) -> None:
    alert = make_alert(employee)
    alert_dismiss(alert=alert, user=hr_user, reason_code=DismissalReason.FALSE_POSITIVE)

    with pytest.raises(ValidationFailed) as raised:
        alert_dismiss(alert=alert, user=hr_user, reason_code=DismissalReason.DATA_ERROR)

    assert str(raised.value) == f"预警 {alert.pk} 不是待处理状态，不能排除。"
    assert AlertDismissal.objects.get(alert=alert).reason_code == "false_positive"


@pytest.mark.django_db
def test_alert_dismiss_without_permission_changes_nothing(employee: Employee) -> None:
    alert = make_alert(employee)
    viewer = make_user("auditor", Role.AUDITOR)

    with pytest.raises(PermissionDenied):
        alert_dismiss(alert=alert, user=viewer, reason_code=DismissalReason.FALSE_POSITIVE)

    alert.refresh_from_db()
    assert alert.status == Alert.Status.OPEN
    assert not AlertDismissal.objects.exists()


@pytest.mark.django_db
def test_alert_dismiss_alert_with_case_raises(employee: Employee, hr_user: Any) -> None:
    alert = make_alert(employee)
    case_open_from_alert(alert=alert, user=hr_user)

    with pytest.raises(ValidationFailed) as raised:
        alert_dismiss(alert=alert, user=hr_user, reason_code=DismissalReason.FALSE_POSITIVE)

    assert str(raised.value) == f"预警 {alert.pk} 已经立案，请在案件中结案，而不是排除预警。"


@pytest.mark.django_db
def test_case_open_from_alert_records_opened_event(employee: Employee, hr_user: Any) -> None:
    alert = make_alert(employee, indicators=("loan_platforms", "colleague_borrowing"))
    assignee = make_user("hr-li")

    case = case_open_from_alert(alert=alert, user=hr_user, assignee=assignee)

    assert case.state == CaseState.NEW
    assert case.employee == employee
    assert case.assignee == assignee
    assert case.opened_by == hr_user
    event = CaseEvent.objects.get(case=case)
    assert event.kind == CaseEvent.Kind.OPENED
    assert event.actor == hr_user
    assert event.before == {}
    assert event.after == {
        "state": "new",
        "alert_id": alert.pk,
        "level": "medium",
        "indicators": ["loan_platforms", "colleague_borrowing"],
        "assignee_id": assignee.pk,
        "due_date": None,
    }
    assert Notification.objects.filter(recipient=assignee).count() == 1


@pytest.mark.django_db
def test_case_open_second_case_for_employee_raises(employee: Employee, hr_user: Any) -> None:
    first = case_open_from_alert(alert=make_alert(employee), user=hr_user)
    Alert.objects.filter(pk=first.alert_id).update(status=Alert.Status.CLOSED)
    other_alert = make_alert(employee, indicators=("gambling_spend",))

    with pytest.raises(CaseConflict) as raised:
        case_open_from_alert(alert=other_alert, user=hr_user)

    assert str(raised.value) == f"{employee.pseudonym} 已有未结案件 #{first.pk}，请在该案件中处理。"
    assert Case.objects.filter(employee=employee).count() == 1


@pytest.mark.django_db
def test_case_constraint_rejects_second_open_case(employee: Employee, hr_user: Any) -> None:
    Case.objects.create(employee=employee, opened_by=hr_user, state=CaseState.IN_PROGRESS)

    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.create(employee=employee, opened_by=hr_user, state=CaseState.NEW)


@pytest.mark.django_db
def test_case_constraint_allows_closed_cases_beside_open_one(
    employee: Employee, hr_user: Any
) -> None:
    Case.objects.create(employee=employee, opened_by=hr_user, state=CaseState.CLOSED)
    Case.objects.create(employee=employee, opened_by=hr_user, state=CaseState.CLOSED)

    Case.objects.create(employee=employee, opened_by=hr_user, state=CaseState.NEW)

    assert Case.objects.filter(employee=employee).count() == 3


@pytest.mark.django_db
def test_case_open_from_dismissed_alert_raises(employee: Employee, hr_user: Any) -> None:
    alert = make_alert(employee)
    alert_dismiss(alert=alert, user=hr_user, reason_code=DismissalReason.FALSE_POSITIVE)

    with pytest.raises(ValidationFailed) as raised:
        case_open_from_alert(alert=alert, user=hr_user)

    assert str(raised.value) == f"预警 {alert.pk} 不是待处理状态，不能立案。"


@pytest.mark.django_db
def test_case_open_without_permission_raises(employee: Employee) -> None:
    viewer = make_user("auditor", Role.AUDITOR)

    with pytest.raises(PermissionDenied) as raised:
        case_open_from_alert(alert=make_alert(employee), user=viewer)

    assert str(raised.value) == "您没有处理个案的权限。"
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_case_assign_records_before_and_after(employee: Employee, hr_user: Any) -> None:
    first_assignee = make_user("hr-li")
    second_assignee = make_user("hr-wang")
    case = case_open_from_alert(alert=make_alert(employee), user=hr_user, assignee=first_assignee)

    case_assign(case=case, user=hr_user, assignee=second_assignee, note="李休假，改由王负责")

    case.refresh_from_db()
    assert case.assignee == second_assignee
    event = CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.ASSIGNED).get()
    assert event.before == {"assignee_id": first_assignee.pk}
    assert event.after == {"assignee_id": second_assignee.pk}
    assert event.note == "李休假，改由王负责"


@pytest.mark.django_db
def test_case_open_out_of_scope_raises(employee: Employee) -> None:
    other_department = DepartmentFactory(name="财务部")
    specialist = make_user("hr-scoped", Role.HR_SPECIALIST, departments=(other_department,))
    alert = make_alert(employee)

    with pytest.raises(NotFound) as raised:
        case_open_from_alert(alert=alert, user=specialist)

    assert str(raised.value) == "员工不存在，或不在您的数据范围内。"
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_alert_dismiss_employee_out_of_scope_changes_nothing(employee: Employee) -> None:
    other_department = DepartmentFactory(name="财务部")
    specialist = make_user("hr-scoped", Role.HR_SPECIALIST, departments=(other_department,))
    alert = make_alert(employee)

    with pytest.raises(NotFound):
        alert_dismiss(alert=alert, user=specialist, reason_code=DismissalReason.FALSE_POSITIVE)

    alert.refresh_from_db()
    assert alert.status == Alert.Status.OPEN
    assert not AlertDismissal.objects.exists()


@pytest.mark.django_db
def test_case_open_in_scope_specialist_succeeds(employee: Employee) -> None:
    specialist = make_user("hr-scoped", Role.HR_SPECIALIST, departments=(employee.department,))

    case = case_open_from_alert(alert=make_alert(employee), user=specialist)

    assert case_get_for_user(case_id=case.pk, user=specialist) == case


@pytest.mark.django_db
def test_case_get_out_of_scope_raises(employee: Employee, hr_user: Any) -> None:
    case = case_open_from_alert(alert=make_alert(employee), user=hr_user)
    specialist = make_user(
        "hr-scoped", Role.HR_SPECIALIST, departments=(DepartmentFactory(name="财务部"),)
    )

    with pytest.raises(NotFound) as raised:
        case_get_for_user(case_id=case.pk, user=specialist)

    assert str(raised.value) == f"案件 {case.pk} 不存在，或不在您的数据范围内。"


@pytest.mark.django_db
def test_case_assign_to_user_without_case_role_raises(employee: Employee, hr_user: Any) -> None:
    case = case_open_from_alert(alert=make_alert(employee), user=hr_user)
    auditor = make_user("auditor", Role.AUDITOR)

    with pytest.raises(ValidationFailed) as raised:
        case_assign(case=case, user=hr_user, assignee=auditor)

    assert str(raised.value) == (
        "用户 auditor 不能处理该员工的个案：账号已停用、没有个案权限，或员工不在其数据范围内。"
    )
    case.refresh_from_db()
    assert case.assignee is None


@pytest.mark.django_db
def test_case_changes_are_in_audit_log(employee: Employee, hr_user: Any) -> None:
    alert = make_alert(employee)
    case = case_open_from_alert(alert=alert, user=hr_user)
    case_transition(case=case, user=hr_user, to_state=CaseState.IN_PROGRESS, note="开始处理")

    entries = list(
        AuditEntry.objects.filter(target_type="case", target_id=str(case.pk))
        .order_by("seq")
        .values_list("action", "actor_id", "before", "after")
    )

    assert entries[0][:2] == ("case.opened", hr_user.pk)
    assert entries[1] == (
        "case.state_changed",
        hr_user.pk,
        {"state": "new"},
        {"state": "in_progress"},
    )
    assert audit_verify().intact


@pytest.mark.django_db
def test_case_list_for_user_open_cases_in_scope(employee: Employee, hr_user: Any) -> None:
    open_case = case_open_from_alert(alert=make_alert(employee), user=hr_user)
    other = EmployeeFactory(employee_no="E3003", department=DepartmentFactory(name="财务部"))
    closed_case = case_open_from_alert(alert=make_alert(other), user=hr_user)
    case_transition(case=closed_case, user=hr_user, to_state=CaseState.CLOSED, note="误报")
    specialist = make_user("hr-scoped", Role.HR_SPECIALIST, departments=(employee.department,))
    auditor = make_user("auditor", Role.AUDITOR)

    assert list(case_list_for_user(user=hr_user)) == [open_case]
    assert set(case_list_for_user(user=hr_user, open_only=False)) == {open_case, closed_case}
    assert list(case_list_for_user(user=specialist, open_only=False)) == [open_case]
    assert list(case_list_for_user(user=auditor)) == []


@pytest.mark.django_db
def test_case_set_due_date_records_change(employee: Employee, hr_user: Any) -> None:
    case = case_open_from_alert(alert=make_alert(employee), user=hr_user)
    today = datetime.date(2026, 12, 4)

    case_set_due_date(case=case, user=hr_user, due_date=datetime.date(2026, 12, 18), today=today)
    with pytest.raises(ValidationFailed) as raised:
        case_set_due_date(case=case, user=hr_user, due_date=datetime.date(2026, 12, 1), today=today)

    assert str(raised.value) == "期限 2026-12-01 早于今天，请选择今天或以后的日期。"
    case.refresh_from_db()
    assert case.due_date == datetime.date(2026, 12, 18)
    event = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.DUE_DATE_SET)
    assert (event.before, event.after) == ({"due_date": None}, {"due_date": "2026-12-18"})
