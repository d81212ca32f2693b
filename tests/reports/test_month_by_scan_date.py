import datetime

import pytest
from django.utils import timezone

from hrguard.reports.selectors import monthly_report_for_organisation
from hrguard.risk.models import Alert, AlertLevel, RuleSet, ScanRun
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db


def test_monthly_report_counts_alert_in_scan_month() -> None:
    # Given a scan run in December as of 30 November
    rule_set = RuleSet.objects.create(version="t-1", content="", sha256="0" * 64)
    scan = ScanRun.objects.create(
        as_of=datetime.date(2026, 11, 30), rule_set=rule_set, finished_at=timezone.now()
    )
    Alert.objects.create(
        employee=EmployeeFactory(),
        level=AlertLevel.WATCH,
        indicators=["spend_income_ratio"],
        first_scan=scan,
        last_scan=scan,
        rule_set=rule_set,
    )

    # When
    november = monthly_report_for_organisation(month=datetime.date(2026, 11, 1))
    december = monthly_report_for_organisation(month=datetime.date(2026, 12, 1))

    # Then
    assert november.alerts_opened == 1
    assert december.alerts_opened == 0
