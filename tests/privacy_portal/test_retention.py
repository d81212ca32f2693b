"""Retention: purge counts per category on frozen dates, dry run, and legal hold."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from hrguard.cases.models import AlertDismissal, Case, CaseEvent
from hrguard.cases.states import CaseState
from hrguard.ingest.models import ImportBatch
from hrguard.payments.models import PaymentTransaction
from hrguard.people.models import Employee
from hrguard.privacy.models import AuditEntry, DataCategory, PurgeJob, PurgeReason
from hrguard.privacy.retention import retention_policies_parse, retention_run
from hrguard.risk.models import Alert, AlertLevel, RuleSet, ScanRun
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 4)
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
LONG_AGO = datetime.datetime(2024, 6, 1, 12, tzinfo=SHANGHAI)
# Closed cases are kept 3 years.
CASE_CLOSED_LONG_AGO = datetime.datetime(2023, 6, 1, 12, tzinfo=SHANGHAI)
RECENTLY = datetime.datetime(2026, 11, 1, 12, tzinfo=SHANGHAI)


def payment(employee: Employee, when: datetime.datetime, order_no: str) -> None:
    PaymentTransaction.objects.create(
        employee=employee,
        source=PaymentTransaction.Source.ALIPAY,
        occurred_at=when,
        direction=PaymentTransaction.Direction.EXPENSE,
        amount=Decimal("20.00"),
        order_no=order_no,
        succeeded=True,
    )


def dismissed_alert(employee: Employee, user: User, when: datetime.datetime) -> Alert:
    rule_set, _ = RuleSet.objects.get_or_create(version="2026.1", content="", sha256="0" * 64)
    scan = ScanRun.objects.create(as_of=when.date(), rule_set=rule_set)
    alert = Alert.objects.create(
        employee=employee,
        level=AlertLevel.WATCH,
        status=Alert.Status.DISMISSED,
        first_scan=scan,
        last_scan=scan,
        rule_set=rule_set,
    )
    dismissal = AlertDismissal.objects.create(
        alert=alert, reason_code="false_positive", dismissed_by=user
    )
    AlertDismissal.objects.filter(pk=dismissal.pk).update(dismissed_at=when)
    return alert


@pytest.fixture
def hr_user() -> User:
    return User.objects.create_user(username="hr.zhang", password="x" * 12)


@pytest.fixture
def company(hr_user: User) -> dict[str, Employee]:
    """Old and recent data for a free employee, a departed one and one under legal hold."""
    free = EmployeeFactory(name="刘一")
    held = EmployeeFactory(name="赵二")
    departed = EmployeeFactory(name="钱三", position="会计", phone="13800138000")
    departed.status = Employee.Status.LEFT
    departed.save()
    Employee.objects.filter(pk=departed.pk).update(updated_at=LONG_AGO)

    payment(free, LONG_AGO, "1")
    payment(free, RECENTLY, "2")
    payment(held, LONG_AGO, "3")
    dismissed_alert(free, hr_user, LONG_AGO)
    dismissed_alert(held, hr_user, LONG_AGO)

    closed = Case.objects.create(
        employee=free, state=CaseState.CLOSED, opened_by=hr_user, closed_at=CASE_CLOSED_LONG_AGO
    )
    CaseEvent.objects.create(case=closed, kind=CaseEvent.Kind.OPENED, actor=hr_user)
    Case.objects.create(employee=held, state=CaseState.IN_PROGRESS, opened_by=hr_user)

    batch = ImportBatch.objects.create(
        kind="payroll",
        file_name="工资.csv",
        sha256="a" * 64,
        size=10,
        status=ImportBatch.Status.REJECTED,
        errors=[
            {
                "row": 3,
                "column": "实发工资",
                "value": "8千",
                "message": "金额无效",
                "cells": [["姓名", "刘一"]],
            }
        ],
    )
    ImportBatch.objects.filter(pk=batch.pk).update(created_at=LONG_AGO)
    return {"free": free, "held": held, "departed": departed}


def test_retention_run_counts_each_category(company: dict[str, Employee]) -> None:
    # When
    report = retention_run(today=TODAY)

    # Then
    assert report.counts == {
        "payments": 1,
        "chat_snippets": 0,
        "dismissed_alerts": 1,
        "closed_cases": 1,
        "departed_employees": 1,
        "import_errors": 1,
    }
    assert report.held_employees == 1
    assert list(
        PaymentTransaction.objects.filter(employee=company["free"]).values_list(
            "order_no", flat=True
        )
    ) == ["2"]
    assert not Case.objects.filter(employee=company["free"]).exists()
    departed = Employee.objects.get(pk=company["departed"].pk)
    assert (departed.name, departed.phone, departed.position) == (departed.pseudonym, "", "")
    batch = ImportBatch.objects.get()
    assert batch.errors == [
        {"row": 3, "column": "实发工资", "message": "金额无效", "value": "", "cells": []}
    ]
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"retention.delete", "retention.anonymise"} <= actions


def test_legal_hold_keeps_employee_with_open_case(company: dict[str, Employee]) -> None:
    retention_run(today=TODAY)

    held = company["held"]
    assert PaymentTransaction.objects.filter(employee=held).count() == 1
    assert Alert.objects.filter(employee=held).count() == 1
    assert Case.objects.filter(employee=held).count() == 1


def test_dry_run_changes_nothing(company: dict[str, Employee]) -> None:
    audit_before = AuditEntry.objects.count()

    report = retention_run(today=TODAY, dry_run=True)

    assert report.counts["payments"] == 1
    assert PaymentTransaction.objects.count() == 3
    assert Employee.objects.get(pk=company["departed"].pk).name == "钱三"
    assert AuditEntry.objects.count() == audit_before


def test_second_run_finds_nothing(company: dict[str, Employee]) -> None:
    retention_run(today=TODAY)

    report = retention_run(today=TODAY)

    assert set(report.counts.values()) == {0}


def test_recent_data_is_kept_on_earlier_day(company: dict[str, Employee]) -> None:
    report = retention_run(today=datetime.date(2024, 6, 2), dry_run=True)

    assert set(report.counts.values()) == {0}


def test_retention_command_prints_counts(
    company: dict[str, Employee], capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("retention", "run", "--dry-run", "--date", "2026-12-04")

    output = capsys.readouterr().out
    assert "保存期限任务（2026-12-04，仅统计）" in output
    assert "原始支付记录（保存 395 天后删除）：将处理 1 条" in output
    assert PaymentTransaction.objects.count() == 3


def test_policy_file_rejects_unsupported_action() -> None:
    raw = "\n".join(
        f'[{name}]\nlabel = "x"\nfrom = "x"\ndays = 10\naction = "delete"'
        for name in [
            "payments",
            "chat_snippets",
            "dismissed_alerts",
            "closed_cases",
            "import_errors",
        ]
    )
    raw += '\n[departed_employees]\nlabel = "x"\nfrom = "x"\ndays = 10\naction = "delete"'

    with pytest.raises(ValueError, match="departed_employees.action"):
        retention_policies_parse(raw)


def test_dismissed_alert_counts_from_dismissal(hr_user: User) -> None:
    employee = EmployeeFactory()
    dismissed_alert(employee, hr_user, datetime.datetime(2026, 1, 1, tzinfo=SHANGHAI))

    report = retention_run(today=TODAY, dry_run=True)

    assert report.counts["dismissed_alerts"] == 0


def test_purge_job_waits_under_legal_hold(company: dict[str, Employee]) -> None:
    # Given
    held = company["held"]
    job = PurgeJob.objects.create(
        employee=held,
        category=DataCategory.PAYMENTS,
        reason=PurgeReason.CONSENT_WITHDRAWN,
        scheduled_for=TODAY,
    )

    # When
    report = retention_run(today=TODAY)

    # Then
    job.refresh_from_db()
    assert job.status == PurgeJob.Status.PENDING
    assert (report.purge_jobs_done, report.purge_jobs_held) == (0, 1)
    assert PaymentTransaction.objects.filter(employee=held).count() == 1
