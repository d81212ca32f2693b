"""Builders for alerts and HR users shared by the cases and notify tests."""

from typing import Any

from hrguard.people.models import Department, Employee
from hrguard.privacy.roles import Role
from hrguard.risk.models import Alert, AlertLevel, RuleSet, ScanRun
from tests.privacy.helpers import make_user as make_user_with_roles


def make_user(
    username: str, role: Role | None = Role.HR_MANAGER, departments: tuple[Department, ...] = ()
) -> Any:
    """Create a user holding `role` (an HR manager, who sees every employee, by default)."""
    roles = () if role is None else (role,)
    return make_user_with_roles(username, *roles, departments=departments)


def make_alert(
    employee: Employee,
    *,
    level: str = AlertLevel.MEDIUM,
    indicators: tuple[str, ...] = ("loan_platforms",),
) -> Alert:
    rule_set, _ = RuleSet.objects.get_or_create(
        version="test-1", defaults={"content": "", "sha256": "0" * 64}
    )
    scan = ScanRun.objects.create(as_of="2026-11-30", rule_set=rule_set)
    return Alert.objects.create(
        employee=employee,
        level=level,
        indicators=list(indicators),
        first_scan=scan,
        last_scan=scan,
        rule_set=rule_set,
    )
