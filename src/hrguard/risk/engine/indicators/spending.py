"""spend_income_ratio: personal spending far above net pay for consecutive months."""

from dataclasses import dataclass

import polars as pl

from hrguard.risk.engine.catalogue import FIELD_SEPARATOR
from hrguard.risk.engine.errors import ParamOutOfRange
from hrguard.risk.engine.indicators.common import (
    employee_months,
    month_label,
    month_of,
    of_employees,
    within_period,
)
from hrguard.risk.engine.inputs import Period, ScanInput
from hrguard.risk.engine.registry import LoadContext, indicator, results_finish

CODE = "spend_income_ratio"
# Ratios are compared as integers in basis points, so 1.5 × 8,000.00 is exactly 12,000.00.
BASIS_POINTS = 10_000


@dataclass(frozen=True)
class SpendIncomeParams:
    ratio_min: float
    consecutive_months_min: int
    neutral_keywords: tuple[str, ...]

    def __post_init__(self) -> None:
        if self.ratio_min <= 0:
            raise ParamOutOfRange("ratio_min", f"{self.ratio_min} must be above 0")
        if self.consecutive_months_min < 1:
            raise ParamOutOfRange("consecutive_months_min", "must be at least 1")


def _window_check(params: SpendIncomeParams, context: LoadContext) -> SpendIncomeParams:
    if params.consecutive_months_min > context.window_months:
        raise ParamOutOfRange(
            "consecutive_months_min",
            f"{params.consecutive_months_min} months never fit in a window of {context.window_months}",
        )
    return params


def monthly_spending(
    payments: pl.DataFrame, period: Period, neutral_keywords: tuple[str, ...]
) -> pl.DataFrame:
    """Sum succeeded expense rows per employee and month, leaving out neutral ones.

    Rows marked income or neutral never count: refunds, transfers to 余额宝 and
    loan-ins are not spending. An expense row whose category, counterparty or
    description names a neutral keyword (信用卡还款, 转入余额宝 ...) moves the
    employee's own money, or repays a purchase already counted, so it is left
    out too and counted in `excluded_rows`.
    """
    expenses = within_period(payments, "occurred_at", period).filter(
        pl.col("direction") == "expense", pl.col("succeeded")
    )
    text = pl.concat_str(
        [pl.col("category"), pl.col("counterparty"), pl.col("description")],
        separator=FIELD_SEPARATOR,
        ignore_nulls=True,
    )
    neutral = text.str.contains_any(list(neutral_keywords)) if neutral_keywords else pl.lit(False)
    expenses = expenses.with_columns(month_of("occurred_at"), neutral.alias("neutral"))

    return expenses.group_by("employee_no", "month").agg(
        spending_fen=pl.col("amount_fen").filter(~pl.col("neutral")).sum(),
        counted_rows=(~pl.col("neutral")).sum(),
        excluded_rows=pl.col("neutral").sum(),
    )


@indicator(
    CODE,
    params=SpendIncomeParams,
    sources=("payments", "payroll"),
    scope="payments",
    prepare=_window_check,
)
def spend_income_ratio(
    inputs: ScanInput, period: Period, params: SpendIncomeParams
) -> pl.DataFrame:
    """Flag spending ≥ ratio_min × net pay in ≥ consecutive_months_min consecutive months.

    A month counts only when it has a payroll record with positive net pay, so
    a month without payroll breaks a run rather than joining it.
    """
    employees = inputs.employees_in_scope("payments")
    ratio_bp = round(params.ratio_min * BASIS_POINTS)

    spending = monthly_spending(
        of_employees(inputs.frame("payments"), employees), period, params.neutral_keywords
    )
    payroll = (
        of_employees(inputs.frame("payroll"), employees)
        .with_columns(month_of("month"))
        .group_by("employee_no", "month")
        .agg(net_pay_fen=pl.col("net_pay_fen").sum())
    )
    monthly = (
        employee_months(employees, period)
        .join(spending, on=["employee_no", "month"], how="left")
        .join(payroll, on=["employee_no", "month"], how="left")
        .with_columns(
            pl.col("spending_fen", "counted_rows", "excluded_rows").fill_null(0),
        )
        .with_columns(
            qualifies=(
                (pl.col("net_pay_fen") > 0)
                & (pl.col("spending_fen") * BASIS_POINTS >= pl.col("net_pay_fen") * ratio_bp)
            ).fill_null(False),
            ratio=pl.when(pl.col("net_pay_fen") > 0).then(
                (pl.col("spending_fen") / pl.col("net_pay_fen")).round(2)
            ),
        )
        .sort("employee_no", "month_index")
    )

    runs = _longest_runs(monthly)
    shown_months = (
        monthly.filter(pl.col("net_pay_fen").is_not_null() | (pl.col("spending_fen") > 0))
        .group_by("employee_no", maintain_order=True)
        .agg(
            months=pl.struct(
                month_label().alias("month"),
                "spending_fen",
                "net_pay_fen",
                "ratio",
                "qualifies",
            )
        )
    )
    totals = monthly.group_by("employee_no").agg(
        counted_rows=pl.col("counted_rows").sum(), excluded_rows=pl.col("excluded_rows").sum()
    )

    results = (
        employees.join(runs, on="employee_no", how="left")
        .join(shown_months, on="employee_no", how="left")
        .join(totals, on="employee_no", how="left")
        .with_columns(pl.col("longest_run").fill_null(0))
        .with_columns(hit=pl.col("longest_run") >= params.consecutive_months_min)
    )
    return results_finish(
        results,
        CODE,
        [
            pl.col("months").fill_null([]),
            pl.col("longest_run"),
            pl.col("run_start"),
            pl.col("run_end"),
            pl.col("counted_rows").fill_null(0),
            pl.col("excluded_rows").fill_null(0),
            pl.lit(params.ratio_min).alias("ratio_min"),
            pl.lit(params.consecutive_months_min).alias("consecutive_months_min"),
        ],
    )


def _longest_runs(monthly: pl.DataFrame) -> pl.DataFrame:
    """Return each employee's longest run of consecutive qualifying months (the latest on a tie)."""
    qualifying = monthly.filter(pl.col("qualifies")).with_columns(
        # Consecutive months share month_index minus their rank among qualifying months.
        run_key=pl.col("month_index") - pl.int_range(pl.len()).over("employee_no")
    )
    runs = qualifying.group_by("employee_no", "run_key").agg(
        length=pl.len(),
        run_start=month_label().first(),
        run_end=month_label().last(),
        last_index=pl.col("month_index").last(),
    )
    return (
        runs.sort("employee_no", "length", "last_index", descending=[False, True, True])
        .group_by("employee_no", maintain_order=True)
        .first()
        .select("employee_no", pl.col("length").alias("longest_run"), "run_start", "run_end")
    )
