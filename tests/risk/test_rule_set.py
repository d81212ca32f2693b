"""Loading and validating rule-set and catalogue files."""

import hashlib
import shutil
from pathlib import Path

import pytest

from hrguard.risk.engine import DEFAULT_RULE_SET, RuleSetInvalid, rule_set_load, rule_set_parse
from hrguard.risk.engine.ruleset import CATALOGUE_DIR

DEFAULT_TEXT = DEFAULT_RULE_SET.read_text(encoding="utf-8")


def _parse_changed(old: str, new: str, *, catalogue_dir: Path = CATALOGUE_DIR) -> RuleSetInvalid:
    assert old in DEFAULT_TEXT
    with pytest.raises(RuleSetInvalid) as caught:
        rule_set_parse(
            DEFAULT_TEXT.replace(old, new, 1), source="test.toml", catalogue_dir=catalogue_dir
        )
    return caught.value


def test_rule_set_default_loads() -> None:
    rule_set = rule_set_load()

    assert rule_set.version == "2026.12.3"
    assert rule_set.window_months == 6
    assert list(rule_set.indicators) == [
        "spend_income_ratio",
        "loan_platforms",
        "gambling_spend",
        "leave_spike",
        "reimbursement_spike",
        "colleague_borrowing",
        "collector_contact",
    ]
    assert rule_set.sha256 == hashlib.sha256(DEFAULT_RULE_SET.read_bytes()).hexdigest()
    assert rule_set.indicators["spend_income_ratio"].params.ratio_min == 1.5


def test_rule_set_syntax_error_rejected() -> None:
    error = _parse_changed('version = "2026.12.3"', 'version = "2026.12.1')

    assert error.problem == "syntax"
    assert error.source == "test.toml"


def test_rule_set_missing_version_rejected() -> None:
    error = _parse_changed('version = "2026.12.3"', "")

    assert (error.problem, error.key) == ("missing", "version")


def test_rule_set_missing_parameter_rejected() -> None:
    error = _parse_changed("platforms_min = 3", "")

    assert (error.problem, error.key) == ("missing", "indicators.loan_platforms.platforms_min")


def test_rule_set_wrong_type_rejected() -> None:
    error = _parse_changed("ratio_min = 1.5", 'ratio_min = "1.5"')

    assert (error.problem, error.key) == ("wrong_type", "indicators.spend_income_ratio.ratio_min")
    assert error.detail == "expected a number, got '1.5'"


def test_rule_set_integer_accepted_for_number() -> None:
    rule_set = rule_set_parse(
        DEFAULT_TEXT.replace("ratio_min = 1.5", "ratio_min = 2"), source="test.toml"
    )

    assert rule_set.indicators["spend_income_ratio"].params.ratio_min == 2.0


def test_rule_set_unknown_parameter_rejected() -> None:
    error = _parse_changed("platforms_min = 3", "platforms_min = 3\nplatform_min = 3")

    assert (error.problem, error.key) == ("unknown_key", "indicators.loan_platforms.platform_min")


def test_rule_set_unknown_indicator_rejected() -> None:
    error = _parse_changed("[indicators.leave_spike]", "[indicators.leave_spikes]")

    assert (error.problem, error.key) == ("unknown_indicator", "indicators.leave_spikes")


def test_rule_set_levels_not_increasing_rejected() -> None:
    error = _parse_changed("high = 3", "high = 2")

    assert (error.problem, error.key) == ("out_of_range", "levels")


def test_rule_set_window_out_of_range_rejected() -> None:
    error = _parse_changed("window_months = 6", "window_months = 30")

    assert (error.problem, error.key) == ("out_of_range", "window_months")


def test_rule_set_protected_leave_type_rejected() -> None:
    error = _parse_changed('counted_types = ["事假", "旷工"]', 'counted_types = ["事假", "病假"]')

    assert (error.problem, error.key) == ("out_of_range", "indicators.leave_spike.counted_types")
    assert error.detail == "protected leave must never count: 病假"


def test_rule_set_baseline_longer_than_window_rejected() -> None:
    error = _parse_changed("window_months = 6", "window_months = 4")

    assert (error.problem, error.key) == ("out_of_range", "indicators.leave_spike.baseline_months")


def test_rule_set_catalogue_version_mismatch_rejected() -> None:
    error = _parse_changed('catalogue_version = "2026.12.1"', 'catalogue_version = "2025.1.1"')

    assert error.problem == "catalogue_version"
    assert error.detail == "the rule set expects 2025.1.1, the file has 2026.12.1"


def test_rule_set_catalogue_outside_folder_rejected() -> None:
    error = _parse_changed(
        'catalogue = "loan_platforms.toml"', 'catalogue = "../rulesets/default.toml"'
    )

    assert (error.problem, error.key) == ("out_of_range", "indicators.loan_platforms.catalogue")


def test_rule_set_broken_catalogue_rejected(tmp_path: Path) -> None:
    shutil.copy(CATALOGUE_DIR / "gambling_merchants.toml", tmp_path)
    (tmp_path / "loan_platforms.toml").write_text(
        'version = "2026.12.1"\n[[platform]]\nname = "x"\n', encoding="utf-8"
    )

    error = _parse_changed("platforms_min = 3", "platforms_min = 3", catalogue_dir=tmp_path)

    assert (error.problem, error.key) == ("wrong_type", "platform[0].aliases")
    assert error.source == str(tmp_path / "loan_platforms.toml")


def test_rule_set_disabled_indicator_skipped() -> None:
    start = DEFAULT_TEXT.index("[indicators.gambling_spend]")
    text = DEFAULT_TEXT[:start] + DEFAULT_TEXT[start:].replace(
        "enabled = true", "enabled = false", 1
    )

    rule_set = rule_set_parse(text, source="test.toml")

    assert "gambling_spend" not in rule_set.indicators


def test_rule_set_unreadable_file_rejected(tmp_path: Path) -> None:
    with pytest.raises(RuleSetInvalid) as caught:
        rule_set_load(tmp_path / "missing.toml")

    assert caught.value.problem == "unreadable"
