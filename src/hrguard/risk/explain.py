"""Chinese names of indicators and readable sentences from their stored evidence.

Evidence is the JSON dict an indicator computed in hrguard.risk.engine. Each
describer turns it into sentences with the numbers, months and sources,
so a person can check an alert without reading code. Another module adds its
indicator's wording with `describer_register`.
"""

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext, gettext_lazy

from hrguard.core.money import fen_to_yuan

Describer = Callable[[dict[str, Any]], list[str]]

_LABELS: dict[str, Any] = {
    "spend_income_ratio": gettext_lazy("消费收入比"),
    "loan_platforms": gettext_lazy("多头借贷"),
    "gambling_spend": gettext_lazy("博彩消费"),
    "leave_spike": gettext_lazy("请假激增"),
    "reimbursement_spike": gettext_lazy("报销异常"),
    "colleague_borrowing": gettext_lazy("向同事借钱"),
    "salary_advance": gettext_lazy("预支工资"),
    "collector_contact": gettext_lazy("催收联系"),
    "court_enforcement": gettext_lazy("法院协助执行"),
    "credit_overdue": gettext_lazy("征信逾期"),
}
_DESCRIBERS: dict[str, Describer] = {}


def describer_register(code: str, label: Any, describe: Describer) -> None:
    """Set the Chinese label and the evidence describer of indicator `code`."""
    _LABELS[code] = label
    _DESCRIBERS[code] = describe


def indicator_label(code: str) -> str:
    """Return the Chinese name of an indicator, or the code itself when it has none."""
    label = _LABELS.get(code)
    return str(label) if label is not None else code


def describe_result(code: str, evidence: dict[str, Any]) -> list[str]:
    """Return sentences that explain one indicator result from its evidence."""
    describe = _DESCRIBERS.get(code)
    if describe is None:
        return [f"{key}: {value}" for key, value in sorted(evidence.items())]
    return describe(evidence)


def yuan_text(fen: int | None) -> str:
    """Format fen as yuan with thousands separators: 1200000 → "12,000.00"."""
    amount = fen_to_yuan(int(fen or 0))
    return f"{amount:,.2f}"


def month_text(label: str | None) -> str:
    """Format an evidence month "2026-07" as "2026年7月"."""
    if not label:
        return ""
    month = datetime.date.fromisoformat(f"{label}-01")
    return gettext("%(year)d年%(month)d月") % {"year": month.year, "month": month.month}


def number_text(value: float | int | None) -> str:
    """Format a count of days or a parameter without trailing zeros: 3.0 → "3", 0.5 → "0.5"."""
    if value is None:
        return "-"
    return f"{Decimal(str(value)).normalize():f}"


def _spend_income_ratio(evidence: dict[str, Any]) -> list[str]:
    params = {
        "ratio": number_text(evidence["ratio_min"]),
        "required": evidence["consecutive_months_min"],
        "count": evidence["longest_run"],
    }
    if evidence["longest_run"] >= evidence["consecutive_months_min"]:
        params.update(start=month_text(evidence["run_start"]), end=month_text(evidence["run_end"]))
        lines = [
            gettext(
                "连续 %(count)d 个月消费达到实发工资的 %(ratio)s 倍以上（%(start)s至%(end)s）。"
            )
            % params
        ]
    else:
        lines = [
            gettext(
                "没有连续 %(required)d 个月消费达到实发工资的 %(ratio)s 倍，最长连续 %(count)d 个月。"
            )
            % params
        ]

    for month in evidence["months"]:
        values = {
            "month": month_text(month["month"]),
            "spending": yuan_text(month["spending_fen"]),
        }
        if month["net_pay_fen"] is None:
            lines.append(gettext("%(month)s：消费 %(spending)s 元，没有工资记录。") % values)
            continue
        values.update(net_pay=yuan_text(month["net_pay_fen"]), ratio=f"{month['ratio'] or 0:.2f}")
        lines.append(
            gettext("%(month)s：消费 %(spending)s 元，实发工资 %(net_pay)s 元，比值 %(ratio)s")
            % values
        )

    if evidence["excluded_rows"]:
        lines.append(
            gettext("另有 %(rows)d 笔还款、转账或退款类支出未计入消费。")
            % {"rows": evidence["excluded_rows"]}
        )
    return lines


def _loan_platforms(evidence: dict[str, Any]) -> list[str]:
    params = {
        "count": evidence["max_platforms"],
        "min": evidence["platforms_min"],
        "month": month_text(evidence["peak_month"]),
    }
    if evidence["max_platforms"] == 0:
        lines = [gettext("未发现网贷平台的借款或还款记录。")]
    elif evidence["max_platforms"] >= evidence["platforms_min"]:
        lines = [
            gettext("%(month)s在 %(count)d 个网贷平台有借款或还款记录，达到 %(min)d 个的标准。")
            % params
        ]
    else:
        lines = [
            gettext(
                "单月最多在 %(count)d 个网贷平台有借款或还款记录（%(month)s），未达到 %(min)d 个。"
            )
            % params
        ]

    for month in evidence["months"]:
        platforms = "、".join(
            gettext("%(name)s（%(operator)s）%(rows)d 笔")
            % {"name": item["name"], "operator": item["operator"], "rows": item["rows"]}
            for item in month["platforms"]
        )
        lines.append(
            gettext("%(month)s：%(count)d 个平台：%(platforms)s。")
            % {
                "month": month_text(month["month"]),
                "count": month["platform_count"],
                "platforms": platforms,
            }
        )
    lines.append(
        gettext("网贷平台目录版本 %(version)s。") % {"version": evidence["catalogue_version"]}
    )
    return lines


