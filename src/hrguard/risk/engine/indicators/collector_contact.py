"""collector_contact (催收联系): harassment incidents that HR linked to an employee as debtor.

The "harassment" frame holds one row per incident whose claimed debtor HR has
identified as an employee, keyed by that employee. A collector naming someone
is never linked automatically, so every row is a person's decision. The frame
carries no caller numbers, so the evidence cannot contain them either.
"""

from dataclasses import dataclass

import polars as pl

from hrguard.risk.engine.errors import ParamOutOfRange
from hrguard.risk.engine.indicators.common import of_employees, within_period
from hrguard.risk.engine.inputs import Period, ScanInput, source_register
from hrguard.risk.engine.registry import indicator, results_finish

CODE = "collector_contact"
SOURCE = "harassment"
DATE_FORMAT = "%Y-%m-%d"

HARASSMENT_SCHEMA: dict[str, pl.DataType] = {
    # The employee HR identified as the debtor, not the colleague who was contacted.
    "employee_no": pl.String(),
    # Asia/Shanghai wall-clock time of the call, message or visit.
    "occurred_at": pl.Datetime("us"),
    # The platform or lender the collector claimed to act for.
    "platform": pl.String(),
}
source_register(SOURCE, HARASSMENT_SCHEMA)


@dataclass(frozen=True)
class CollectorContactParams:
    incidents_min: int

    def __post_init__(self) -> None:
        if self.incidents_min < 1:
            raise ParamOutOfRange("incidents_min", "must be at least 1")


@indicator(CODE, params=CollectorContactParams, sources=(SOURCE,))
def collector_contact(
    inputs: ScanInput, period: Period, params: CollectorContactParams
) -> pl.DataFrame:
    """Flag an employee named as debtor in at least incidents_min incidents in the window."""
    employees = inputs.employees_in_scope(SOURCE)
    incidents = within_period(of_employees(inputs.frame(SOURCE), employees), "occurred_at", period)

    per_employee = incidents.group_by("employee_no").agg(
        incident_count=pl.len(),
        platforms=pl.col("platform").unique().sort(),
        dates=pl.col("occurred_at").dt.strftime(DATE_FORMAT).unique().sort(),
    )
    results = (
        employees.join(per_employee, on="employee_no", how="left")
        .with_columns(
            pl.col("incident_count").fill_null(0),
            pl.col("platforms").fill_null([]),
            pl.col("dates").fill_null([]),
        )
        .with_columns(hit=pl.col("incident_count") >= params.incidents_min)
    )
    return results_finish(
        results,
        CODE,
        [
            pl.col("incident_count"),
            pl.col("platforms"),
            pl.col("dates"),
            pl.lit(params.incidents_min).alias("incidents_min"),
        ],
    )
