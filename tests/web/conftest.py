"""Fixtures for the web tests: a logged-in client and alerts built row by row."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.utils import timezone

from hrguard.people.models import Department, Employee
from hrguard.privacy.models import DepartmentScope
from hrguard.privacy.roles import Role
from hrguard.risk.models import Alert, AlertLevel, IndicatorResult, RuleSet, ScanRun

PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def fast_password_hasher(settings: Any) -> None:
    """Hash test passwords with MD5, because Argon2 took most of a second per user here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_hr_user(username: str, role: Role = Role.HR_MANAGER, *departments: Department) -> User:
    """Create a user with the test password, holding `role` and scoped to `departments`."""
    user = User.objects.create_user(username=username, password=PASSWORD)
    user.groups.add(Group.objects.get(name=role.value))
    for department in departments:
        DepartmentScope.objects.create(user=user, department=department)
    return user


@pytest.fixture
def hr_user(db: None) -> User:
    """Return an HR经理, who may view the alerts of every department."""
    return make_hr_user("hr.zhang")


@pytest.fixture
def hr_client(client: Client, hr_user: User) -> Client:
    client.force_login(hr_user)
    return client


@pytest.fixture
def rule_set(db: None) -> RuleSet:
    return RuleSet.objects.create(version="2026.1", content="", sha256="0" * 64)


@pytest.fixture
def scan(rule_set: RuleSet) -> ScanRun:
    return ScanRun.objects.create(
        as_of=datetime.date(2026, 11, 30),
        rule_set=rule_set,
        finished_at=timezone.now(),
        employees_scanned=3,
    )


AlertMaker = Callable[..., Alert]


@pytest.fixture
def make_alert(scan: ScanRun, rule_set: RuleSet) -> AlertMaker:
    """Create an alert with one stored result per indicator code: True for a hit."""

    def make(
        employee: Employee,
        *,
        level: str = AlertLevel.WATCH,
        status: str = Alert.Status.OPEN,
        results: dict[str, bool] | None = None,
        evidence: dict[str, dict[str, Any]] | None = None,
    ) -> Alert:
        results = results if results is not None else {"spend_income_ratio": True}
        evidence = {**default_evidence(), **(evidence or {})}
        alert = Alert.objects.create(
            employee=employee,
            level=level,
            status=status,
            indicators=[code for code, hit in results.items() if hit],
            first_scan=scan,
            last_scan=scan,
            rule_set=rule_set,
        )
        for code, hit in results.items():
            IndicatorResult.objects.create(
                scan=scan,
                alert=alert if hit else None,
                employee=employee,
                code=code,
                hit=hit,
                severity=2 if hit else 0,
                evidence=evidence.get(code, {}),
            )
        return alert

    return make


def default_evidence() -> dict[str, dict[str, Any]]:
    return {
        "spend_income_ratio": spend_income_evidence(
            ["2026-09", "2026-10", "2026-11"], spending_fen=1_200_000, net_pay_fen=800_000
        ),
        "loan_platforms": no_loan_platforms_evidence(),
    }


def spend_income_evidence(
    months: list[str], *, spending_fen: int, net_pay_fen: int, ratio_min: float = 1.5
) -> dict[str, Any]:
    """Return spend_income_ratio evidence as the risk engine stores it, for consecutive months."""
    ratio = round(spending_fen / net_pay_fen, 2)
    qualifies = ratio >= ratio_min
    return {
        "months": [
            {
                "month": month,
                "spending_fen": spending_fen,
                "net_pay_fen": net_pay_fen,
                "ratio": ratio,
                "qualifies": qualifies,
            }
            for month in months
        ],
        "longest_run": len(months) if qualifies else 0,
        "run_start": months[0] if qualifies else None,
        "run_end": months[-1] if qualifies else None,
        "counted_rows": len(months),
        "excluded_rows": 0,
        "ratio_min": ratio_min,
        "consecutive_months_min": 3,
    }


def no_loan_platforms_evidence() -> dict[str, Any]:
    """Return loan_platforms evidence for an employee with no lending flows."""
    return {
        "max_platforms": 0,
        "platforms_min": 3,
        "peak_month": None,
        "months": [],
        "catalogue_version": "2026.1",
    }
