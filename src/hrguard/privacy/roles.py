"""Roles (Django groups) and the actions each one may perform.

A role is a Group whose name is the role's Chinese name; its permissions are
the privacy.Capability codenames listed in ROLE_ACTIONS. `roles_sync` makes
the groups match that table and runs after every `migrate`.

`can(user, action)` ignores Django's superuser flag on purpose: a technical
administrator must not see personal data by default, so every capability
comes from a role (or a permission given to the user directly).
"""

from __future__ import annotations

import logging
from enum import StrEnum

from django.contrib.auth.models import AnonymousUser, Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, transaction

from hrguard.privacy.models import Capability

logger = logging.getLogger(__name__)

PERMISSION_APP_LABEL = "privacy"


class Action(StrEnum):
    """Capabilities a role can grant; the values are privacy.Capability permission codenames."""

    VIEW_DEPARTMENT_EMPLOYEES = "view_department_employees"
    VIEW_ALL_EMPLOYEES = "view_all_employees"
    IMPORT_DATA = "import_data"
    VIEW_ALERTS = "view_alerts"
    MANAGE_CASES = "manage_cases"
    REVEAL_NAME = "reveal_name"
    APPROVE_INTERVENTIONS = "approve_interventions"
    MANAGE_RULES = "manage_rules"
    MANAGE_LEGAL_MATTERS = "manage_legal_matters"
    EXPORT_EVIDENCE = "export_evidence"
    VIEW_AUDIT_LOG = "view_audit_log"
    MANAGE_CONSENTS = "manage_consents"
    MANAGE_RETENTION = "manage_retention"
    HANDLE_SUBJECT_REQUESTS = "handle_subject_requests"
    USE_SELF_SERVICE = "use_self_service"
    MANAGE_USERS = "manage_users"
    MANAGE_KEYS = "manage_keys"
    MANAGE_CONNECTORS = "manage_connectors"


class Role(StrEnum):
    """Roles; each value is the name of the Group that carries the role."""

    HR_SPECIALIST = "HR专员"
    HRBP = "HRBP"
    HR_MANAGER = "HR经理"
    LEGAL = "法务"
    PRIVACY_OFFICER = "个人信息保护负责人"
    AUDITOR = "审计员"
    EMPLOYEE = "员工"
    SYSTEM_ADMIN = "系统管理员"


_HR_DEPARTMENT_WORK = frozenset(
    {
        Action.VIEW_DEPARTMENT_EMPLOYEES,
        Action.IMPORT_DATA,
        Action.VIEW_ALERTS,
        Action.MANAGE_CASES,
        Action.REVEAL_NAME,
    }
)

ROLE_ACTIONS: dict[Role, frozenset[Action]] = {
    # Department HR works only inside the departments given to the user (DepartmentScope).
    Role.HR_SPECIALIST: _HR_DEPARTMENT_WORK,
    Role.HRBP: _HR_DEPARTMENT_WORK,
    Role.HR_MANAGER: frozenset(
        {
            Action.VIEW_ALL_EMPLOYEES,
            Action.IMPORT_DATA,
            Action.VIEW_ALERTS,
            Action.MANAGE_CASES,
            Action.REVEAL_NAME,
            Action.APPROVE_INTERVENTIONS,
            Action.MANAGE_RULES,
        }
    ),
    # Legal handles guarantee disputes and harassment for any colleague, so it
    # sees all employees, but it gets no risk alerts.
    Role.LEGAL: frozenset(
        {
            Action.VIEW_ALL_EMPLOYEES,
            Action.MANAGE_LEGAL_MATTERS,
            Action.EXPORT_EVIDENCE,
            Action.REVEAL_NAME,
        }
    ),
    # The personal-information protection officer oversees processing but
    # sees no employee records or case content by default.
    Role.PRIVACY_OFFICER: frozenset(
        {
            Action.VIEW_AUDIT_LOG,
            Action.MANAGE_CONSENTS,
            Action.MANAGE_RETENTION,
            Action.HANDLE_SUBJECT_REQUESTS,
        }
    ),
    Role.AUDITOR: frozenset({Action.VIEW_AUDIT_LOG}),
    Role.EMPLOYEE: frozenset({Action.USE_SELF_SERVICE}),
    # Administrators run the system and see no personal data.
    Role.SYSTEM_ADMIN: frozenset(
        {Action.MANAGE_USERS, Action.MANAGE_KEYS, Action.MANAGE_CONNECTORS}
    ),
}

_CACHE_ATTRIBUTE = "_hrguard_actions"


def can(user: User | AnonymousUser | None, action: Action | str) -> bool:
    """Return whether an active user holds `action` through a role or a direct permission.

    The answer is cached on the user object for its lifetime (one request);
    load the user again after changing its roles.
    """
    action = Action(action)
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return action in user_actions(user)


def user_actions(user: User) -> frozenset[Action]:
    """Return the actions that a user's groups and direct permissions grant."""
    cached: frozenset[Action] | None = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is not None:
        return cached
    known = {action.value for action in Action}
    group_codenames = Permission.objects.filter(
        content_type__app_label=PERMISSION_APP_LABEL, group__user=user
    ).values_list("codename", flat=True)
    direct_codenames = Permission.objects.filter(
        content_type__app_label=PERMISSION_APP_LABEL, user=user
    ).values_list("codename", flat=True)
    actions = frozenset(
        Action(codename) for codename in {*group_codenames, *direct_codenames} if codename in known
    )
    setattr(user, _CACHE_ATTRIBUTE, actions)
    return actions


def user_roles(user: User) -> set[Role]:
    names = set(Group.objects.filter(user=user).values_list("name", flat=True))
    return {role for role in Role if role.value in names}


def roles_sync(*, using: str = DEFAULT_DB_ALIAS) -> dict[Role, int]:
    """Create the role groups and set each one's permissions to exactly ROLE_ACTIONS.

    Returns the number of permissions per role. Permissions outside the
    privacy capabilities (for example Django admin permissions) are left alone.
    """
    with transaction.atomic(using=using):
        permissions = _capability_permissions(using)
        counts: dict[Role, int] = {}
        for role, actions in ROLE_ACTIONS.items():
            group, _ = Group.objects.using(using).get_or_create(name=role.value)
            wanted = [permissions[action] for action in actions]
            others = group.permissions.exclude(content_type__app_label=PERMISSION_APP_LABEL)
            group.permissions.set([*others, *wanted])
            counts[role] = len(wanted)
    logger.info("role groups synchronised", extra={"roles": len(counts)})
    return counts


def _capability_permissions(using: str) -> dict[Action, Permission]:
    content_type = ContentType.objects.db_manager(using).get_for_model(
        Capability, for_concrete_model=False
    )
    labels = dict(Capability._meta.permissions)
    permissions: dict[Action, Permission] = {}
    for action in Action:
        permission, _ = Permission.objects.using(using).get_or_create(
            content_type=content_type,
            codename=action.value,
            defaults={"name": str(labels[action.value])},
        )
        permissions[action] = permission
    return permissions
