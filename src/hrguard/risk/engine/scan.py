"""Run the indicators of a rule set over a ScanInput and stack their hits into levels."""

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from hrguard.risk.engine.errors import EngineError
from hrguard.risk.engine.inputs import Period, ScanInput
from hrguard.risk.engine.registry import RESULT_SCHEMA
from hrguard.risk.engine.ruleset import LevelThresholds, RuleSetConfig

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ScanOutcome:
    period: Period
    # One row per evaluated (employee, indicator), hits and misses, in RESULT_SCHEMA.
    results: pl.DataFrame
    # One row per employee with at least one hit: employee_no, indicators (sorted codes),
    # hit_count and level ("watch", "medium", "high").
    scores: pl.DataFrame


def scan_evaluate(
    inputs: ScanInput,
    rule_set: RuleSetConfig,
    *,
    as_of: datetime.date,
    on_indicator_done: Callable[[str], None] | None = None,
) -> ScanOutcome:
    """Compute every enabled indicator for the window ending on `as_of` and score the hits."""
    period = Period.ending_on(as_of, rule_set.window_months)
    frames = []
    for code, configured in rule_set.indicators.items():
        for source in configured.indicator.sources:
            inputs.frame(source)
        result = configured.indicator.compute(inputs, period, configured.config)
        _result_check(code, result)
        logger.debug(
            "indicator %s: %d evaluated, %d hits", code, result.height, result["hit"].sum()
        )
        frames.append(result)
        if on_indicator_done is not None:
            on_indicator_done(code)

    results = pl.concat(frames) if frames else pl.DataFrame(schema=RESULT_SCHEMA)
    return ScanOutcome(
        period=period, results=results, scores=levels_score(results, rule_set.levels)
    )


def levels_score(results: pl.DataFrame, levels: LevelThresholds) -> pl.DataFrame:
    """Count the distinct indicators each employee hits and map the count to a level.

    Levels stack by kind of evidence: two hits of one indicator are one hit.
    """
    scores = (
        results.filter(pl.col("hit"))
        .group_by("employee_no")
        .agg(indicators=pl.col("code").unique().sort())
        .with_columns(hit_count=pl.col("indicators").list.len())
        .sort("employee_no")
    )
    level = (
        pl.when(pl.col("hit_count") >= levels.high)
        .then(pl.lit("high"))
        .when(pl.col("hit_count") >= levels.medium)
        .then(pl.lit("medium"))
        .when(pl.col("hit_count") >= levels.watch)
        .then(pl.lit("watch"))
    )
    return scores.with_columns(level=level).filter(pl.col("level").is_not_null())


def _result_check(code: str, result: pl.DataFrame) -> None:
    if dict(result.schema) != RESULT_SCHEMA:
        raise EngineError(
            f"indicator {code} returned columns {result.schema}, expected {RESULT_SCHEMA}"
        )
    if result["employee_no"].is_duplicated().any():
        raise EngineError(f"indicator {code} returned more than one row for an employee")
    if result["code"].ne(code).any():
        raise EngineError(f"indicator {code} returned rows with another code")
