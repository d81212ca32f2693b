"""Input frames: declared columns only, clear errors, and a whole scan on the bare columns."""

import datetime

import polars as pl
import pytest

from hrguard.risk.engine import InputInvalid, Period, rule_set_load, scan_evaluate, scan_input
from tests.risk.builders import AS_OF, MONTHS, engine_input, frame, leave_row, payment, payroll_row


def test_scan_input_drops_undeclared_columns() -> None:
    employees = pl.DataFrame(
        {"employee_no": ["E1"], "gender": ["女"], "birth_date": [datetime.date(1990, 1, 1)]}
    )
    leave = frame("leave", [leave_row("E1", AS_OF, "事假", 1.0)]).with_columns(
        pregnant=pl.lit(True)
    )

    inputs = scan_input(employees=employees, frames={"leave": leave})

    assert inputs.employees.columns == ["employee_no"]
    assert inputs.frame("leave").columns == ["employee_no", "date", "leave_type", "days"]


def test_scan_input_missing_column_rejected() -> None:
    payroll = pl.DataFrame({"employee_no": ["E1"], "month": [MONTHS[0]]})

    with pytest.raises(InputInvalid, match="the payroll frame lacks the columns net_pay_fen"):
        scan_input(employees=pl.DataFrame({"employee_no": ["E1"]}), frames={"payroll": payroll})


def test_scan_input_wrong_type_rejected() -> None:
    payroll = pl.DataFrame({"employee_no": ["E1"], "month": [MONTHS[0]], "net_pay_fen": ["八千"]})

    with pytest.raises(InputInvalid, match="the payroll frame has a column of the wrong type"):
        scan_input(employees=pl.DataFrame({"employee_no": ["E1"]}), frames={"payroll": payroll})


def test_period_six_months_ending_with_as_of_month() -> None:
    period = Period.ending_on(datetime.date(2026, 2, 14), 6)

    assert period.months[0] == datetime.date(2025, 9, 1)
    assert period.latest == datetime.date(2026, 2, 1)
    assert len(period.months) == 6


def test_scan_evaluate_runs_every_indicator_on_declared_columns() -> None:
    payments = [payment("E1", month.replace(day=9), "12000") for month in MONTHS[3:]]
    payments += [
        payment("E1", AS_OF, "100", direction="neutral", counterparty=name)
        for name in ("蚂蚁借呗", "分期乐", "洋钱罐")
    ]
    inputs = engine_input(
        ["E1", "E2"],
        payments=payments,
        payroll=[payroll_row("E1", month, "8000") for month in MONTHS],
        leave=[leave_row("E2", AS_OF.replace(day=day), "旷工", 1.0) for day in (1, 2, 3)],
    )

    outcome = scan_evaluate(inputs, rule_set_load(), as_of=AS_OF)

    assert outcome.results.height == 2 * len(rule_set_load().indicators)
    assert outcome.scores.select("employee_no", "indicators", "level").rows() == [
        ("E1", ["loan_platforms", "spend_income_ratio"], "medium"),
        ("E2", ["leave_spike"], "watch"),
    ]


def test_scan_evaluate_missing_frame_rejected() -> None:
    inputs = scan_input(employees=pl.DataFrame({"employee_no": ["E1"]}), frames={})

    with pytest.raises(InputInvalid, match="the scan input has no 'payments' frame"):
        scan_evaluate(inputs, rule_set_load(), as_of=AS_OF)
