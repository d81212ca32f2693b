"""Load and validate a rule-set file (TOML).

A rule set is the whole configuration of a scan: its version, the window, the
level thresholds and one table per indicator with every threshold. A scan
records the file's text and SHA-256, so the same file always gives the same
alerts for the same data.
"""

import dataclasses
import datetime
import hashlib
import tomllib
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hrguard.risk.engine.errors import ParamOutOfRange, RuleSetInvalid
from hrguard.risk.engine.registry import Indicator, LoadContext, indicators_load

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_RULE_SET = PACKAGE_DIR / "rulesets" / "default.toml"
CATALOGUE_DIR = PACKAGE_DIR / "catalogues"

MAX_VERSION_LENGTH = 50
WINDOW_MONTHS_RANGE = (2, 24)
_TOP_LEVEL_KEYS = {"version", "updated", "window_months", "levels", "indicators"}
_LEVELS = ("watch", "medium", "high")


@dataclass(frozen=True)
class LevelThresholds:
    """Minimum number of distinct indicators hit for each alert level."""

    watch: int
    medium: int
    high: int

    def level_for(self, hit_count: int) -> str | None:
        """Return "high", "medium", "watch", or None when `hit_count` reaches no level."""
        if hit_count >= self.high:
            return "high"
        if hit_count >= self.medium:
            return "medium"
        if hit_count >= self.watch:
            return "watch"
        return None


@dataclass(frozen=True)
class ConfiguredIndicator:
    indicator: Indicator
    params: Any
    # The object handed to compute: the output of `prepare`, or `params` itself.
    config: Any


@dataclass(frozen=True)
class RuleSetConfig:
    version: str
    updated: datetime.date
    window_months: int
    levels: LevelThresholds
    # Enabled indicators only, in file order.
    indicators: dict[str, ConfiguredIndicator]
    text: str
    sha256: str


def rule_set_load(
    path: Path = DEFAULT_RULE_SET, *, catalogue_dir: Path = CATALOGUE_DIR
) -> RuleSetConfig:
    """Read and validate the rule-set file at `path`."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise RuleSetInvalid(source=str(path), problem="unreadable", detail=str(error)) from error
    return rule_set_parse(text, source=str(path), catalogue_dir=catalogue_dir)


def rule_set_parse(text: str, *, source: str, catalogue_dir: Path = CATALOGUE_DIR) -> RuleSetConfig:
    """Validate rule-set `text`; `source` names it in errors."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise RuleSetInvalid(source=source, problem="syntax", detail=str(error)) from error

    _reject_unknown_keys(document, _TOP_LEVEL_KEYS, source=source, prefix="")
    version = _require(document, "version", str, source=source)
    if not version.strip() or len(version) > MAX_VERSION_LENGTH:
        raise RuleSetInvalid(
            source=source,
            problem="out_of_range",
            key="version",
            detail=f"must be 1 to {MAX_VERSION_LENGTH} characters",
        )
    updated = _require(document, "updated", datetime.date, source=source)
    window_months = _require(document, "window_months", int, source=source)
    low, high = WINDOW_MONTHS_RANGE
    if not low <= window_months <= high:
        raise RuleSetInvalid(
            source=source,
            problem="out_of_range",
            key="window_months",
            detail=f"{window_months} is not between {low} and {high}",
        )

    levels = _parse_levels(_require(document, "levels", dict, source=source), source=source)
    context = LoadContext(catalogue_dir=catalogue_dir, window_months=window_months)
    indicators = _parse_indicators(
        _require(document, "indicators", dict, source=source), context, source=source
    )
    return RuleSetConfig(
        version=version,
        updated=updated,
        window_months=window_months,
        levels=levels,
        indicators=indicators,
        text=text,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )


def _parse_levels(table: dict[str, Any], *, source: str) -> LevelThresholds:
    _reject_unknown_keys(table, set(_LEVELS), source=source, prefix="levels.")
    counts = [_require(table, name, int, source=source, prefix="levels.") for name in _LEVELS]
    if not 1 <= counts[0] < counts[1] < counts[2]:
        raise RuleSetInvalid(
            source=source,
            problem="out_of_range",
            key="levels",
            detail="watch, medium and high must be increasing and at least 1",
        )
    return LevelThresholds(*counts)


