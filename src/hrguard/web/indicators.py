"""Indicator labels and evidence sentences for pages, from hrguard.risk.explain."""

import logging
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from hrguard.risk.explain import describe_result, indicator_label

logger = logging.getLogger(__name__)

__all__ = ["describe_result", "evidence_sentences", "indicator_label"]


def evidence_sentences(code: str, evidence: dict[str, Any], *, result_id: int) -> list[str]:
    """Return the sentences that explain a stored result, or its raw values as a last resort.

    Evidence stored by an earlier engine version can lack a field that today's
    describer reads. The page then shows the stored values instead of failing.
    """
    try:
        return describe_result(code, evidence)
    except (KeyError, TypeError, ValueError) as error:
        logger.warning(
            "Evidence of indicator result %s (%s) could not be described: %r",
            result_id,
            code,
            error,
            extra={"result_id": result_id, "code": code},
        )
        return raw_evidence_lines(evidence)


def raw_evidence_lines(evidence: Mapping[str, Any]) -> list[str]:
    """Return one "key：value" line per evidence field, numbers grouped by thousands."""
    return [f"{key}：{_format_value(value)}" for key, value in sorted(evidence.items())]


def _format_value(value: Any) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal):
        return f"{value:,}"
    if isinstance(value, list):
        return "；".join(_format_value(item) for item in value)
    if isinstance(value, dict):
        return "，".join(f"{key} {_format_value(item)}" for key, item in value.items())
    return str(value)
