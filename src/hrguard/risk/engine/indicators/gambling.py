"""gambling_spend (博彩消费): payments to lottery or gambling merchants above a floor."""

from dataclasses import dataclass

import polars as pl

from hrguard.risk.engine.catalogue import FIELD_SEPARATOR, CatalogueConfig, catalogue_attach
from hrguard.risk.engine.errors import ParamOutOfRange
from hrguard.risk.engine.indicators.common import (
    month_label,
    month_of,
    of_employees,
    within_period,
    yuan_to_fen,
)
from hrguard.risk.engine.inputs import Period, ScanInput
from hrguard.risk.engine.registry import indicator, results_finish

CODE = "gambling_spend"
# Evidence lists at most this many merchants, largest amount first.
MERCHANTS_SHOWN = 10


@dataclass(frozen=True)
class GamblingParams:
    catalogue: str
    catalogue_version: str
    floor_yuan: float

    def __post_init__(self) -> None:
        if self.floor_yuan < 0:
            raise ParamOutOfRange("floor_yuan", f"{self.floor_yuan} must not be negative")


@indicator(
    CODE,
    params=GamblingParams,
    sources=("payments",),
    scope="payments",
    prepare=catalogue_attach("merchant_type"),
)
def gambling_spend(inputs: ScanInput, period: Period, config: CatalogueConfig) -> pl.DataFrame:
    """Flag succeeded expense payments to catalogue merchants totalling more than floor_yuan.

    Refunded and closed payments are not succeeded, so they never count.
    """
    floor_fen = yuan_to_fen(config.params.floor_yuan)
    employees = inputs.employees_in_scope("payments")
    expenses = within_period(
        of_employees(inputs.frame("payments"), employees), "occurred_at", period
    ).filter(pl.col("direction") == "expense", pl.col("succeeded"))
    text = pl.concat_str(
        [pl.col(name).fill_null("") for name in ("category", "counterparty", "description")],
        separator=FIELD_SEPARATOR,
    )
    expenses = expenses.with_columns(month_of("occurred_at"), text.alias("text"))
    kinds = config.matcher.match_frame(expenses["text"]).group_by("text").agg(kinds=pl.col("name"))
    matched = expenses.join(kinds, on="text", how="inner")

    merchants = (
        matched.group_by("employee_no", "counterparty")
        .agg(rows=pl.len(), amount_fen=pl.col("amount_fen").sum())
        .sort("employee_no", "amount_fen", "counterparty", descending=[False, True, False])
        .group_by("employee_no", maintain_order=True)
        .agg(
            merchants=pl.struct(pl.col("counterparty").alias("name"), "rows", "amount_fen").head(
                MERCHANTS_SHOWN
            )
        )
    )
    months = (
        matched.group_by("employee_no", "month")
        .agg(amount_fen=pl.col("amount_fen").sum(), rows=pl.len())
        .sort("employee_no", "month")
        .group_by("employee_no", maintain_order=True)
        .agg(months=pl.struct(month_label().alias("month"), "amount_fen", "rows"))
    )
    totals = matched.group_by("employee_no").agg(
        total_fen=pl.col("amount_fen").sum(),
        rows=pl.len(),
        kinds=pl.col("kinds").list.explode(keep_nulls=False, empty_as_null=False).unique().sort(),
    )

    results = (
        employees.join(totals, on="employee_no", how="left")
        .join(merchants, on="employee_no", how="left")
        .join(months, on="employee_no", how="left")
        .with_columns(pl.col("total_fen", "rows").fill_null(0))
        .with_columns(hit=pl.col("total_fen") > floor_fen)
    )
    return results_finish(
        results,
        CODE,
        [
            pl.col("total_fen"),
            pl.col("rows"),
            pl.col("kinds").fill_null([]),
            pl.col("merchants").fill_null([]),
            pl.col("months").fill_null([]),
            pl.lit(floor_fen).alias("floor_fen"),
            pl.lit(config.catalogue.version).alias("catalogue_version"),
        ],
    )
