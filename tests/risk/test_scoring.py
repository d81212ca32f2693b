"""Stacking distinct indicator hits into alert levels."""

import polars as pl

from hrguard.risk.engine import RESULT_SCHEMA, LevelThresholds, levels_score

LEVELS = LevelThresholds(watch=1, medium=2, high=3)


def _results(hits: dict[str, list[str]], misses: dict[str, list[str]]) -> pl.DataFrame:
    rows = [
        {"employee_no": number, "code": code, "hit": hit, "severity": int(hit), "evidence": "{}"}
        for source, hit in ((hits, True), (misses, False))
        for number, codes in source.items()
        for code in codes
    ]
    return pl.DataFrame(rows, schema=RESULT_SCHEMA)


def test_levels_score_stacks_distinct_indicators() -> None:
    results = _results(
        hits={
            "E1": ["leave_spike"],
            "E2": ["leave_spike", "loan_platforms"],
            "E3": ["leave_spike", "loan_platforms", "gambling_spend"],
            "E4": ["leave_spike", "loan_platforms", "gambling_spend", "spend_income_ratio"],
        },
        misses={"E1": ["loan_platforms"], "E5": ["leave_spike", "loan_platforms"]},
    )

    scores = levels_score(results, LEVELS)

    assert scores.select("employee_no", "hit_count", "level").rows() == [
        ("E1", 1, "watch"),
        ("E2", 2, "medium"),
        ("E3", 3, "high"),
        ("E4", 4, "high"),
    ]
    assert scores["indicators"].to_list()[1] == ["leave_spike", "loan_platforms"]


def test_levels_score_uses_rule_set_thresholds() -> None:
    results = _results(
        hits={"E1": ["leave_spike"], "E2": ["leave_spike", "loan_platforms"]}, misses={}
    )

    scores = levels_score(results, LevelThresholds(watch=2, medium=3, high=4))

    assert scores.select("employee_no", "level").rows() == [("E2", "watch")]


def test_level_thresholds_level_for() -> None:
    assert [LEVELS.level_for(count) for count in range(5)] == [
        None,
        "watch",
        "medium",
        "high",
        "high",
    ]
