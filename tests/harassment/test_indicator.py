"""collector_contact: incidents HR linked to a debtor reach the scan, stack, and explain."""

import datetime
from typing import Any

import polars as pl
import pytest

from hrguard.attendance.models import LeaveRecord
from hrguard.cases.harassment.services import incident_debtor_link
from hrguard.people.models import Employee
from hrguard.risk.engine import Period, rule_set_load, scan_input
from hrguard.risk.engine.indicators.collector_contact import (
    HARASSMENT_SCHEMA,
    CollectorContactParams,
    collector_contact,
)
from hrguard.risk.explain import describe_result
from hrguard.risk.models import Alert, IndicatorResult
from hrguard.risk.services import scan_run
from tests.harassment.conftest import CALLER_NUMBER, record

AS_OF = datetime.date(2026, 11, 30)


def _linked(user: Any, employees: dict[str, Employee], **changes: Any) -> None:
    incident = record(user, employees["colleague"], **changes)
    incident_debtor_link(incident=incident, user=user, debtor=employees["debtor"])


def test_scan_flags_debtor_of_linked_incidents(
    employees: dict[str, Employee], hr_manager: Any
) -> None:
    _linked(hr_manager, employees, occurred_at="2026-11-18 09:05")
    _linked(hr_manager, employees, occurred_at="2026-11-20 21:40", platform="闪电贷")
    _linked(hr_manager, employees, occurred_at="2026-11-20 22:10")

    scan_run(as_of=AS_OF)

    alert = Alert.objects.get()
    result = IndicatorResult.objects.get(code="collector_contact", hit=True)
    assert alert.employee == employees["debtor"]
    assert alert.indicators == ["collector_contact"]
    assert alert.level == "watch"
    assert result.evidence == {
        "incident_count": 3,
        "platforms": ["速借金融平台", "闪电贷"],
        "dates": ["2026-11-18", "2026-11-20"],
        "incidents_min": 1,
    }
    assert CALLER_NUMBER not in str(result.evidence)


def test_scan_explains_collector_contact(employees: dict[str, Employee], hr_manager: Any) -> None:
    _linked(hr_manager, employees, occurred_at="2026-11-18 09:05")

    scan_run(as_of=AS_OF)

    result = IndicatorResult.objects.get(code="collector_contact", hit=True)
    assert describe_result("collector_contact", result.evidence) == [
        "扫描期内有 1 起催收骚扰事件经人事确认以该员工为借款人，涉及平台：速借金融平台。",
        "发生日期：2026-11-18。",
    ]


def test_scan_ignores_unlinked_incidents(employees: dict[str, Employee], hr_manager: Any) -> None:
    record(hr_manager, employees["colleague"], claimed_debtor="王磊")

    scan_run(as_of=AS_OF)

    assert not Alert.objects.exists()
    assert not IndicatorResult.objects.filter(code="collector_contact", hit=True).exists()


def test_scan_ignores_incidents_before_window(
    employees: dict[str, Employee], hr_manager: Any
) -> None:
    # The six-month window ending 2026-11-30 starts on 2026-06-01 (local time).
    _linked(hr_manager, employees, occurred_at="2026-05-31 23:59")

    scan_run(as_of=AS_OF)

    assert not Alert.objects.exists()


def test_scan_collector_contact_stacks_with_leave_spike(
    employees: dict[str, Employee], hr_manager: Any
) -> None:
    _linked(hr_manager, employees, occurred_at="2026-11-18 09:05")
    for day in (2, 3, 4, 5):
        LeaveRecord.objects.create(
            employee=employees["debtor"],
            date=datetime.date(2026, 11, day),
            leave_type="事假",
            days=1,
        )

    scan_run(as_of=AS_OF)

    alert = Alert.objects.get()
    assert alert.indicators == ["collector_contact", "leave_spike"]
    assert alert.level == "medium"


def _evaluate(params: CollectorContactParams) -> dict[str, object]:
    incidents = pl.DataFrame(
        {
            "employee_no": ["E1", "E1"],
            "occurred_at": [
                datetime.datetime.fromisoformat("2026-11-03 10:00"),
                datetime.datetime.fromisoformat("2026-11-04 10:00"),
            ],
            "platform": ["平台甲", "平台甲"],
        },
        schema=HARASSMENT_SCHEMA,
    )
    inputs = scan_input(
        employees=pl.DataFrame({"employee_no": ["E1"]}), frames={"harassment": incidents}
    )
    return collector_contact(inputs, Period.ending_on(AS_OF, 6), params).row(0, named=True)


def test_indicator_count_threshold_from_params() -> None:
    assert _evaluate(CollectorContactParams(incidents_min=2))["hit"] is True
    assert _evaluate(CollectorContactParams(incidents_min=3))["hit"] is False


def test_indicator_params_reject_zero() -> None:
    with pytest.raises(ValueError, match="incidents_min"):
        CollectorContactParams(incidents_min=0)


def test_default_rule_set_enables_any_incident() -> None:
    params = rule_set_load().indicators["collector_contact"].params

    assert params == CollectorContactParams(incidents_min=1)
