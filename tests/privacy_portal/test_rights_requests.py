"""Rights requests end to end: the employee submits, the officer answers, the employee sees it."""

import datetime
import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from hrguard.payments.models import PaymentTransaction
from hrguard.people.models import Employee
from hrguard.privacy.models import (
    AuditEntry,
    DataCategory,
    DataSubjectRequest,
    PurgeJob,
    RequestKind,
    RequestStatus,
)
from hrguard.privacy.requests import working_days_after
from hrguard.privacy.retention import retention_run
from hrguard.privacy.roles import Role
from hrguard.risk.models import Alert, AlertLevel, RuleSet, ScanRun
from tests.factories import EmployeeFactory
from tests.privacy_portal.helpers import force_login_verified, make_employee_user, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def employee() -> Employee:
    return EmployeeFactory(name="陈静")


@pytest.fixture
def staff_client(employee: Employee) -> Client:
    client = Client()
    client.force_login(make_employee_user(employee))
    return client


@pytest.fixture
def officer() -> User:
    return make_user("pipo", Role.PRIVACY_OFFICER)


@pytest.fixture
def officer_client(officer: User) -> Client:
    return force_login_verified(Client(), officer)


def submit(client: Client, **fields: object) -> DataSubjectRequest:
    response = client.post("/privacy/me/requests/", {"details": "", **fields})
    assert response.status_code == 302
    return DataSubjectRequest.objects.order_by("-pk").first()  # type: ignore[return-value]


def answer(client: Client, ticket: DataSubjectRequest, status: str, text: str) -> None:
    response = client.post(f"/privacy/requests/{ticket.pk}/", {"status": status, "answer": text})
    assert response.status_code == 302


def test_working_days_skip_weekends() -> None:
    assert working_days_after(datetime.date(2026, 12, 4), 15) == datetime.date(2026, 12, 25)
    assert working_days_after(datetime.date(2026, 12, 5), 1) == datetime.date(2026, 12, 7)


def test_access_request_answered_and_shown(
    staff_client: Client, officer_client: Client, officer: User
) -> None:
    # Given
    ticket = submit(staff_client, kind=RequestKind.ACCESS, details="我想知道公司保存了哪些数据")
    assert ticket.deadline == working_days_after(timezone.localdate(), 15)
    assert ticket.status == RequestStatus.OPEN

    # When
    listing = officer_client.get("/privacy/requests/")
    answer(officer_client, ticket, RequestStatus.COMPLETED, "已列出您的全部数据类别和条数。")

    # Then
    assert ticket.employee.pseudonym in listing.content.decode()
    assert "陈静" not in listing.content.decode()
    ticket.refresh_from_db()
    assert (ticket.status, ticket.answered_by) == (RequestStatus.COMPLETED, officer)
    portal = staff_client.get("/privacy/me/").content.decode()
    assert "已列出您的全部数据类别和条数。" in portal
    assert AuditEntry.objects.filter(action="subject_request.answer").count() == 1


def test_copy_request_downloads_json_and_csv(
    staff_client: Client, officer_client: Client, employee: Employee
) -> None:
    # Given
    PaymentTransaction.objects.create(
        employee=employee,
        source=PaymentTransaction.Source.WECHAT,
        occurred_at=timezone.now(),
        direction=PaymentTransaction.Direction.EXPENSE,
        amount=Decimal("35.50"),
        order_no="42000001",
        succeeded=True,
    )
    ticket = submit(staff_client, kind=RequestKind.COPY)
    blocked = staff_client.get(f"/privacy/me/requests/{ticket.pk}/export.json", follow=True)
    assert "复制请求办结后才能下载数据副本。" in blocked.content.decode()

    # When
    answer(officer_client, ticket, RequestStatus.COMPLETED, "请在自助页面下载。")
    as_json = staff_client.get(f"/privacy/me/requests/{ticket.pk}/export.json")
    as_csv = staff_client.get(f"/privacy/me/requests/{ticket.pk}/export.csv")

    # Then
    data = json.loads(as_json.content)
    assert data["employee"][0]["name"] == "陈静"
    assert data["payments"][0]["amount"] == "35.50"
    archive = zipfile.ZipFile(io.BytesIO(as_csv.content))
    assert "payments.csv" in archive.namelist()
    assert "42000001" in archive.read("payments.csv").decode("utf-8-sig")
    assert AuditEntry.objects.filter(action="subject_request.export").count() == 2


