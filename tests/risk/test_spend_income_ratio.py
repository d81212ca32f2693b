"""spend_income_ratio: spending against net pay over consecutive months."""

import datetime

from tests.risk.builders import MONTHS, engine_input, indicator_run, payment, payroll_row

CODE = "spend_income_ratio"
MAY, JUNE, JULY = MONTHS[3], MONTHS[4], MONTHS[5]


def _pay_every_month(employee_no: str, yuan: str = "8000") -> list[dict]:
    return [payroll_row(employee_no, month, yuan) for month in MONTHS]


def _spend(employee_no: str, months: list[datetime.date], yuan: str) -> list[dict]:
    return [payment(employee_no, month.replace(day=10), yuan) for month in months]


def test_spend_income_ratio_three_months_at_threshold_hits() -> None:
    inputs = engine_input(
        ["E1"], payroll=_pay_every_month("E1"), payments=_spend("E1", [MAY, JUNE, JULY], "12000")
    )

    result = indicator_run(CODE, inputs)["E1"]

    assert result["hit"] is True
    assert result["severity"] == 1
    assert result["evidence"]["longest_run"] == 3
    assert result["evidence"]["run_start"] == "2026-05"
    assert result["evidence"]["run_end"] == "2026-07"
    assert result["evidence"]["months"][-1] == {
        "month": "2026-07",
        "spending_fen": 1_200_000,
        "net_pay_fen": 800_000,
        "ratio": 1.5,
        "qualifies": True,
    }


def test_spend_income_ratio_below_threshold_misses() -> None:
    inputs = engine_input(
        ["E1"], payroll=_pay_every_month("E1"), payments=_spend("E1", [MAY, JUNE, JULY], "11000")
    )

    result = indicator_run(CODE, inputs)["E1"]

    assert result["hit"] is False
    assert result["severity"] == 0
    assert result["evidence"]["longest_run"] == 0


def test_spend_income_ratio_one_large_month_misses() -> None:
    payments = _spend("E1", [MAY, JUNE], "1000") + _spend("E1", [JULY], "60000")
    inputs = engine_input(["E1"], payroll=_pay_every_month("E1"), payments=payments)

    result = indicator_run(CODE, inputs)["E1"]

    assert result["hit"] is False
    assert result["evidence"]["longest_run"] == 1


def test_spend_income_ratio_month_without_payroll_breaks_run() -> None:
    payroll = [row for row in _pay_every_month("E1") if row["month"] != JUNE]
    inputs = engine_input(
        ["E1"], payroll=payroll, payments=_spend("E1", [MAY, JUNE, JULY], "12000")
    )

    result = indicator_run(CODE, inputs)["E1"]

    assert result["hit"] is False
    assert result["evidence"]["longest_run"] == 1
    june = next(month for month in result["evidence"]["months"] if month["month"] == "2026-06")
    assert june == {
        "month": "2026-06",
        "spending_fen": 1_200_000,
        "net_pay_fen": None,
        "ratio": None,
        "qualifies": False,
    }


def test_spend_income_ratio_gap_month_keeps_longest_run() -> None:
    months = [MONTHS[0], MONTHS[1], MONTHS[3], MONTHS[4], MONTHS[5]]
    inputs = engine_input(
        ["E1"], payroll=_pay_every_month("E1"), payments=_spend("E1", months, "12000")
    )

    result = indicator_run(CODE, inputs, consecutive_months_min=4)["E1"]

    assert result["hit"] is False
    assert result["evidence"]["longest_run"] == 3
    assert result["evidence"]["run_start"] == "2026-05"


def test_spend_income_ratio_neutral_rows_ignored() -> None:
    payments = _spend("E1", [MAY, JUNE, JULY], "7000")
    for month in (MAY, JUNE, JULY):
        day = month.replace(day=12)
        payments += [
            payment(
                "E1",
                day,
                "3000",
                direction="neutral",
                counterparty="余额宝",
                description="转入余额宝",
            ),
            payment(
                "E1",
                day,
                "2000",
                counterparty="招商银行",
                description="信用卡还款",
                category="信用卡还款",
            ),
            payment(
                "E1",
                day,
                "1000",
                direction="income",
                counterparty="某商户",
                description="退款-衣服",
            ),
        ]
    inputs = engine_input(["E1"], payroll=_pay_every_month("E1"), payments=payments)

    result = indicator_run(CODE, inputs)["E1"]

    assert result["hit"] is False
    assert result["evidence"]["months"][-1]["spending_fen"] == 700_000
    assert result["evidence"]["excluded_rows"] == 3
    assert result["evidence"]["counted_rows"] == 3


def test_spend_income_ratio_refunded_and_closed_payments_ignored() -> None:
    payments = _spend("E1", [MAY, JUNE, JULY], "11000")
    for month in (MAY, JUNE, JULY):
        payments.append(payment("E1", month.replace(day=15), "5000", succeeded=False))
    inputs = engine_input(["E1"], payroll=_pay_every_month("E1"), payments=payments)

    result = indicator_run(CODE, inputs)["E1"]

    assert result["hit"] is False
    assert result["evidence"]["months"][-1]["spending_fen"] == 1_100_000


def test_spend_income_ratio_rows_after_as_of_ignored() -> None:
    payments = _spend("E1", [MAY, JUNE], "12000") + [
        payment("E1", datetime.date(2026, 7, 10), "6000"),
        payment("E1", datetime.date(2026, 7, 20), "6000"),
    ]
    inputs = engine_input(["E1"], payroll=_pay_every_month("E1"), payments=payments)

    result = indicator_run(CODE, inputs, as_of=datetime.date(2026, 7, 15))["E1"]

    assert result["hit"] is False
    assert result["evidence"]["months"][-1]["spending_fen"] == 600_000


def test_spend_income_ratio_without_consent_not_evaluated() -> None:
    inputs = engine_input(
        ["E1", "E2"],
        payroll=_pay_every_month("E1") + _pay_every_month("E2"),
        payments=_spend("E1", [MAY, JUNE, JULY], "12000"),
        payment_scope={"E2"},
    )

    results = indicator_run(CODE, inputs)

    assert set(results) == {"E2"}
    assert results["E2"]["hit"] is False
