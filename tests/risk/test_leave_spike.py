"""leave_spike: personal leave and absence against the employee's own baseline."""

import datetime

import pytest

from hrguard.attendance.models import PROTECTED_LEAVE
from hrguard.risk.engine.indicators.leave import PROTECTED_LEAVE as ENGINE_PROTECTED_LEAVE
from tests.risk.builders import MONTHS, engine_input, indicator_run, leave_row

CODE = "leave_spike"
JULY = MONTHS[5]


def _days_in_july(leave_type: str, count: int, employee_no: str = "E1") -> list[dict]:
    return [
        leave_row(employee_no, JULY.replace(day=day), leave_type, 1.0)
        for day in range(1, count + 1)
    ]


def test_leave_spike_three_days_without_baseline_hits() -> None:
    inputs = engine_input(["E1"], leave=_days_in_july("事假", 3))

    result = indicator_run(CODE, inputs)["E1"]

    assert result["hit"] is True
    assert result["evidence"]["latest_days"] == 3.0
    assert result["evidence"]["baseline_mean_days"] == 0.0
    assert result["evidence"]["latest_by_type"] == [{"type": "事假", "days": 3.0}]
    assert [month["month"] for month in result["evidence"]["baseline"]] == [
        "2026-02",
        "2026-03",
        "2026-04",
        "2026-05",
        "2026-06",
    ]


def test_leave_spike_below_minimum_days_misses() -> None:
    leave = _days_in_july("事假", 2) + [leave_row("E1", JULY.replace(day=20), "事假", 0.5)]
    inputs = engine_input(["E1"], leave=leave)

    assert indicator_run(CODE, inputs)["E1"]["hit"] is False


def test_leave_spike_absence_counts_with_personal_leave() -> None:
    leave = _days_in_july("事假", 2) + [leave_row("E1", JULY.replace(day=20), "旷工", 1.0)]
    inputs = engine_input(["E1"], leave=leave)

    result = indicator_run(CODE, inputs)["E1"]

    assert result["hit"] is True
    assert result["evidence"]["latest_by_type"] == [
        {"type": "事假", "days": 2.0},
        {"type": "旷工", "days": 1.0},
    ]


@pytest.mark.parametrize(
    ("baseline_days", "expected_hit"),
    [(7.5, True), (8.0, False)],  # mean 1.5 → 3 ≥ 2 × 1.5; mean 1.6 → 3 < 3.2
)
def test_leave_spike_against_own_baseline(baseline_days: float, expected_hit: bool) -> None:
    baseline = [leave_row("E1", MONTHS[0].replace(day=3), "事假", baseline_days)]
    inputs = engine_input(["E1"], leave=baseline + _days_in_july("事假", 3))

    result = indicator_run(CODE, inputs)["E1"]

    assert result["hit"] is expected_hit
    assert result["evidence"]["baseline_mean_days"] == round(baseline_days / 5, 2)


def test_leave_spike_protected_leave_never_counts() -> None:
    leave = (
        _days_in_july("病假", 10)
        + [
            leave_row("E1", JULY.replace(day=20), leave_type, 1.0)
            for leave_type in ("产假", "婚假", "丧假")
        ]
        + [leave_row("E1", JULY.replace(day=25), "事假", 2.0)]
    )
    inputs = engine_input(["E1"], leave=leave)

    result = indicator_run(CODE, inputs)["E1"]

    assert result["hit"] is False
    assert result["evidence"]["latest_days"] == 2.0


def test_leave_spike_every_employee_evaluated() -> None:
    inputs = engine_input(["E1", "E2"], leave=_days_in_july("事假", 3, "E2"), payment_scope=set())

    results = indicator_run(CODE, inputs)

    assert {number: result["hit"] for number, result in results.items()} == {
        "E1": False,
        "E2": True,
    }


def test_leave_spike_protected_set_matches_attendance_model() -> None:
    assert {str(leave_type) for leave_type in PROTECTED_LEAVE} == ENGINE_PROTECTED_LEAVE


def test_leave_spike_ignores_leave_after_as_of() -> None:
    inputs = engine_input(["E1"], leave=_days_in_july("事假", 5))

    result = indicator_run(CODE, inputs, as_of=datetime.date(2026, 7, 2))["E1"]

    assert result["evidence"]["latest_days"] == 2.0
