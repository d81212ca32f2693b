"""The frames a scan reads, their columns, and the scan period.

Money is integer fen, dates are local (Asia/Shanghai) calendar dates, and
`occurred_at` is a naive local wall-clock time. Only the columns declared here
reach an indicator: `scan_input` drops every other column, so a protected
attribute (gender, age, ethnicity, marital or pregnancy status, native place)
cannot become an input by riding along in a frame.
"""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field

import polars as pl

from hrguard.risk.engine.errors import InputInvalid

# Source name → the columns an indicator may read, with their types.
SOURCE_SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "employees": {"employee_no": pl.String()},
    "payments": {
        "employee_no": pl.String(),
        "occurred_at": pl.Datetime("us"),
        # "income", "expense" or "neutral" (Alipay 不计收支, WeChat 中性交易).
        "direction": pl.String(),
        "amount_fen": pl.Int64(),
        "succeeded": pl.Boolean(),
        "counterparty": pl.String(),
        "description": pl.String(),
        "category": pl.String(),
    },
    "payroll": {"employee_no": pl.String(), "month": pl.Date(), "net_pay_fen": pl.Int64()},
    "leave": {
        "employee_no": pl.String(),
        "date": pl.Date(),
        "leave_type": pl.String(),
        "days": pl.Float64(),
    },
    "reimbursements": {
        "employee_no": pl.String(),
        "department": pl.String(),
        "date": pl.Date(),
        "amount_fen": pl.Int64(),
    },
}


def source_register(name: str, schema: Mapping[str, pl.DataType]) -> None:
    """Declare another source frame (for example flagged chat messages) and its columns."""
    existing = SOURCE_SCHEMAS.get(name)
    if existing is not None and existing != dict(schema):
        raise ValueError(f"source {name!r} is already registered with other columns")
    SOURCE_SCHEMAS[name] = dict(schema)


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def month_shift(month: datetime.date, months: int) -> datetime.date:
    """Return the first day of the month `months` after (or before) `month`."""
    index = month.year * 12 + month.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """The months a scan looks at: `window_months` calendar months ending with the month of `as_of`.

    The last month is usually incomplete unless `as_of` is its last day; data
    after `as_of` is never read.
    """

    as_of: datetime.date
    months: tuple[datetime.date, ...]

    @classmethod
    def ending_on(cls, as_of: datetime.date, window_months: int) -> "Period":
        last = month_start(as_of)
        months = tuple(month_shift(last, -offset) for offset in range(window_months - 1, -1, -1))
        return cls(as_of=as_of, months=months)

    @property
    def start(self) -> datetime.date:
        return self.months[0]

    @property
    def latest(self) -> datetime.date:
        return self.months[-1]

    def month_index_frame(self) -> pl.DataFrame:
        """Return one row per month with its position in the window (0 = oldest)."""
        return pl.DataFrame(
            {"month": list(self.months), "month_index": list(range(len(self.months)))},
            schema={"month": pl.Date(), "month_index": pl.Int32()},
        )


@dataclass(frozen=True)
class ScanInput:
    """Everything an indicator may read.

    `frames` maps a source name to its frame. `scopes` maps a source that needs
    the employee's separate consent to the employee numbers whose consent is in
    force on the scan date. An indicator reading such a source evaluates only
    those employees, so an employee without consent gets no result at all,
    not a miss.
    """

    employees: pl.DataFrame
    frames: Mapping[str, pl.DataFrame]
    scopes: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def frame(self, source: str) -> pl.DataFrame:
        try:
            return self.frames[source]
        except KeyError:
            raise InputInvalid(f"the scan input has no {source!r} frame") from None

    def employees_in_scope(self, source: str | None) -> pl.DataFrame:
        """Return the employee numbers an indicator reading `source` evaluates."""
        if source is None or source not in self.scopes:
            return self.employees
        allowed = pl.Series("employee_no", sorted(self.scopes[source]), dtype=pl.String())
        return self.employees.filter(pl.col("employee_no").is_in(allowed.implode()))


def frame_conform(source: str, frame: pl.DataFrame) -> pl.DataFrame:
    """Keep only the declared columns of `source`, cast to their declared types."""
    schema = SOURCE_SCHEMAS.get(source)
    if schema is None:
        raise InputInvalid(f"unknown source {source!r}; register it with source_register()")

    missing = [name for name in schema if name not in frame.columns]
    if missing:
        raise InputInvalid(f"the {source} frame lacks the columns {', '.join(missing)}")

    try:
        return frame.select(pl.col(name).cast(dtype, strict=True) for name, dtype in schema.items())
    except (pl.exceptions.InvalidOperationError, pl.exceptions.ComputeError) as error:
        raise InputInvalid(f"the {source} frame has a column of the wrong type: {error}") from error


def empty_frame(source: str) -> pl.DataFrame:
    return pl.DataFrame(schema=SOURCE_SCHEMAS[source])


def scan_input(
    *,
    employees: pl.DataFrame,
    frames: Mapping[str, pl.DataFrame],
    scopes: Mapping[str, frozenset[str]] | None = None,
) -> ScanInput:
    """Build a ScanInput from raw frames, dropping undeclared columns."""
    conformed = {source: frame_conform(source, frame) for source, frame in frames.items()}
    return ScanInput(
        employees=frame_conform("employees", employees).unique(maintain_order=True),
        frames=conformed,
        scopes=dict(scopes or {}),
    )
