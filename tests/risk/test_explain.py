"""Chinese labels and evidence sentences, from evidence the engine computed."""

import datetime

from hrguard.risk.explain import describe_result, indicator_label, month_text, yuan_text
from tests.risk.builders import (
    MONTHS,
    claim,
    engine_input,
    indicator_run,
    leave_row,
    payment,
    payroll_row,
)

JULY_DAY = datetime.date(2026, 7, 8)


def _evidence(code: str, **frames: list[dict]) -> dict:
    return indicator_run(code, engine_input(["E1", *[f"P{i}" for i in range(6)]], **frames))["E1"][
        "evidence"
    ]


def test_indicator_label_chinese_names() -> None:
    assert [
        indicator_label(code)
        for code in (
            "spend_income_ratio",
            "loan_platforms",
            "gambling_spend",
            "leave_spike",
            "reimbursement_spike",
        )
    ] == ["消费收入比", "多头借贷", "博彩消费", "请假激增", "报销异常"]
    assert indicator_label("colleague_borrowing") == "向同事借钱"
    assert indicator_label("unknown_code") == "unknown_code"


def test_money_and_month_formats() -> None:
    assert yuan_text(1_200_000) == "12,000.00"
    assert yuan_text(5) == "0.05"
    assert month_text("2026-07") == "2026年7月"


def test_describe_spend_income_ratio_hit() -> None:
    evidence = _evidence(
        "spend_income_ratio",
        payroll=[payroll_row("E1", month, "8000") for month in MONTHS[3:]],
        payments=[payment("E1", month.replace(day=9), "12000") for month in MONTHS[3:]]
        + [payment("E1", JULY_DAY, "500", description="信用卡还款")],
    )

    assert describe_result("spend_income_ratio", evidence) == [
        "连续 3 个月消费达到实发工资的 1.5 倍以上（2026年5月至2026年7月）。",
        "2026年5月：消费 12,000.00 元，实发工资 8,000.00 元，比值 1.50",
        "2026年6月：消费 12,000.00 元，实发工资 8,000.00 元，比值 1.50",
        "2026年7月：消费 12,000.00 元，实发工资 8,000.00 元，比值 1.50",
        "另有 1 笔还款、转账或退款类支出未计入消费。",
    ]


def test_describe_spend_income_ratio_miss_without_payroll() -> None:
    evidence = _evidence("spend_income_ratio", payments=[payment("E1", JULY_DAY, "3000")])

    assert describe_result("spend_income_ratio", evidence) == [
        "没有连续 3 个月消费达到实发工资的 1.5 倍，最长连续 0 个月。",
        "2026年7月：消费 3,000.00 元，没有工资记录。",
    ]


def test_describe_loan_platforms_hit() -> None:
    payments = [
        payment("E1", JULY_DAY, "1000", direction="neutral", counterparty=name)
        for name in ("蚂蚁借呗", "蚂蚁借呗", "分期乐", "洋钱罐")
    ]
    evidence = _evidence("loan_platforms", payments=payments)

    assert describe_result("loan_platforms", evidence) == [
        "2026年7月在 3 个网贷平台有借款或还款记录，达到 3 个的标准。",
        "2026年7月：3 个平台：借呗（蚂蚁集团）2 笔、分期乐（乐信）1 笔、洋钱罐（瓴岳科技）1 笔。",
        "网贷平台目录版本 2026.12.1。",
    ]


def test_describe_loan_platforms_none() -> None:
    assert describe_result("loan_platforms", _evidence("loan_platforms")) == [
        "未发现网贷平台的借款或还款记录。",
        "网贷平台目录版本 2026.12.1。",
    ]


def test_describe_gambling_spend_hit() -> None:
    evidence = _evidence(
        "gambling_spend",
        payments=[payment("E1", JULY_DAY, "600", counterparty="中国体育彩票", description="竞彩")],
    )

    assert describe_result("gambling_spend", evidence) == [
        "向彩票或博彩商户付款 1 笔，合计 600.00 元，超过 500.00 元的下限。",
        "中国体育彩票：1 笔，600.00 元",
        "2026年7月：600.00 元（1 笔）",
    ]


def test_describe_leave_spike_hit() -> None:
    leave = [leave_row("E1", MONTHS[5].replace(day=day), "事假", 1.0) for day in (1, 2)]
    leave += [leave_row("E1", MONTHS[5].replace(day=3), "旷工", 1.0)]
    leave += [leave_row("E1", MONTHS[1].replace(day=3), "事假", 0.5)]
    evidence = _evidence("leave_spike", leave=leave)

    assert describe_result("leave_spike", evidence) == [
        "2026年7月计入统计的请假与缺勤共 3 天（事假 2 天、旷工 1 天）。",
        "此前 5 个月平均每月 0.1 天（标准：至少 3 天，且不低于平均的 2 倍）。",
        "此前各月：2026年2月 0 天、2026年3月 0.5 天、2026年4月 0 天、2026年5月 0 天、2026年6月 0 天。",
    ]


def test_describe_reimbursement_spike_hit() -> None:
    claims = [
        claim(number, month.replace(day=5), "500")
        for number in ["E1", *[f"P{i}" for i in range(6)]]
        for month in MONTHS
    ]
    claims.append(claim("E1", MONTHS[5].replace(day=20), "8500"))
    evidence = _evidence("reimbursement_spike", reimbursements=claims)

    assert describe_result("reimbursement_spike", evidence) == [
        "2026年7月报销合计 9,000.00 元。",
        "本人此前 5 个月平均每月 500.00 元，标准差 0.00 元，z 值 17.00（标准 3）。",
        "销售部其他 6 位有报销的同事当月平均 500.00 元，z 值 17.00（标准 3）。",
    ]


def test_describe_unknown_code_lists_evidence() -> None:
    assert describe_result("other", {"b": 2, "a": 1}) == ["a: 1", "b: 2"]
