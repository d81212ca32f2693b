"""The risk engine: indicators over polars frames, rule sets and scoring. Imports no Django."""

from hrguard.risk.engine.errors import EngineError, InputInvalid, ParamOutOfRange, RuleSetInvalid
from hrguard.risk.engine.inputs import (
    SOURCE_SCHEMAS,
    Period,
    ScanInput,
    empty_frame,
    scan_input,
    source_register,
)
from hrguard.risk.engine.registry import (
    INDICATOR_MODULES,
    RESULT_SCHEMA,
    Indicator,
    LoadContext,
    indicator,
    indicators_load,
)
from hrguard.risk.engine.ruleset import (
    DEFAULT_RULE_SET,
    LevelThresholds,
    RuleSetConfig,
    rule_set_load,
    rule_set_parse,
)
from hrguard.risk.engine.scan import ScanOutcome, levels_score, scan_evaluate

__all__ = [
    "DEFAULT_RULE_SET",
    "INDICATOR_MODULES",
    "RESULT_SCHEMA",
    "SOURCE_SCHEMAS",
    "EngineError",
    "Indicator",
    "InputInvalid",
    "LevelThresholds",
    "LoadContext",
    "ParamOutOfRange",
    "Period",
    "RuleSetConfig",
    "RuleSetInvalid",
    "ScanInput",
    "ScanOutcome",
    "empty_frame",
    "indicator",
    "indicators_load",
    "levels_score",
    "rule_set_load",
    "rule_set_parse",
    "scan_evaluate",
    "scan_input",
    "source_register",
]
