"""One-click withdrawal: the next scan skips the data, and the retention job purges it."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from hrguard.payments.models import PaymentTransaction
from hrguard.payroll.models import PayrollRecord
from hrguard.people.models import Employee
from hrguard.privacy.models import (
    AuditEntry,
    Consent,
    ConsentChannel,
    DataCategory,
    PurgeJob,
    PurgeReason,
)
from hrguard.privacy.retention import retention_run
from hrguard.risk.services import scan_run
from tests.factories import EmployeeFactory
from tests.privacy_portal.helpers import make_employee_user

pytestmark = pytest.mark.django_db

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def spender_with_consent() -> Employee:
    """Create an employee who spends 12,000 a month on 8,000 net pay, with 支付记录 consent."""
    employee = EmployeeFactory(name="王小明")
    Consent.objects.create(
        employee=employee, category=DataCategory.PAYMENTS, granted_on=datetime.date(2026, 1, 5)
    )
    today = timezone.localdate()
    for months_back in (1, 2, 3):
        year, month = divmod(today.year * 12 + today.month - 1 - months_back, 12)
        first = datetime.date(year, month + 1, 1)
        PayrollRecord.objects.create(
            employee=employee, month=first, gross_pay=Decimal("10200"), net_pay=Decimal("8000")
        )
        PaymentTransaction.objects.create(
            employee=employee,
            source=PaymentTransaction.Source.ALIPAY,
            occurred_at=datetime.datetime(first.year, first.month, 15, 20, tzinfo=SHANGHAI),
            direction=PaymentTransaction.Direction.EXPENSE,
            amount=Decimal("12000.00"),
            order_no=f"{first:%Y%m}15000001",
            succeeded=True,
        )
    return employee


def payments_read_in_last_scan() -> int:
    entry = AuditEntry.objects.filter(action="scan.run").order_by("-seq").first()
    assert entry is not None
    return int(entry.after["payment_records_read_for"])


def test_withdraw_in_one_click_excludes_scan_and_purges(client: Client) -> None:
    # Given
    employee = spender_with_consent()
    client.force_login(make_employee_user(employee))
    scan_run(as_of=timezone.localdate())
    assert payments_read_in_last_scan() == 1

    # When: one click withdraws
    response = client.post(f"/privacy/me/consents/{DataCategory.PAYMENTS}/withdraw/")

    # Then: the consent ends today and a purge is scheduled for today
    assert response.status_code == 302
    consent = Consent.objects.get(employee=employee)
    assert consent.withdrawn_on == timezone.localdate()
    assert consent.withdrawal_channel == ConsentChannel.SELF_SERVICE
    job = PurgeJob.objects.get(employee=employee)
    assert (job.category, job.reason, job.status) == (
        DataCategory.PAYMENTS,
        PurgeReason.CONSENT_WITHDRAWN,
        PurgeJob.Status.PENDING,
    )

    # When the next scan runs, it reads no payment records
    scan_run(as_of=timezone.localdate())
    assert payments_read_in_last_scan() == 0

    # When the retention job runs, the rows are gone
    report = retention_run(today=timezone.localdate())
    assert (report.purge_jobs_done, report.purge_rows) == (1, 3)
    assert not PaymentTransaction.objects.filter(employee=employee).exists()
    job.refresh_from_db()
    assert (job.status, job.rows_deleted) == (PurgeJob.Status.DONE, 3)
    assert AuditEntry.objects.filter(action="consent.withdraw").count() == 1
    assert AuditEntry.objects.filter(action="retention.purge_job").count() == 1


def test_grant_records_time_notice_and_channel(client: Client) -> None:
    employee = EmployeeFactory()
    client.force_login(make_employee_user(employee))

    response = client.post(f"/privacy/me/consents/{DataCategory.CHAT}/grant/")

    assert response.status_code == 302
    consent = Consent.objects.get(employee=employee, category=DataCategory.CHAT)
    assert consent.channel == ConsentChannel.SELF_SERVICE
    assert consent.granted_at is not None
    assert consent.notice is not None
    assert consent.notice.version == 1
    assert consent.in_force_on(timezone.localdate())


def test_grant_for_switched_off_source_is_rejected(client: Client) -> None:
    employee = EmployeeFactory()
    client.force_login(make_employee_user(employee))

    response = client.post(f"/privacy/me/consents/{DataCategory.CREDIT}/grant/", follow=True)

    assert "公司目前不处理“征信报告”，无需授权。" in response.content.decode()
    assert not Consent.objects.filter(employee=employee).exists()


def test_withdraw_without_consent_is_not_found(client: Client) -> None:
    employee = EmployeeFactory()
    client.force_login(make_employee_user(employee))

    response = client.post(f"/privacy/me/consents/{DataCategory.PAYMENTS}/withdraw/")

    assert response.status_code == 404
    assert not PurgeJob.objects.exists()
