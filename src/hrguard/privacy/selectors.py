"""Reads for name reveals and the audit log, checked against the reader's role."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet
from django.utils.translation import gettext

from hrguard.core.errors import PermissionDenied
from hrguard.people.models import Employee
from hrguard.privacy.models import AuditEntry, Reveal
from hrguard.privacy.roles import Action, can
from hrguard.privacy.services import reveal_context


def name_revealed(
    *,
    user: User | AnonymousUser,
    employee: Employee,
    alert_id: int | None = None,
    case_id: int | None = None,
) -> bool:
    """Return whether `user` revealed the employee's name for this alert or case."""
    if not isinstance(user, User) or not can(user, Action.REVEAL_NAME):
        return False
    context_type, context_id = reveal_context(alert_id=alert_id, case_id=case_id)
    return Reveal.objects.filter(
        user_id=user.pk, employee=employee, context_type=context_type, context_id=context_id
    ).exists()


def display_name_for(
    *,
    user: User | AnonymousUser,
    employee: Employee,
    alert_id: int | None = None,
    case_id: int | None = None,
) -> str:
    """Return the name if `user` revealed it for this alert or case, else the pseudonym."""
    if name_revealed(user=user, employee=employee, alert_id=alert_id, case_id=case_id):
        return employee.name
    return employee.pseudonym


def audit_entries_for_user(*, user: User | AnonymousUser) -> QuerySet[AuditEntry]:
    """Return the audit log, newest first; raise PermissionDenied without VIEW_AUDIT_LOG."""
    if not can(user, Action.VIEW_AUDIT_LOG):
        raise PermissionDenied(gettext("您没有查看审计日志的权限。"))
    return AuditEntry.objects.order_by("-seq")
