"""Writes for roles, data scopes and name reveals; each one is audited in its transaction."""

from __future__ import annotations

import logging

from django.contrib.auth.models import AnonymousUser, Group, User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from hrguard.core.errors import NotFound, PermissionDenied, ValidationFailed
from hrguard.people.models import Department, Employee
from hrguard.privacy.audit import audit_record
from hrguard.privacy.models import DepartmentScope, EmployeeAccount, Reveal, RevealContext
from hrguard.privacy.roles import Action, Role, can
from hrguard.privacy.scopes import employees_visible_to

logger = logging.getLogger(__name__)

Actor = User | AnonymousUser | None


def _require(actor: Actor, action: Action) -> None:
    # actor None is a command run by the operator on the server, which is trusted.
    if actor is not None and not can(actor, action):
        raise PermissionDenied(gettext("您没有执行此操作的权限。"))


def role_grant(*, actor: Actor, user: User, role: Role) -> None:
    """Give `user` a role; the actor needs MANAGE_USERS."""
    _require(actor, Action.MANAGE_USERS)
    group = Group.objects.get(name=role.value)
    with transaction.atomic():
        group.user_set.add(user)
        audit_record(
            actor=actor,
            action="role.grant",
            target_type="user",
            target_id=str(user.pk),
            after={"role": role.value},
        )


def role_revoke(*, actor: Actor, user: User, role: Role) -> None:
    """Take a role away from `user`; the actor needs MANAGE_USERS."""
    _require(actor, Action.MANAGE_USERS)
    group = Group.objects.get(name=role.value)
    with transaction.atomic():
        group.user_set.remove(user)
        audit_record(
            actor=actor,
            action="role.revoke",
            target_type="user",
            target_id=str(user.pk),
            before={"role": role.value},
        )


def department_scope_grant(*, actor: Actor, user: User, department: Department) -> DepartmentScope:
    """Let `user` see a department and everything below it; the actor needs MANAGE_USERS."""
    _require(actor, Action.MANAGE_USERS)
    with transaction.atomic():
        scope, created = DepartmentScope.objects.get_or_create(user=user, department=department)
        if created:
            audit_record(
                actor=actor,
                action="scope.grant",
                target_type="user",
                target_id=str(user.pk),
                after={"department_id": department.pk},
            )
    return scope


def department_scope_revoke(*, actor: Actor, user: User, department: Department) -> None:
    _require(actor, Action.MANAGE_USERS)
    with transaction.atomic():
        deleted, _ = DepartmentScope.objects.filter(user=user, department=department).delete()
        if deleted:
            audit_record(
                actor=actor,
                action="scope.revoke",
                target_type="user",
                target_id=str(user.pk),
                before={"department_id": department.pk},
            )


def employee_account_link(*, actor: Actor, user: User, employee: Employee) -> EmployeeAccount:
    """Link a login to an employee for self-service; the actor needs MANAGE_USERS."""
    _require(actor, Action.MANAGE_USERS)
    with transaction.atomic():
        account, _ = EmployeeAccount.objects.update_or_create(
            user=user, defaults={"employee": employee}
        )
        audit_record(
            actor=actor,
            action="account.link",
            target_type="user",
            target_id=str(user.pk),
            after={"employee_no": employee.employee_no},
        )
    return account


def reveal_name(
    *,
    user: User,
    employee: Employee,
    reason: str,
    alert_id: int | None = None,
    case_id: int | None = None,
) -> str:
    """Return the employee's real name behind the pseudonym, within one alert or case.

    Needs REVEAL_NAME, the employee inside the user's scope (NotFound
    otherwise) and a typed reason. Stores a Reveal row, so pages of that same
    alert or case show the name to this user, and records the reveal in the
    audit log. Give exactly one of `alert_id` and `case_id`.
    """
    context_type, context_id = reveal_context(alert_id=alert_id, case_id=case_id)
    if not can(user, Action.REVEAL_NAME):
        logger.warning(
            "name reveal denied: no permission",
            extra={"user_id": user.pk, "employee_no": employee.employee_no},
        )
        raise PermissionDenied(gettext("您没有查看员工姓名的权限。"))
    if not employees_visible_to(user).filter(pk=employee.pk).exists():
        logger.warning(
            "name reveal denied: employee out of scope",
            extra={"user_id": user.pk, "employee_no": employee.employee_no},
        )
        raise NotFound(gettext("员工不存在，或不在您的数据范围内。"))
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(gettext("请填写查看姓名的理由。"), code="reason_required")

    with transaction.atomic():
        Reveal.objects.create(
            user=user,
            employee=employee,
            context_type=context_type,
            context_id=context_id,
            reason=reason,
            revealed_at=timezone.now(),
        )
        audit_record(
            actor=user,
            action="employee.reveal_name",
            target_type="employee",
            target_id=employee.employee_no,
            after={"context_type": context_type, "context_id": context_id},
            reason=reason,
        )
    return employee.name


def reveal_context(*, alert_id: int | None, case_id: int | None) -> tuple[str, int]:
    """Return (context type, id) for a reveal; raise ValueError unless exactly one id is given."""
    if alert_id is not None and case_id is None:
        return RevealContext.ALERT.value, alert_id
    if case_id is not None and alert_id is None:
        return RevealContext.CASE.value, case_id
    raise ValueError("give exactly one of alert_id and case_id")
