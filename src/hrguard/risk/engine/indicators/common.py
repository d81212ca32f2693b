"""Frame helpers shared by the built-in indicators."""

from typing import Protocol, TypeVar

import polars as pl

from hrguard.risk.engine.errors import ParamOutOfRange
from hrguard.risk.engine.inputs import Period
from hrguard.risk.engine.registry import LoadContext

# Month labels in evidence are "YYYY-MM"; hrguard.risk.explain renders them as "2026年7月".
MONTH_FORMAT = "%Y-%m"


def month_of(column: str) -> pl.Expr:
    """Return the first day of the month of a Date or Datetime column, as a Date."""
    return pl.col(column).dt.truncate("1mo").cast(pl.Date()).alias("month")


def month_label(column: str = "month") -> pl.Expr:
    return pl.col(column).dt.strftime(MONTH_FORMAT)


def within_period(frame: pl.DataFrame, column: str, period: Period) -> pl.DataFrame:
    """Keep rows whose `column` falls from the first day of the window to `as_of`, inclusive."""
    day = pl.col(column).cast(pl.Date())
    return frame.filter(day >= period.start, day <= period.as_of)


def of_employees(frame: pl.DataFrame, employees: pl.DataFrame) -> pl.DataFrame:
    return frame.join(employees.select("employee_no"), on="employee_no", how="semi")


def employee_months(employees: pl.DataFrame, period: Period) -> pl.DataFrame:
    """Return every (employee_no, month, month_index) of the window."""
    return employees.select("employee_no").join(period.month_index_frame(), how="cross")


def yuan_to_fen(yuan: float) -> int:
    """Convert a rule-set amount in yuan to whole fen, rounding to the nearest fen."""
    return round(yuan * 100)


class BaselineParams(Protocol):
    baseline_months: int


BaselineParamsT = TypeVar("BaselineParamsT", bound=BaselineParams)


def baseline_window_check(params: BaselineParamsT, context: LoadContext) -> BaselineParamsT:
    """Reject a baseline that does not fit before the latest month of the window."""
    if params.baseline_months > context.window_months - 1:
        raise ParamOutOfRange(
            "baseline_months",
            f"{params.baseline_months} months before the latest do not fit in a window of "
            f"{context.window_months}",
        )
    return params
