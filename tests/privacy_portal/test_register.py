"""The processing register: a source without a complete legal basis cannot be imported."""

import datetime
from pathlib import Path

import pytest
from django.core.management.sql import emit_post_migrate_signal
from django.test import Client

from hrguard.core.errors import PermissionDenied, ValidationFailed
from hrguard.ingest.models import ImportBatch
from hrguard.ingest.services import import_file
from hrguard.people.models import Employee
from hrguard.privacy.models import DataSource, LegalBasis, ProcessingActivity
from hrguard.privacy.register import (
    activity_record_basis,
    activity_switch,
    source_enabled,
)
from hrguard.privacy.roles import Role
from tests.factories import DepartmentFactory
from tests.ingest.files import write_csv
from tests.privacy_portal.helpers import force_login_verified, make_user

pytestmark = pytest.mark.django_db

ROSTER = [
    ["工号", "姓名", "部门", "岗位", "入职日期", "手机号", "状态"],
    ["E0101", "王五", "财务部", "会计", "2023-07-01", "", "在职"],
]
BASIS = {
    "purpose": "建立和管理劳动关系。",
    "data_items": "工号、姓名、部门",
    "retention_period": "离职后 2 年",
    "legal_basis": LegalBasis.HR_RULES,
    "rule_title": "员工信息管理办法",
    "rule_version": "2026.2",
    "consultation_record": "2026-02-10 职工代表大会第三次会议，记录编号 ZD-2026-03",
    "published_on": datetime.date(2026, 2, 20),
}


def test_seeded_register_enables_hr_and_consent_sources() -> None:
    enabled = set(ProcessingActivity.objects.filter(enabled=True).values_list("source", flat=True))

    assert enabled == {"roster", "payroll", "leave", "reimbursements", "payments", "chat"}
    assert ProcessingActivity.objects.get(source="roster").example is True
    assert source_enabled("consents") is True


def test_import_of_switched_off_source_is_rejected(tmp_path: Path) -> None:
    # Given
    ProcessingActivity.objects.filter(source=DataSource.ROSTER).update(enabled=False)
    path = write_csv(tmp_path / "花名册.csv", ROSTER)

    # When
    report = import_file(kind="employees", path=path, file_name=path.name)

    # Then
    assert report.status == ImportBatch.Status.REJECTED
    assert [issue.message for issue in report.issues] == [
        "数据来源“员工花名册”尚未启用，不能导入。请个人信息保护负责人先在处理活动登记中"
        "记录其处理目的和法律依据并启用该来源。"
    ]
    assert not Employee.objects.exists()


def test_switch_on_without_basis_is_rejected() -> None:
    ProcessingActivity.objects.filter(source=DataSource.ROSTER).update(
        enabled=False, legal_basis="", consultation_record=""
    )

    with pytest.raises(ValidationFailed) as raised:
        activity_switch(actor=None, source="roster", enabled=True)

    assert raised.value.message == "不能启用“员工花名册”：尚未记录法律依据。"
    assert ProcessingActivity.objects.get(source="roster").enabled is False


def test_hr_basis_without_consultation_cannot_switch_on() -> None:
    ProcessingActivity.objects.filter(source=DataSource.PAYROLL).update(enabled=False)
    activity_record_basis(actor=None, source="payroll", **{**BASIS, "consultation_record": ""})

    with pytest.raises(ValidationFailed) as raised:
        activity_switch(actor=None, source="payroll", enabled=True)

    assert "与工会或职工代表协商的记录" in raised.value.message


def test_complete_basis_switches_on_and_import_passes(tmp_path: Path) -> None:
    # Given
    officer = make_user("pipo", Role.PRIVACY_OFFICER)
    ProcessingActivity.objects.filter(source=DataSource.ROSTER).update(enabled=False)
    activity_record_basis(actor=officer, source="roster", **BASIS)

    # When
    activity_switch(actor=officer, source="roster", enabled=True)
    DepartmentFactory(name="财务部")
    path = write_csv(tmp_path / "花名册.csv", ROSTER)
    report = import_file(kind="employees", path=path, file_name=path.name)

    # Then
    activity = ProcessingActivity.objects.get(source="roster")
    assert (activity.enabled, activity.example, activity.rule_version) == (True, False, "2026.2")
    assert report.status == ImportBatch.Status.COMMITTED
    assert Employee.objects.filter(employee_no="E0101").exists()


def test_sensitive_source_rejects_hr_basis() -> None:
    ProcessingActivity.objects.filter(source=DataSource.PAYMENTS).update(enabled=False)
    activity_record_basis(actor=None, source="payments", **BASIS)

    with pytest.raises(ValidationFailed) as raised:
        activity_switch(actor=None, source="payments", enabled=True)

    assert "敏感个人信息只能以个人单独同意为依据。" in raised.value.message


def test_chat_needs_current_lexicon_version() -> None:
    ProcessingActivity.objects.filter(source=DataSource.CHAT).update(lexicon_version="2020.1")

    assert source_enabled("chat") is False


def test_hr_specialist_cannot_record_basis() -> None:
    specialist = make_user("hr.li", Role.HR_SPECIALIST)

    with pytest.raises(PermissionDenied):
        activity_record_basis(actor=specialist, source="roster", **BASIS)

    assert ProcessingActivity.objects.get(source="roster").rule_version == "示例-2026.1"


def test_register_page_switches_source_off() -> None:
    # Given
    client = force_login_verified(Client(), make_user("pipo", Role.PRIVACY_OFFICER))
    page = client.get("/privacy/register/").content.decode()
    assert "这是安装时的示例法律依据" in page

    # When
    response = client.post("/privacy/register/payroll/switch/", {"enabled": "0"})

    # Then
    assert response.status_code == 302
    assert ProcessingActivity.objects.get(source="payroll").enabled is False
    assert source_enabled("payroll") is False


def test_register_page_records_basis() -> None:
    client = force_login_verified(Client(), make_user("pipo", Role.PRIVACY_OFFICER))

    response = client.post(
        "/privacy/register/leave/",
        {**BASIS, "legal_basis": LegalBasis.HR_RULES.value, "published_on": "2026-02-20"},
    )

    assert response.status_code == 302
    activity = ProcessingActivity.objects.get(source="leave")
    assert (activity.rule_version, activity.example) == ("2026.2", False)


def test_register_comes_back_after_flush() -> None:
    # Given: a transactional test's flush empties every table
    ProcessingActivity.objects.all().delete()

    # When: Django emits post_migrate after the flush
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")

    # Then
    assert ProcessingActivity.objects.count() == 7
    assert source_enabled("employees") is True
