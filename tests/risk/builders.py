"""Build engine input frames for risk tests; money is given in yuan and stored in fen."""

import dataclasses
import datetime
import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import polars as pl

from hrguard.risk.engine import Period, ScanInput, rule_set_load, scan_input
from hrguard.risk.engine.inputs import SOURCE_SCHEMAS

AS_OF = datetime.date(2026, 7, 31)
# Version of the shipped default rule set, which scans in these tests use.
RULE_SET_VERSION = rule_set_load().version
# The six window months of AS_OF, oldest first: 2026-02 … 2026-07.
MONTHS = Period.ending_on(AS_OF, 6).months


def fen(yuan: str | int) -> int:
    return int(Decimal(str(yuan)) * 100)


def payment(
    employee_no: str,
    day: datetime.date,
    yuan: str | int,
    *,
    direction: str = "expense",
    succeeded: bool = True,
    counterparty: str = "某商户",
    description: str = "商品",
    category: str = "日用百货",
) -> dict[str, Any]:
    return {
        "employee_no": employee_no,
        "occurred_at": datetime.datetime.combine(day, datetime.time(12, 0)),
        "direction": direction,
        "amount_fen": fen(yuan),
        "succeeded": succeeded,
        "counterparty": counterparty,
        "description": description,
        "category": category,
    }


def payroll_row(employee_no: str, month: datetime.date, yuan: str | int) -> dict[str, Any]:
    return {"employee_no": employee_no, "month": month, "net_pay_fen": fen(yuan)}


def leave_row(employee_no: str, day: datetime.date, leave_type: str, days: float) -> dict[str, Any]:
    return {"employee_no": employee_no, "date": day, "leave_type": leave_type, "days": days}


def claim(
    employee_no: str, day: datetime.date, yuan: str | int, department: str = "销售部"
) -> dict[str, Any]:
    return {
        "employee_no": employee_no,
        "department": department,
        "date": day,
        "amount_fen": fen(yuan),
    }


def frame(source: str, rows: list[dict[str, Any]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=SOURCE_SCHEMAS[source])


def engine_input(
    employees: list[str],
    *,
    payments: Sequence[dict[str, Any]] = (),
    payroll: Sequence[dict[str, Any]] = (),
    leave: Sequence[dict[str, Any]] = (),
    reimbursements: Sequence[dict[str, Any]] = (),
    payment_scope: set[str] | None = None,
) -> ScanInput:
    """Build a ScanInput; payment_scope None means every employee consented to payments."""
    scope = frozenset(employees if payment_scope is None else payment_scope)
    given = {
        "payments": list(payments),
        "payroll": list(payroll),
        "leave": list(leave),
        "reimbursements": list(reimbursements),
    }
    # Sources other modules register (such as chat) are present and empty.
    sources = [source for source in SOURCE_SCHEMAS if source != "employees"]
    return scan_input(
        employees=pl.DataFrame({"employee_no": employees}, schema={"employee_no": pl.String()}),
        frames={source: frame(source, given.get(source, [])) for source in sources},
        scopes={"payments": scope},
    )


def indicator_run(
    code: str, inputs: ScanInput, as_of: datetime.date = AS_OF, **overrides: Any
) -> dict[str, dict[str, Any]]:
    """Run one indicator of the default rule set, with parameters replaced by `overrides`.

    Returns {employee_no: {"hit": bool, "severity": int, "evidence": dict}}.
    """
    configured = rule_set_load().indicators[code]
    config = configured.config
    if overrides:
        if dataclasses.is_dataclass(config) and hasattr(config, "params"):
            config = dataclasses.replace(
                config, params=dataclasses.replace(config.params, **overrides)
            )
        else:
            config = dataclasses.replace(config, **overrides)
    result = configured.indicator.compute(inputs, Period.ending_on(as_of, 6), config)
    return {
        row["employee_no"]: {
            "hit": row["hit"],
            "severity": row["severity"],
            "evidence": json.loads(row["evidence"]),
        }
        for row in result.iter_rows(named=True)
    }
