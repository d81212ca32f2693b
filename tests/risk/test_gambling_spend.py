"""gambling_spend: succeeded payments to lottery or gambling merchants above a floor."""

import datetime

from tests.risk.builders import engine_input, indicator_run, payment

CODE = "gambling_spend"
DAY = datetime.date(2026, 7, 8)


def test_gambling_spend_total_at_floor_misses() -> None:
    inputs = engine_input(
        ["E1"],
        payments=[
            payment("E1", DAY, "300", counterparty="中国体育彩票", description="竞彩足球"),
            payment("E1", DAY, "200", counterparty="某福彩投注站", description="双色球"),
        ],
    )

    result = indicator_run(CODE, inputs)["E1"]

    assert result["hit"] is False
    assert result["evidence"]["total_fen"] == 50_000
    assert result["evidence"]["floor_fen"] == 50_000


def test_gambling_spend_total_above_floor_hits() -> None:
    inputs = engine_input(
        ["E1"],
        payments=[
            payment("E1", DAY, "300", counterparty="中国体育彩票", description="竞彩足球"),
            payment("E1", DAY, "200.01", counterparty="某福彩投注站", description="双色球"),
        ],
    )

    result = indicator_run(CODE, inputs)["E1"]

    assert result["hit"] is True
    assert result["evidence"]["rows"] == 2
    assert result["evidence"]["kinds"] == ["体育彩票", "福利彩票"]
    assert result["evidence"]["merchants"] == [
        {"name": "中国体育彩票", "rows": 1, "amount_fen": 30_000},
        {"name": "某福彩投注站", "rows": 1, "amount_fen": 20_001},
    ]


def test_gambling_spend_refunds_and_income_ignored() -> None:
    inputs = engine_input(
        ["E1"],
        payments=[
            payment("E1", DAY, "900", counterparty="中国体育彩票", succeeded=False),
            payment(
                "E1",
                DAY,
                "900",
                counterparty="中国体育彩票",
                direction="income",
                description="退款",
            ),
            payment("E1", DAY, "100", counterparty="中国体育彩票"),
        ],
    )

    result = indicator_run(CODE, inputs)["E1"]

    assert result["hit"] is False
    assert result["evidence"]["total_fen"] == 10_000


def test_gambling_spend_lookalike_shop_names_ignored() -> None:
    inputs = engine_input(
        ["E1"],
        payments=[
            payment("E1", DAY, "800", counterparty="幸福彩虹蛋糕店", description="生日蛋糕"),
            payment("E1", DAY, "800", counterparty="立体彩绘工作室", description="墙绘"),
        ],
    )

    result = indicator_run(CODE, inputs)["E1"]

    assert result["hit"] is False
    assert result["evidence"]["rows"] == 0


def test_gambling_spend_floor_is_a_parameter() -> None:
    inputs = engine_input(["E1"], payments=[payment("E1", DAY, "60", counterparty="xx棋牌")])

    assert indicator_run(CODE, inputs)["E1"]["hit"] is False
    assert indicator_run(CODE, inputs, floor_yuan=50)["E1"]["hit"] is True
