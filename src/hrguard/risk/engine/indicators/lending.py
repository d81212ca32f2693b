"""loan_platforms (多头借贷): many online-lending platforms used in one month."""

from dataclasses import dataclass

import polars as pl

from hrguard.risk.engine.catalogue import (
    FIELD_SEPARATOR,
    CatalogueConfig,
    KeywordMatcher,
    catalogue_attach,
)
from hrguard.risk.engine.errors import ParamOutOfRange
from hrguard.risk.engine.indicators.common import month_label, month_of, of_employees, within_period
from hrguard.risk.engine.inputs import Period, ScanInput
from hrguard.risk.engine.registry import indicator, results_finish

CODE = "loan_platforms"


@dataclass(frozen=True)
class LoanPlatformsParams:
    catalogue: str
    catalogue_version: str
    platforms_min: int
    succeeded_only: bool

    def __post_init__(self) -> None:
        if self.platforms_min < 1:
            raise ParamOutOfRange("platforms_min", "must be at least 1")


def platform_rows(payments: pl.DataFrame, matcher: KeywordMatcher) -> pl.DataFrame:
    """Return (employee_no, month, platform) for every row that names a catalogue platform.

    Counterparty and description are joined by FIELD_SEPARATOR, so no alias
    can match across the two fields. Rows of every direction count: a loan-in
    is income or neutral, a repayment expense or neutral.
    """
    text = pl.concat_str(
        [pl.col("counterparty").fill_null(""), pl.col("description").fill_null("")],
        separator=FIELD_SEPARATOR,
    ).alias("text")
    rows = payments.select("employee_no", month_of("occurred_at"), text)
    matches = matcher.match_frame(rows["text"]).rename({"name": "platform"})
    return rows.join(matches, on="text", how="inner").drop("text")


@indicator(
    CODE,
    params=LoanPlatformsParams,
    sources=("payments",),
    scope="payments",
    prepare=catalogue_attach("platform"),
)
def loan_platforms(inputs: ScanInput, period: Period, config: CatalogueConfig) -> pl.DataFrame:
    """Flag an employee with rows from ≥ platforms_min distinct lending platforms in one month."""
    params = config.params
    employees = inputs.employees_in_scope("payments")
    payments = within_period(
        of_employees(inputs.frame("payments"), employees), "occurred_at", period
    )
    if params.succeeded_only:
        payments = payments.filter(pl.col("succeeded"))

    operators = pl.DataFrame(
        {
            "platform": list(config.catalogue.operator_of()),
            "operator": list(config.catalogue.operator_of().values()),
        },
        schema={"platform": pl.String(), "operator": pl.String()},
    )
    per_platform = (
        platform_rows(payments, config.matcher)
        .group_by("employee_no", "month", "platform")
        .agg(rows=pl.len())
        .join(operators, on="platform", how="left")
        .sort("employee_no", "month", "rows", "platform", descending=[False, False, True, False])
    )
    per_month = per_platform.group_by("employee_no", "month", maintain_order=True).agg(
        platform_count=pl.len(),
        platforms=pl.struct(pl.col("platform").alias("name"), "operator", "rows"),
    )
    per_employee = (
        per_month.sort("employee_no", "platform_count", "month", descending=[False, True, True])
        .group_by("employee_no", maintain_order=True)
        .agg(
            max_platforms=pl.col("platform_count").first(),
            peak_month=month_label().first(),
            months=pl.struct(month_label().alias("month"), "platform_count", "platforms").sort_by(
                pl.col("month")
            ),
        )
    )

    results = (
        employees.join(per_employee, on="employee_no", how="left")
        .with_columns(pl.col("max_platforms").fill_null(0))
        .with_columns(hit=pl.col("max_platforms") >= params.platforms_min)
    )
    return results_finish(
        results,
        CODE,
        [
            pl.col("months").fill_null([]),
            pl.col("max_platforms"),
            pl.col("peak_month"),
            pl.lit(params.platforms_min).alias("platforms_min"),
            pl.lit(config.catalogue.version).alias("catalogue_version"),
        ],
    )