def test_correction_request_completed(staff_client: Client, officer_client: Client) -> None:
    ticket = submit(staff_client, kind=RequestKind.CORRECTION, details="岗位应为高级会计")

    answer(officer_client, ticket, RequestStatus.COMPLETED, "已在花名册中更正岗位并重新导入。")

    ticket.refresh_from_db()
    assert ticket.status == RequestStatus.COMPLETED


def test_deletion_of_payments_schedules_and_runs_purge(
    staff_client: Client, officer_client: Client, employee: Employee
) -> None:
    # Given
    PaymentTransaction.objects.create(
        employee=employee,
        source=PaymentTransaction.Source.ALIPAY,
        occurred_at=timezone.now(),
        direction=PaymentTransaction.Direction.EXPENSE,
        amount=Decimal("10.00"),
        order_no="2026001",
        succeeded=True,
    )
    ticket = submit(staff_client, kind=RequestKind.DELETION, category=DataCategory.PAYMENTS)

    # When
    answer(officer_client, ticket, RequestStatus.COMPLETED, "将在今天的删除任务中删除。")
    report = retention_run(today=timezone.localdate())

    # Then
    job = PurgeJob.objects.get(request=ticket)
    assert (job.status, job.rows_deleted) == (PurgeJob.Status.DONE, 1)
    assert report.purge_rows == 1
    assert not PaymentTransaction.objects.filter(employee=employee).exists()


def test_refusal_without_reasons_is_rejected(staff_client: Client, officer_client: Client) -> None:
    ticket = submit(staff_client, kind=RequestKind.DELETION, details="删除我的工资记录")

    response = officer_client.post(
        f"/privacy/requests/{ticket.pk}/", {"status": RequestStatus.REFUSED, "answer": " "}
    )

    assert response.status_code == 200
    ticket.refresh_from_db()
    assert ticket.status == RequestStatus.OPEN


def test_refusal_with_reasons_is_shown(staff_client: Client, officer_client: Client) -> None:
    ticket = submit(staff_client, kind=RequestKind.DELETION, details="删除我的工资记录")

    answer(
        officer_client,
        ticket,
        RequestStatus.REFUSED,
        "工资支付记录依法须至少保存两年，期满后删除。",
    )

    assert "工资支付记录依法须至少保存两年" in staff_client.get("/privacy/me/").content.decode()
    assert not PurgeJob.objects.exists()


def test_explanation_request_prefills_alert_indicators(
    staff_client: Client, officer_client: Client, employee: Employee
) -> None:
    # Given
    rule_set = RuleSet.objects.create(version="2026.1", content="", sha256="0" * 64)
    scan = ScanRun.objects.create(as_of=datetime.date(2026, 11, 30), rule_set=rule_set)
    alert = Alert.objects.create(
        employee=employee,
        level=AlertLevel.WATCH,
        indicators=["spend_income_ratio"],
        first_scan=scan,
        last_scan=scan,
        rule_set=rule_set,
    )
    ticket = submit(staff_client, kind=RequestKind.EXPLANATION, alert_id=alert.pk)

    # When
    page = officer_client.get(f"/privacy/requests/{ticket.pk}/").content.decode()

    # Then
    assert ticket.alert == alert
    assert "消费收入比" in page
    assert "规则集 2026.1" in page


def test_explanation_of_other_employees_alert_is_not_found(staff_client: Client) -> None:
    other = EmployeeFactory()
    rule_set = RuleSet.objects.create(version="2026.1", content="", sha256="0" * 64)
    scan = ScanRun.objects.create(as_of=datetime.date(2026, 11, 30), rule_set=rule_set)
    alert = Alert.objects.create(
        employee=other,
        level=AlertLevel.WATCH,
        first_scan=scan,
        last_scan=scan,
        rule_set=rule_set,
    )

    response = staff_client.post(
        "/privacy/me/requests/", {"kind": RequestKind.EXPLANATION, "alert_id": alert.pk}
    )

    assert response.status_code == 404
    assert not DataSubjectRequest.objects.exists()


def test_hr_manager_cannot_open_requests_page() -> None:
    client = force_login_verified(Client(), make_user("hr.wang", Role.HR_MANAGER))

    assert client.get("/privacy/requests/").status_code == 403


def test_portal_shows_counts_per_category(staff_client: Client) -> None:
    page = staff_client.get("/privacy/me/").content.decode()

    assert "员工档案" in page
    assert "支付记录" in page
