"""Counts by platform and by masked caller number, and the monthly report's harassment section."""

import datetime
from typing import Any

import pytest

from hrguard.cases.harassment.selectors import (
    NumberCount,
    PlatformCounts,
    counts_by_caller,
    counts_by_platform,
    incident_list_for_user,
    phone_mask,
)
from hrguard.people.models import Employee
from hrguard.reports import selectors as report_selectors
from hrguard.reports.selectors import PlatformCount, monthly_report_for_user
from tests.harassment.conftest import OTHER_CALLER, record


@pytest.fixture
def incidents(employees: dict[str, Employee], hr_manager: Any) -> None:
    colleague, outsider = employees["colleague"], employees["outsider"]
    record(hr_manager, colleague, caller_number="13912345678", platform="速借金融平台")
    record(hr_manager, colleague, caller_number="+86 139 1234 5678", platform="速借金融平台")
    record(hr_manager, colleague, caller_number=OTHER_CALLER, platform="闪电贷")
    record(
        hr_manager,
        outsider,
        caller_number="139-1234-5678",
        platform="速借金融平台",
        occurred_at="2026-10-31 23:30",
    )


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("13800138000", "138****8000"),
        ("+86 138 0013 8000", "138****8000"),
        ("0755-2345 6789", "075*****6789"),
        ("95588", "***88"),
        ("+44 20 7946 0000", "+442*****0000"),
    ],
)
def test_phone_mask_keeps_ends_only(number: str, masked: str) -> None:
    assert phone_mask(number) == masked


def test_counts_by_platform_most_first(incidents: None, hr_manager: Any) -> None:
    counts = counts_by_platform(incidents=incident_list_for_user(user=hr_manager))

    assert counts == [PlatformCount("速借金融平台", 3), PlatformCount("闪电贷", 1)]


def test_counts_by_caller_groups_formats_and_masks(incidents: None, hr_manager: Any) -> None:
    counts = counts_by_caller(incidents=incident_list_for_user(user=hr_manager))

    assert counts == [NumberCount("139****5678", 3), NumberCount("075*****6789", 1)]


def test_counts_follow_user_scope(incidents: None, specialist: Any) -> None:
    incidents = incident_list_for_user(user=specialist)

    assert counts_by_platform(incidents=incidents) == [
        PlatformCount("速借金融平台", 2),
        PlatformCount("闪电贷", 1),
    ]
    assert counts_by_caller(incidents=incidents) == [
        NumberCount("139****5678", 2),
        NumberCount("075*****6789", 1),
    ]


def test_monthly_report_uses_harassment_counts(incidents: None, hr_manager: Any) -> None:
    assert isinstance(report_selectors._harassment_source, PlatformCounts)

    november = monthly_report_for_user(user=hr_manager, month=datetime.date(2026, 11, 1))
    october = monthly_report_for_user(user=hr_manager, month=datetime.date(2026, 10, 1))

    assert november.harassment_by_platform == [
        PlatformCount("速借金融平台", 2),
        PlatformCount("闪电贷", 1),
    ]
    assert october.harassment_by_platform == [PlatformCount("速借金融平台", 1)]