def _parse_indicators(
    tables: dict[str, Any], context: LoadContext, *, source: str
) -> dict[str, ConfiguredIndicator]:
    registry = indicators_load()
    configured: dict[str, ConfiguredIndicator] = {}
    for code, table in tables.items():
        prefix = f"indicators.{code}."
        indicator = registry.get(code)
        if indicator is None:
            raise RuleSetInvalid(
                source=source,
                problem="unknown_indicator",
                key=f"indicators.{code}",
                detail=f"registered indicators: {', '.join(sorted(registry))}",
            )
        if not isinstance(table, dict):
            raise RuleSetInvalid(
                source=source,
                problem="wrong_type",
                key=f"indicators.{code}",
                detail="expected a table",
            )

        values = dict(table)
        enabled = values.pop("enabled", True)
        if not isinstance(enabled, bool):
            raise RuleSetInvalid(
                source=source,
                problem="wrong_type",
                key=prefix + "enabled",
                detail="expected true or false",
            )
        params = _build_params(indicator.params_type, values, source=source, prefix=prefix)
        if not enabled:
            continue
        try:
            config = indicator.prepare(params, context) if indicator.prepare else params
        except ParamOutOfRange as error:
            raise RuleSetInvalid(
                source=source, problem="out_of_range", key=prefix + error.key, detail=error.detail
            ) from error
        configured[code] = ConfiguredIndicator(indicator=indicator, params=params, config=config)
    return configured


def _build_params(params_type: type, values: dict[str, Any], *, source: str, prefix: str) -> Any:
    """Build the parameter dataclass from a TOML table, checking names and types."""
    hints = typing.get_type_hints(params_type)
    names = [field.name for field in dataclasses.fields(params_type)]
    _reject_unknown_keys(values, set(names), source=source, prefix=prefix)

    arguments = {
        name: _require(values, name, hints[name], source=source, prefix=prefix) for name in names
    }
    try:
        return params_type(**arguments)
    except ParamOutOfRange as error:
        raise RuleSetInvalid(
            source=source, problem="out_of_range", key=prefix + error.key, detail=error.detail
        ) from error


def _require(
    table: dict[str, Any], name: str, expected: Any, *, source: str, prefix: str = ""
) -> Any:
    """Return table[name] converted to `expected`, or raise a RuleSetInvalid naming the key."""
    key = prefix + name
    if name not in table:
        raise RuleSetInvalid(source=source, problem="missing", key=key)
    value = table[name]
    converted = _convert(value, expected)
    if converted is _WRONG:
        raise RuleSetInvalid(
            source=source,
            problem="wrong_type",
            key=key,
            detail=f"expected {_type_name(expected)}, got {value!r}",
        )
    return converted


_WRONG = object()


def _convert(value: Any, expected: Any) -> Any:
    origin = typing.get_origin(expected)
    if origin in (tuple, list):
        item_type = typing.get_args(expected)[0]
        if not isinstance(value, list):
            return _WRONG
        items = [_convert(item, item_type) for item in value]
        return _WRONG if any(item is _WRONG for item in items) else tuple(items)
    if expected is bool:
        return value if isinstance(value, bool) else _WRONG
    if expected is int:
        return value if isinstance(value, int) and not isinstance(value, bool) else _WRONG
    if expected is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return _WRONG
        return float(value)
    if expected is datetime.date:
        # TOML has local dates (2026-12-04) and datetimes; only a plain date is accepted.
        is_date = isinstance(value, datetime.date) and not isinstance(value, datetime.datetime)
        return value if is_date else _WRONG
    if isinstance(expected, type):
        return value if isinstance(value, expected) else _WRONG
    raise TypeError(f"unsupported parameter type {expected!r}")


def _type_name(expected: Any) -> str:
    if typing.get_origin(expected) in (tuple, list):
        return f"a list of {_type_name(typing.get_args(expected)[0])}"
    names = {
        bool: "true or false",
        int: "an integer",
        float: "a number",
        str: "a string",
        dict: "a table",
        datetime.date: "a date (YYYY-MM-DD)",
    }
    if isinstance(expected, types.GenericAlias):
        return str(expected)
    return names.get(expected, getattr(expected, "__name__", str(expected)))


def _reject_unknown_keys(
    table: dict[str, Any], allowed: set[str], *, source: str, prefix: str
) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise RuleSetInvalid(
            source=source,
            problem="unknown_key",
            key=prefix + unknown[0],
            detail=f"allowed keys: {', '.join(sorted(allowed))}",
        )
