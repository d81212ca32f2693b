"""The indicator registry: each indicator is a function registered under its code.

A module adds an indicator with the `indicator` decorator and names it in
INDICATOR_MODULES, so the rule-set loader imports it before looking codes up.
The rule set then needs a `[indicators.<code>]` table with the parameters.

Every compute function returns one row per evaluated employee with the columns
of RESULT_SCHEMA; `evidence` is JSON text of a dict that hrguard.risk.explain
turns into sentences.
"""

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from hrguard.risk.engine.inputs import Period, ScanInput

RESULT_SCHEMA: dict[str, pl.DataType] = {
    "employee_no": pl.String(),
    "code": pl.String(),
    "hit": pl.Boolean(),
    # 0 for a miss, 1 for a hit. The built-in indicators do not grade hits further.
    "severity": pl.Int16(),
    "evidence": pl.String(),
}

# Modules that register indicators. Add a module here to make its codes usable in rule sets.
INDICATOR_MODULES: list[str] = [
    "hrguard.risk.engine.indicators.spending",
    "hrguard.risk.engine.indicators.lending",
    "hrguard.risk.engine.indicators.gambling",
    "hrguard.risk.engine.indicators.leave",
    "hrguard.risk.engine.indicators.reimbursement",
    "hrguard.risk.engine.indicators.chat",
    "hrguard.risk.engine.indicators.collector_contact",
]


@dataclass(frozen=True)
class LoadContext:
    """The catalogue folder and window length a `prepare` hook may use."""

    catalogue_dir: Path
    window_months: int


ComputeFunction = Callable[[ScanInput, Period, Any], pl.DataFrame]
PrepareFunction = Callable[[Any, LoadContext], Any]


@dataclass(frozen=True)
class Indicator:
    """A registered indicator.

    `params_type` is a dataclass whose fields are the indicator's rule-set
    parameters. `prepare`, when given, turns the parsed parameters into the
    object handed to `compute`, for example by loading a catalogue. It runs
    when the rule set loads, so a bad catalogue fails before any scan.
    `scope` names the consent-bound source that limits the employees evaluated.
    """

    code: str
    compute: ComputeFunction
    params_type: type
    sources: tuple[str, ...]
    scope: str | None = None
    prepare: PrepareFunction | None = None


_REGISTRY: dict[str, Indicator] = {}


def indicator(
    code: str,
    *,
    params: type,
    sources: tuple[str, ...],
    scope: str | None = None,
    prepare: PrepareFunction | None = None,
) -> Callable[[ComputeFunction], ComputeFunction]:
    """Register the decorated function as the compute function of indicator `code`."""

    def register(compute: ComputeFunction) -> ComputeFunction:
        existing = _REGISTRY.get(code)
        if existing is not None and existing.compute is not compute:
            raise ValueError(f"indicator {code!r} is already registered by {existing.compute!r}")
        _REGISTRY[code] = Indicator(
            code=code,
            compute=compute,
            params_type=params,
            sources=sources,
            scope=scope,
            prepare=prepare,
        )
        return compute

    return register


def indicators_load() -> dict[str, Indicator]:
    """Import every module in INDICATOR_MODULES and return the registry by code."""
    for module in INDICATOR_MODULES:
        importlib.import_module(module)
    return dict(_REGISTRY)


def result_frame(rows: pl.DataFrame) -> pl.DataFrame:
    """Select and cast the result columns, so every indicator returns the same schema."""
    return rows.select(pl.col(name).cast(dtype) for name, dtype in RESULT_SCHEMA.items())


def evidence_json(*fields: pl.Expr) -> pl.Expr:
    """Encode the given named expressions as one JSON object per row."""
    return pl.struct(*fields).struct.json_encode().alias("evidence")


def results_finish(rows: pl.DataFrame, code: str, evidence: list[pl.Expr]) -> pl.DataFrame:
    """Turn rows with employee_no and hit into results: severity 1 for a hit, 0 for a miss."""
    return result_frame(
        rows.with_columns(
            code=pl.lit(code),
            severity=pl.col("hit").cast(pl.Int16()),
            evidence=evidence_json(*evidence),
        )
    )
