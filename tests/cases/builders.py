"""Builders for alerts and HR users shared by the cases and notify tests."""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from hrguard.people.models import Employee
from hrguard.risk.models import Alert, AlertLevel, RuleSet, ScanRun

HR_PERMISSIONS = (
    "cases.view_case",
    "cases.add_case",
    "cases.change_case",
    "cases.dismiss_alert",
    "risk.view_alert",
)


def make_user(username: str, permissions: tuple[str, ...] = HR_PERMISSIONS) -> Any:
    user = get_user_model().objects.create_user(username=username, password=None)
    for label in permissions:
        app_label, codename = label.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    # has_perm caches permissions on the instance, so reload the user to pick up the new ones.
    return get_user_model().objects.get(pk=user.pk)


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
