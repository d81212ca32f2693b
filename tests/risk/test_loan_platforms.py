"""loan_platforms: distinct lending platforms in one month, matched from the catalogue."""

import datetime

from tests.risk.builders import MONTHS, engine_input, indicator_run, payment

CODE = "loan_platforms"
JULY_DAY = datetime.date(2026, 7, 8)


def _loan_row(counterparty: str, description: str = "借款", **kwargs: object) -> dict:
    kwargs.setdefault("direction", "neutral")
    return payment(
        "E1", JULY_DAY, "1000", counterparty=counterparty, description=description, **kwargs
    )


def test_loan_platforms_two_platforms_miss() -> None:
    inputs = engine_input(
        ["E1"], payments=[_loan_row("蚂蚁借呗"), _loan_row("微众银行", "微粒贷还款")]
    )

    result = indicator_run(CODE, inputs)["E1"]

    assert result["hit"] is False
    assert result["evidence"]["max_platforms"] == 2


def test_loan_platforms_three_platforms_hit() -> None:
    payments = [
        _loan_row("蚂蚁借呗", "借呗放款", direction="income"),
        _loan_row("微众银行", "微粒贷还款", direction="expense"),
        _loan_row("微众银行", "微粒贷还款", direction="expense"),
        _loan_row("度小满", "有钱花借款"),
    ]
    inputs = engine_input(["E1"], payments=payments)

    result = indicator_run(CODE, inputs)["E1"]

    assert result["hit"] is True
    assert result["evidence"]["peak_month"] == "2026-07"
    assert result["evidence"]["months"] == [
        {
            "month": "2026-07",
            "platform_count": 3,
            "platforms": [
                {"name": "微粒贷", "operator": "微众银行", "rows": 2},
                {"name": "借呗", "operator": "蚂蚁集团", "rows": 1},
                {"name": "度小满", "operator": "度小满金融", "rows": 1},
            ],
        }
    ]


def test_loan_platforms_aliases_and_full_width_text_match() -> None:
    payments = [
        _loan_row("花呗借钱"),
        _loan_row("某科技公司", "３６０ 借条 还款"),
        _loan_row("马上消费金融股份有限公司", "安逸花还款"),
    ]
    inputs = engine_input(["E1"], payments=payments)

    result = indicator_run(CODE, inputs)["E1"]

    names = [platform["name"] for platform in result["evidence"]["months"][0]["platforms"]]
    assert result["hit"] is True
    assert sorted(names) == ["360借条", "借呗", "安逸花"]


def test_loan_platforms_huabei_alone_not_a_platform() -> None:
    payments = [
        _loan_row("花呗", "花呗主动还款-2026年06月账单"),
        _loan_row("蚂蚁借呗"),
        _loan_row("分期乐"),
    ]
    inputs = engine_input(["E1"], payments=payments)

    result = indicator_run(CODE, inputs)["E1"]

    assert result["hit"] is False
    assert result["evidence"]["max_platforms"] == 2


def test_loan_platforms_spread_over_months_miss() -> None:
    payments = [
        payment("E1", MONTHS[3].replace(day=5), "500", counterparty="蚂蚁借呗"),
        payment("E1", MONTHS[4].replace(day=5), "500", counterparty="分期乐"),
        payment("E1", MONTHS[5].replace(day=5), "500", counterparty="洋钱罐"),
    ]
    inputs = engine_input(["E1"], payments=payments)

    result = indicator_run(CODE, inputs)["E1"]

    assert result["hit"] is False
    assert result["evidence"]["max_platforms"] == 1
    assert [month["month"] for month in result["evidence"]["months"]] == [
        "2026-05",
        "2026-06",
        "2026-07",
    ]


def test_loan_platforms_failed_rows_count_unless_succeeded_only() -> None:
    payments = [
        _loan_row("蚂蚁借呗"),
        _loan_row("分期乐"),
        _loan_row("洋钱罐", "还款失败", succeeded=False),
    ]
    inputs = engine_input(["E1"], payments=payments)

    assert indicator_run(CODE, inputs)["E1"]["hit"] is True
    assert indicator_run(CODE, inputs, succeeded_only=True)["E1"]["hit"] is False


def test_loan_platforms_alias_never_spans_counterparty_and_description() -> None:
    inputs = engine_input(["E1"], payments=[_loan_row("某店借", "呗")])

    result = indicator_run(CODE, inputs)["E1"]

    assert result["evidence"]["max_platforms"] == 0


def test_loan_platforms_without_consent_not_evaluated() -> None:
    inputs = engine_input(["E1"], payments=[_loan_row("蚂蚁借呗")], payment_scope=set())

    assert indicator_run(CODE, inputs) == {}
