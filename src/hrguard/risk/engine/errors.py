"""Errors raised by the risk engine.

The engine imports no Django, so these carry a stable `problem` code and the
values involved; hrguard.risk.services turns them into translated messages.
"""


class EngineError(Exception):
    """Base class for failures of the risk engine."""


class InputInvalid(EngineError):
    """A frame handed to the engine lacks a column or has a column of the wrong type."""


class RuleSetInvalid(EngineError):
    """A rule-set or catalogue file cannot be used.

    `problem` is one of: unreadable, syntax, missing, wrong_type, unknown_key,
    unknown_indicator, out_of_range, catalogue_version.
    """

    def __init__(self, *, source: str, problem: str, key: str = "", detail: str = "") -> None:
        self.source = source
        self.problem = problem
        self.key = key
        self.detail = detail
        location = f"{source}: {key}" if key else source
        super().__init__(f"{location}: {problem}{': ' + detail if detail else ''}")


class ParamOutOfRange(ValueError):
    """A rule-set parameter has a value outside its allowed range.

    Raised by a parameter dataclass's `__post_init__` or an indicator's
    `prepare` hook; the loader reports it as RuleSetInvalid(problem="out_of_range").
    """

    def __init__(self, key: str, detail: str) -> None:
        self.key = key
        self.detail = detail
        super().__init__(f"{key}: {detail}")
