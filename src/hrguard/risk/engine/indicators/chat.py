"""colleague_borrowing (向同事借钱): borrowing requests to several colleagues within a few days.

The "chat" frame holds only messages the chat import flagged as requests, for
employees whose 聊天记录 consent is in force on the scan date. A private
chat counts its colleague as one receiver; a request posted to a group
counts the group once, however many colleagues are in it.
"""

from dataclasses import dataclass

import polars as pl

from hrguard.risk.engine.errors import ParamOutOfRange
from hrguard.risk.engine.indicators.common import of_employees, within_period
from hrguard.risk.engine.inputs import Period, ScanInput, source_register
from hrguard.risk.engine.registry import indicator, results_finish

CODE = "colleague_borrowing"
SOURCE = "chat"
MAX_WINDOW_DAYS = 366
DATE_FORMAT = "%Y-%m-%d"

CHAT_SCHEMA: dict[str, pl.DataType] = {
    "employee_no": pl.String(),
    # Asia/Shanghai wall-clock time of the request.
    "sent_at": pl.Datetime("us"),
    # What counts as one receiver: a colleague's pseudonym, or one key per group chat.
    "receiver": pl.String(),
    # Pseudonyms (员工-XXXX) of the colleagues who received the request, never names or 工号.
    # For a group, the loader passes only the first few.
    "receivers": pl.List(pl.String()),
    "in_group": pl.Boolean(),
    # Colleagues in the group who received the request; 0 for a private chat.
    "group_size": pl.Int32(),
    # The amount asked, integer fen; null when the message names none.
    "amount_fen": pl.Int64(),
}
source_register(SOURCE, CHAT_SCHEMA)


@dataclass(frozen=True)
class ColleagueBorrowingParams:
    window_days: int
    receivers_min: int

    def __post_init__(self) -> None:
        if not 1 <= self.window_days <= MAX_WINDOW_DAYS:
            raise ParamOutOfRange("window_days", f"must be between 1 and {MAX_WINDOW_DAYS}")
        if self.receivers_min < 1:
            raise ParamOutOfRange("receivers_min", "must be at least 1")


def request_windows(requests: pl.DataFrame, window_days: int) -> pl.DataFrame:
    """Return one row per (employee, request time): the requests of the window_days ending then.

    A window ending at time t holds the requests sent after t − window_days and
    up to t, so every window that can hold the most receivers is among these.
    """
    ends = requests.select("employee_no", window_end=pl.col("sent_at")).unique()
    in_window = ends.join(requests, on="employee_no").filter(
        pl.col("sent_at") <= pl.col("window_end"),
        pl.col("sent_at") > pl.col("window_end") - pl.duration(days=window_days),
    )
    return in_window.group_by("employee_no", "window_end").agg(
        receiver_count=pl.col("receiver").n_unique(),
        total_fen=pl.col("amount_fen").sum(),
        window_start=pl.col("sent_at").min().dt.strftime(DATE_FORMAT),
        requests=pl.struct(
            pl.col("sent_at").dt.strftime(DATE_FORMAT).alias("date"),
            "receivers",
            "in_group",
            "group_size",
            "amount_fen",
        ).sort_by(pl.col("sent_at")),
    )


@indicator(CODE, params=ColleagueBorrowingParams, sources=(SOURCE,), scope=SOURCE)
def colleague_borrowing(
    inputs: ScanInput, period: Period, params: ColleagueBorrowingParams
) -> pl.DataFrame:
    """Flag an employee who asked ≥ receivers_min receivers for money within window_days."""
    employees = inputs.employees_in_scope(SOURCE)
    requests = within_period(of_employees(inputs.frame(SOURCE), employees), "sent_at", period)

    # The busiest window; among equally busy ones the latest.
    busiest = (
        request_windows(requests, params.window_days)
        .sort("employee_no", "receiver_count", "window_end", descending=[False, True, True])
        .group_by("employee_no", maintain_order=True)
        .first()
    )
    results = (
        employees.join(busiest, on="employee_no", how="left")
        .with_columns(pl.col("receiver_count").fill_null(0), pl.col("total_fen").fill_null(0))
        .with_columns(hit=pl.col("receiver_count") >= params.receivers_min)
    )
    return results_finish(
        results,
        CODE,
        [
            pl.col("receiver_count"),
            pl.col("total_fen"),
            pl.col("window_start"),
            pl.col("window_end").dt.strftime(DATE_FORMAT),
            pl.col("requests").fill_null([]),
            pl.lit(params.window_days).alias("window_days"),
            pl.lit(params.receivers_min).alias("receivers_min"),
        ],
    )
