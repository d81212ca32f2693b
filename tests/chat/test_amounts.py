"""Amounts as people type them in chat, read from normalised text."""

from decimal import Decimal

import pytest

from hrguard.chat.amounts import amount_nearest, amount_parse, amounts_find
from hrguard.chat.lexicon import lexicon_load


@pytest.mark.parametrize(
    ("typed", "yuan"),
    [
        ("2000", "2000"),
        ("2,000", "2000"),
        ("两千", "2000"),
        ("二千五", "2500"),
        ("2k", "2000"),
        ("1w", "10000"),
        ("1.5万", "15000"),
        ("三万", "30000"),
        ("八百", "800"),
        ("5k", "5000"),
        ("3千", "3000"),
        ("1.2w", "12000"),
        ("两三千", "2000"),
        ("三五千", "3000"),
        ("一两万", "10000"),
        ("1万2", "12000"),
        ("2千5", "2500"),
        ("叁仟", "3000"),
        ("两千零五十", "2050"),
        ("0.5万", "5000"),
    ],
)
def test_amount_parse_typed_form_returns_yuan(typed: str, yuan: str) -> None:
    assert amount_parse(typed) == Decimal(yuan)


@pytest.mark.parametrize(
    ("message", "yuan"),
    [
        ("借我2000块", "2000"),
        ("借我2000块，下周还", "2000"),
        ("借我2K", "2000"),
        ("借我2万元", "20000"),
        ("借我五百块", "500"),
        ("借我¥3000", "3000"),
        ("借我１０００元", "1000"),
        ("借我500 bucks", "500"),
        ("借我2到3千", "2000"),
        ("借我2000-3000", "2000"),
        ("借我两千到三千", "2000"),
        ("能借我5千到1万吗", "5000"),
        ("手头紧，借我个千把块", "1000"),
        ("借我两万周转一下", "20000"),
        ("can you lend me 2k?", "2000"),
        ("借我十块钱坐地铁", "10"),
    ],
)
def test_amount_nearest_request_returns_yuan(message: str, yuan: str) -> None:
    text = lexicon_load().normalise(message)

    assert amount_nearest(text, text.find("借") + 1) == Decimal(yuan)


@pytest.mark.parametrize(
    "message",
    [
        "借我几千块",
        "借我点钱，十几万也行",
        "下个月10号还你",
        "周五还，分两次还",
        "十万火急，借我点钱",
        "千万别借给他",
        "Q1的事情借一步说",
        "我微信零钱不够了",
        "借我两张",
    ],
)
def test_amounts_find_no_amount_returns_empty(message: str) -> None:
    assert amounts_find(lexicon_load().normalise(message)) == []


def test_amount_nearest_two_amounts_picks_one_next_to_trigger() -> None:
    text = lexicon_load().normalise("工资5000根本不够，借我2000，月底还你2200")

    assert amount_nearest(text, text.find("借") + 1) == Decimal(2000)
