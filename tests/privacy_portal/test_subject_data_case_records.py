import datetime

import pytest

from hrguard.cases.guarantee.services import dispute_open
from hrguard.cases.harassment.services import incident_record
from hrguard.privacy.requests import subject_data, subject_data_counts
from hrguard.privacy.roles import Role
from tests.factories import EmployeeFactory
from tests.web.conftest import make_hr_user

pytestmark = pytest.mark.django_db

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def test_subject_data_includes_records_about_harassed_colleague() -> None:
    # Given a colleague who was called by a collector and named as a guarantor
    colleague = EmployeeFactory()
    incident_record(
        user=make_hr_user("hr.zhang", Role.HR_MANAGER),
        colleague=colleague,
        caller_number="13800138000",
        platform="某某借款",
        occurred_at=datetime.datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI),
        channel="call",
    )
    dispute_open(
        colleague=colleague,
        user=make_hr_user("legal.li", Role.LEGAL),
        lender="某某金融",
        reported_on=datetime.date(2026, 11, 21),
    )

    # When
    data = subject_data(employee=colleague)
    counts = dict(subject_data_counts(employee=colleague))

    # Then
    assert [row["platform"] for row in data["harassment_incidents"]] == ["某某借款"]
    assert "13800138000" not in str(data["harassment_incidents"])
    assert [row["lender"] for row in data["guarantee_disputes"]] == ["某某金融"]
    assert counts["被催收骚扰记录"] == 1
    assert counts["担保纠纷记录"] == 1
