"""leave_spike (请假激增): personal leave and absence far above the employee's own baseline."""

from dataclasses import dataclass

import polars as pl

from hrguard.risk.engine.errors import ParamOutOfRange
from hrguard.risk.engine.indicators.common import (
    baseline_window_check,
    employee_months,
    month_label,
    month_of,
    within_period,
)
from hrguard.risk.engine.inputs import Period, ScanInput
from hrguard.risk.engine.registry import indicator, results_finish

CODE = "leave_spike"

# Leave the law protects (sick, maternity, marriage, bereavement, annual and
# paternity leave). It never counts, whatever the rule set lists. This is the
# same set as hrguard.attendance.models.PROTECTED_LEAVE, repeated here because
# the engine imports no Django (a test checks that the two agree).
PROTECTED_LEAVE = frozenset({"病假", "产假", "婚假", "丧假", "年假", "陪产假"})


@dataclass(frozen=True)
class LeaveSpikeParams:
    counted_types: tuple[str, ...]
    min_days: float
    multiple_of_baseline: float
    baseline_months: int

    def __post_init__(self) -> None:
        protected = sorted(set(self.counted_types) & PROTECTED_LEAVE)
        if protected:
            raise ParamOutOfRange(
                "counted_types", f"protected leave must never count: {', '.join(protected)}"
            )
        if not self.counted_types:
            raise ParamOutOfRange("counted_types", "must name at least one leave type")
        if self.min_days <= 0:
            raise ParamOutOfRange("min_days", f"{self.min_days} must be above 0")
        if self.multiple_of_baseline < 1:
            raise ParamOutOfRange(
                "multiple_of_baseline", f"{self.multiple_of_baseline} must be at least 1"
            )
        if self.baseline_months < 1:
            raise ParamOutOfRange("baseline_months", "must be at least 1")


@indicator(CODE, params=LeaveSpikeParams, sources=("leave",), prepare=baseline_window_check)
def leave_spike(inputs: ScanInput, period: Period, params: LeaveSpikeParams) -> pl.DataFrame:
    """Flag counted leave in the latest month ≥ min_days and ≥ multiple × the baseline mean.

    The baseline is the mean over the `baseline_months` months before the
    latest one, months without leave counting as zero days.
    """
    counted = set(params.counted_types) - PROTECTED_LEAVE
    first_index = len(period.months) - 1 - params.baseline_months
    leave = (
        within_period(inputs.frame("leave"), "date", period)
        .filter(pl.col("leave_type").is_in(sorted(counted)))
        .with_columns(month_of("date"))
    )

    per_month = (
        employee_months(inputs.employees, period)
        .filter(pl.col("month_index") >= first_index)
        .join(
            leave.group_by("employee_no", "month").agg(days=pl.col("days").sum()),
            on=["employee_no", "month"],
            how="left",
        )
        .with_columns(pl.col("days").fill_null(0.0))
        .sort("employee_no", "month_index")
    )
    latest_types = (
        leave.filter(pl.col("month") == period.latest)
        .group_by("employee_no", "leave_type")
        .agg(days=pl.col("days").sum())
        .sort("employee_no", "leave_type")
        .group_by("employee_no", maintain_order=True)
        .agg(latest_by_type=pl.struct(pl.col("leave_type").alias("type"), "days"))
    )
    is_latest = pl.col("month") == period.latest
    summary = per_month.group_by("employee_no", maintain_order=True).agg(
        latest_days=pl.col("days").filter(is_latest).sum(),
        baseline_mean_days=(pl.col("days").filter(~is_latest).sum() / params.baseline_months),
        baseline=pl.struct(month_label().alias("month"), "days").filter(~is_latest),
    )

    results = (
        inputs.employees.join(summary, on="employee_no", how="left")
        .join(latest_types, on="employee_no", how="left")
        .with_columns(
            hit=(pl.col("latest_days") >= params.min_days)
            & (pl.col("latest_days") >= params.multiple_of_baseline * pl.col("baseline_mean_days"))
        )
    )
    return results_finish(
        results,
        CODE,
        [
            pl.lit(period.latest.strftime("%Y-%m")).alias("latest_month"),
            pl.col("latest_days"),
            pl.col("latest_by_type").fill_null([]),
            pl.col("baseline_mean_days").round(2),
            pl.col("baseline"),
            pl.lit(params.min_days).alias("min_days"),
            pl.lit(params.multiple_of_baseline).alias("multiple_of_baseline"),
        ],
    )
