"""Indicator labels and evidence sentences for pages, from hrguard.risk.explain."""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

try:
    from hrguard.risk.explain import describe_result, indicator_label
except ImportError:
    # TODO: remove this fallback once hrguard.risk.explain is merged.
    _FALLBACK_LABELS = {
        "spend_income_ratio": _("消费收入比"),
        "loan_platforms": _("多头借贷"),
        "gambling_spend": _("赌博类消费"),
        "colleague_borrowing": _("向同事借钱"),
        "leave_spike": _("请假异常"),
        "salary_advance": _("预支工资"),
        "collector_contact": _("催收骚扰"),
        "court_enforcement": _("法院协助执行"),
        "credit_overdue": _("征信逾期"),
        "reimbursement_spike": _("报销异常"),
    }

    def indicator_label(code: str) -> str:
        return str(_FALLBACK_LABELS.get(code, code))

    def describe_result(code: str, evidence: Mapping[str, Any]) -> list[str]:
        return [f"{key}：{_format_value(value)}" for key, value in evidence.items()]

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


__all__ = ["describe_result", "indicator_label"]