def _gambling_spend(evidence: dict[str, Any]) -> list[str]:
    params = {
        "rows": evidence["rows"],
        "total": yuan_text(evidence["total_fen"]),
        "floor": yuan_text(evidence["floor_fen"]),
    }
    if evidence["rows"] == 0:
        return [gettext("未发现向彩票或博彩商户的付款。")]
    if evidence["total_fen"] > evidence["floor_fen"]:
        lines = [
            gettext(
                "向彩票或博彩商户付款 %(rows)d 笔，合计 %(total)s 元，超过 %(floor)s 元的下限。"
            )
            % params
        ]
    else:
        lines = [
            gettext(
                "向彩票或博彩商户付款 %(rows)d 笔，合计 %(total)s 元，未超过 %(floor)s 元的下限。"
            )
            % params
        ]

    for merchant in evidence["merchants"]:
        lines.append(
            gettext("%(name)s：%(rows)d 笔，%(amount)s 元")
            % {
                "name": merchant["name"],
                "rows": merchant["rows"],
                "amount": yuan_text(merchant["amount_fen"]),
            }
        )
    for month in evidence["months"]:
        lines.append(
            gettext("%(month)s：%(amount)s 元（%(rows)d 笔）")
            % {
                "month": month_text(month["month"]),
                "amount": yuan_text(month["amount_fen"]),
                "rows": month["rows"],
            }
        )
    return lines


def _leave_spike(evidence: dict[str, Any]) -> list[str]:
    types = "、".join(
        gettext("%(type)s %(days)s 天") % {"type": item["type"], "days": number_text(item["days"])}
        for item in evidence["latest_by_type"]
    )
    month = month_text(evidence["latest_month"])
    if types:
        lines = [
            gettext("%(month)s计入统计的请假与缺勤共 %(days)s 天（%(types)s）。")
            % {"month": month, "days": number_text(evidence["latest_days"]), "types": types}
        ]
    else:
        lines = [gettext("%(month)s没有计入统计的请假或缺勤。") % {"month": month}]

    baseline = evidence["baseline"]
    lines.append(
        gettext(
            "此前 %(count)d 个月平均每月 %(mean)s 天（标准：至少 %(min)s 天，且不低于平均的 %(multiple)s 倍）。"
        )
        % {
            "count": len(baseline),
            "mean": number_text(evidence["baseline_mean_days"]),
            "min": number_text(evidence["min_days"]),
            "multiple": number_text(evidence["multiple_of_baseline"]),
        }
    )
    lines.append(
        gettext("此前各月：%(months)s。")
        % {
            "months": "、".join(
                gettext("%(month)s %(days)s 天")
                % {"month": month_text(item["month"]), "days": number_text(item["days"])}
                for item in baseline
            )
        }
    )
    return lines


def _reimbursement_spike(evidence: dict[str, Any]) -> list[str]:
    lines = [
        gettext("%(month)s报销合计 %(amount)s 元。")
        % {
            "month": month_text(evidence["latest_month"]),
            "amount": yuan_text(evidence["latest_fen"]),
        }
    ]
    if evidence["latest_fen"] < evidence["min_total_fen"]:
        lines.append(
            gettext("低于 %(min)s 元，不计为异常。") % {"min": yuan_text(evidence["min_total_fen"])}
        )
    lines.append(
        gettext(
            "本人此前 %(count)d 个月平均每月 %(mean)s 元，标准差 %(std)s 元，z 值 %(z)s（标准 %(z_min)s）。"
        )
        % {
            "count": len(evidence["baseline"]),
            "mean": yuan_text(evidence["baseline_mean_fen"]),
            "std": yuan_text(evidence["baseline_std_fen"]),
            "z": f"{evidence['own_z']:.2f}",
            "z_min": number_text(evidence["own_z_min"]),
        }
    )
    if evidence["peer_z"] is not None:
        lines.append(
            gettext(
                "%(department)s其他 %(count)d 位有报销的同事当月平均 %(mean)s 元，z 值 %(z)s（标准 %(z_min)s）。"
            )
            % {
                "department": evidence["department"],
                "count": evidence["peer_count"],
                "mean": yuan_text(evidence["peer_mean_fen"]),
                "z": f"{evidence['peer_z']:.2f}",
                "z_min": number_text(evidence["peer_z_min"]),
            }
        )
    elif evidence["department"]:
        lines.append(
            gettext("%(department)s有报销的同事不足 %(min)d 人，只与本人以往比较。")
            % {"department": evidence["department"], "min": evidence["min_peers"]}
        )
    return lines


_DESCRIBERS.update(
    {
        "spend_income_ratio": _spend_income_ratio,
        "loan_platforms": _loan_platforms,
        "gambling_spend": _gambling_spend,
        "leave_spike": _leave_spike,
        "reimbursement_spike": _reimbursement_spike,
    }
)
