"""reimbursement_spike (报销异常): the latest month's claims far above own baseline and peers."""

from dataclasses import dataclass

import polars as pl

from hrguard.risk.engine.errors import ParamOutOfRange
from hrguard.risk.engine.indicators.common import (
    baseline_window_check,
    employee_months,
    month_label,
    month_of,
    within_period,
    yuan_to_fen,
)
from hrguard.risk.engine.inputs import Period, ScanInput
from hrguard.risk.engine.registry import indicator, results_finish

CODE = "reimbursement_spike"


@dataclass(frozen=True)
class ReimbursementSpikeParams:
    min_total_yuan: float
    own_z_min: float
    peer_z_min: float
    min_peers: int
    std_floor_yuan: float
    baseline_months: int

    def __post_init__(self) -> None:
        if self.min_total_yuan <= 0:
            raise ParamOutOfRange("min_total_yuan", f"{self.min_total_yuan} must be above 0")
        if self.std_floor_yuan <= 0:
            raise ParamOutOfRange("std_floor_yuan", f"{self.std_floor_yuan} must be above 0")
        if self.min_peers < 1:
            raise ParamOutOfRange("min_peers", "must be at least 1")
        if self.baseline_months < 1:
            raise ParamOutOfRange("baseline_months", "must be at least 1")


@indicator(
    CODE,
    params=ReimbursementSpikeParams,
    sources=("reimbursements",),
    prepare=baseline_window_check,
)
def reimbursement_spike(
    inputs: ScanInput, period: Period, params: ReimbursementSpikeParams
) -> pl.DataFrame:
    """Flag a latest-month total ≥ min_total_yuan that is unusual for the employee and the department.

    own z = (latest − mean of the baseline months) / max(their standard
    deviation, std_floor_yuan); months without claims count as zero. Peers are
    the other employees who claimed in the window and whose latest claim was
    booked to the same department. Peer z is compared only when there are at
    least min_peers of them; with fewer, the own baseline decides alone.
    """
    floor_fen = yuan_to_fen(params.std_floor_yuan)
    first_index = len(period.months) - 1 - params.baseline_months
    claims = within_period(inputs.frame("reimbursements"), "date", period).with_columns(
        month_of("date")
    )

    is_latest = pl.col("month") == period.latest
    own = (
        employee_months(inputs.employees, period)
        .filter(pl.col("month_index") >= first_index)
        .join(
            claims.group_by("employee_no", "month").agg(amount_fen=pl.col("amount_fen").sum()),
            on=["employee_no", "month"],
            how="left",
        )
        .with_columns(pl.col("amount_fen").fill_null(0))
        .sort("employee_no", "month_index")
        .group_by("employee_no", maintain_order=True)
        .agg(
            latest_fen=pl.col("amount_fen").filter(is_latest).sum(),
            baseline_mean_fen=pl.col("amount_fen").filter(~is_latest).mean(),
            baseline_std_fen=pl.col("amount_fen").filter(~is_latest).std(ddof=0),
            baseline=pl.struct(month_label().alias("month"), "amount_fen").filter(~is_latest),
        )
        .with_columns(
            own_z=(pl.col("latest_fen") - pl.col("baseline_mean_fen"))
            / pl.max_horizontal(pl.col("baseline_std_fen"), pl.lit(float(floor_fen)))
        )
    )
    peers = _peer_scores(claims, own, floor_fen)

    results = (
        inputs.employees.join(own, on="employee_no", how="left")
        .join(peers, on="employee_no", how="left")
        .with_columns(
            peer_count=pl.col("peer_count").fill_null(0),
            peer_z=pl.when(pl.col("peer_count") >= params.min_peers).then(pl.col("peer_z")),
        )
        .with_columns(
            hit=(pl.col("latest_fen") >= yuan_to_fen(params.min_total_yuan))
            & (pl.col("own_z") >= params.own_z_min)
            & (pl.col("peer_z").is_null() | (pl.col("peer_z") >= params.peer_z_min))
        )
    )
    return results_finish(
        results,
        CODE,
        [
            pl.lit(period.latest.strftime("%Y-%m")).alias("latest_month"),
            pl.col("latest_fen"),
            pl.col("baseline_mean_fen").round(0).cast(pl.Int64()),
            pl.col("baseline_std_fen").round(0).cast(pl.Int64()),
            pl.col("own_z").round(2),
            pl.col("baseline"),
            pl.col("department"),
            pl.col("peer_count"),
            pl.col("peer_mean_fen").round(0).cast(pl.Int64()),
            pl.col("peer_std_fen").round(0).cast(pl.Int64()),
            pl.col("peer_z").round(2),
            pl.lit(yuan_to_fen(params.min_total_yuan)).alias("min_total_fen"),
            pl.lit(params.own_z_min).alias("own_z_min"),
            pl.lit(params.peer_z_min).alias("peer_z_min"),
            pl.lit(params.min_peers).alias("min_peers"),
        ],
    )


def _peer_scores(claims: pl.DataFrame, own: pl.DataFrame, floor_fen: int) -> pl.DataFrame:
    """Return each claimer's department and z-score against the rest of that department.

    The mean and variance without the employee come from department sums of
    deviations from the department mean, so no department is joined with itself.
    """
    departments = (
        claims.sort("date")
        .group_by("employee_no")
        .agg(department=pl.col("department").last())
        .join(own.select("employee_no", "latest_fen"), on="employee_no", how="inner")
    )
    stats = departments.with_columns(
        size=pl.len().over("department"),
        deviation=(pl.col("latest_fen") - pl.col("latest_fen").mean().over("department")),
        department_mean=pl.col("latest_fen").mean().over("department"),
    ).with_columns(
        squares=(pl.col("deviation") ** 2).sum().over("department"),
    )

    others = pl.col("size") - 1
    shift = pl.col("deviation") / others
    return (
        stats.with_columns(
            peer_count=others,
            peer_mean_fen=pl.when(others > 0).then(pl.col("department_mean") - shift),
            peer_std_fen=pl.when(others > 0).then(
                ((pl.col("squares") - pl.col("deviation") ** 2) / others - shift**2)
                .clip(lower_bound=0)
                .sqrt()
            ),
        )
        .with_columns(
            peer_z=(pl.col("latest_fen") - pl.col("peer_mean_fen"))
            / pl.max_horizontal(pl.col("peer_std_fen"), pl.lit(float(floor_fen))),
        )
        .select(
            "employee_no", "department", "peer_count", "peer_mean_fen", "peer_std_fen", "peer_z"
        )
    )
