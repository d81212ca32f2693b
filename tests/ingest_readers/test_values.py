"""Cell value parsers: every amount, date and month form found in real exports."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from hrguard.ingest.values import (
    SHANGHAI,
    ValueProblem,
    clean_cell,
    escape_formula,
    parse_amount,
    parse_date,
    parse_datetime,
    parse_month,
    safe_text,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  张三\t", "张三"),
        ("\ufeff工号", "工号"),
        ("\u3000\u00a0备注\r", "备注"),
        ("１２３４．５０", "1234.50"),
        ("金额（元）", "金额(元)"),
        ("－１２", "-12"),
        ("¥28.16", "¥28.16"),
        ("￥28.16", "￥28.16"),
        ("4200000686202009066696686773\t", "4200000686202009066696686773"),
    ],
)
def test_clean_cell_padding_and_full_width_normalised(text: str, expected: str) -> None:
    assert clean_cell(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,234.00", Decimal("1234.00")),
        ("¥88", Decimal("88.00")),
        ("￥88", Decimal("88.00")),
        ("88元", Decimal("88.00")),
        ("¥ 88.5", Decimal("88.50")),
        ("１２３．５０", Decimal("123.50")),
        ("+10.00", Decimal("10.00")),
        ("  49.74 ", Decimal("49.74")),
        ("12.500", Decimal("12.50")),
        ("0", Decimal("0.00")),
        ("1,234,567.89", Decimal("1234567.89")),
        ("\\¥2,243.46", Decimal("2243.46")),
    ],
)
def test_parse_amount_accepted_forms_exact(text: str, expected: Decimal) -> None:
    amount = parse_amount(text)

    assert amount == expected
    assert amount.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "金额为空。请填写数字，例如 1234.50。"),
        ("abc", "「abc」不是有效的金额。请只填写数字，例如 1234.50 或 ¥88。"),
        ("12.3.4", "「12.3.4」不是有效的金额。请只填写数字，例如 1234.50 或 ¥88。"),
        ("1,23", "「1,23」不是有效的金额。请只填写数字，例如 1234.50 或 ¥88。"),
        ("NaN", "「NaN」不是有效的金额。请只填写数字，例如 1234.50 或 ¥88。"),
        ("-12.50", "金额「-12.50」是负数，这里只接受正数。请填写金额的绝对值。"),
        ("12.345", "金额「12.345」的小数超过两位。请保留到分（两位小数），例如 12.35。"),
    ],
)
def test_parse_amount_bad_input_rejected_with_fix(text: str, message: str) -> None:
    with pytest.raises(ValueProblem) as caught:
        parse_amount(text)

    assert caught.value.message == message


def test_parse_amount_negative_allowed_when_asked() -> None:
    assert parse_amount("-12.50", allow_negative=True) == Decimal("-12.50")
    assert parse_amount("¥-3", allow_negative=True) == Decimal("-3.00")


@pytest.mark.parametrize(
    "text",
    [
        "2026-09-03",
        "2026/9/3",
        "2026.9.3",
        "2026年9月3日",
        "2026 年 9 月 3 日",
        "20260903",
        "2026-09-03 14:06:51",
        "2026/09/03  14:06",
        "2026-09-03T14:06:51+08:00",
        "46268",
        "46268.75",
        "２０２６－０９－０３",
    ],
)
def test_parse_date_accepted_forms_same_day(text: str) -> None:
    assert parse_date(text) == date(2026, 9, 3)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "日期为空。请填写日期，例如 2026-09-03。"),
        ("2026-02-30", "「2026-02-30」不是日历上存在的日期。请检查年、月、日。"),
        ("3/9/2026", "「3/9/2026」不是有效的日期。请写成 2026-09-03、2026/9/3 或 2026年9月3日。"),
        ("12345", "「12345」不是有效的日期。请写成 2026-09-03、2026/9/3 或 2026年9月3日。"),
        (
            "2026-09-03 abc",
            "「2026-09-03 abc」不是有效的日期。请写成 2026-09-03、2026/9/3 或 2026年9月3日。",
        ),
    ],
)
def test_parse_date_bad_input_rejected_with_fix(text: str, message: str) -> None:
    with pytest.raises(ValueProblem) as caught:
        parse_date(text)

    assert caught.value.message == message


@pytest.mark.parametrize(
    "text", ["2026-09", "2026/9", "2026.09", "2026年9月", "202609", "2026-09-03", "46268"]
)
def test_parse_month_accepted_forms_first_day(text: str) -> None:
    assert parse_month(text) == date(2026, 9, 1)


def test_parse_month_bad_input_rejected_with_fix() -> None:
    with pytest.raises(ValueProblem) as caught:
        parse_month("九月")

    assert caught.value.message == "「九月」不是有效的月份。请写成 2026-09、2026/9 或 2026年9月。"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-02-12 21:32:14", datetime(2023, 2, 12, 21, 32, 14, tzinfo=SHANGHAI)),
        ("2023-02-12 21:32", datetime(2023, 2, 12, 21, 32, tzinfo=SHANGHAI)),
        ("2025/12/03  14:06:51", datetime(2025, 12, 3, 14, 6, 51, tzinfo=SHANGHAI)),
        ("2023-02-12T21:32:14", datetime(2023, 2, 12, 21, 32, 14, tzinfo=SHANGHAI)),
        ("2023-02-12T13:32:14Z", datetime(2023, 2, 12, 21, 32, 14, tzinfo=SHANGHAI)),
        ("2023-02-12T00:32:14+0100", datetime(2023, 2, 12, 7, 32, 14, tzinfo=SHANGHAI)),
        ("2023-02-12 21:32:14.250", datetime(2023, 2, 12, 21, 32, 14, 250000, tzinfo=SHANGHAI)),
        ("2023-02-12", datetime(2023, 2, 12, tzinfo=SHANGHAI)),
        ("44969.75", datetime(2023, 2, 12, 18, 0, tzinfo=SHANGHAI)),
    ],
)
def test_parse_datetime_accepted_forms_shanghai_time(text: str, expected: datetime) -> None:
    parsed = parse_datetime(text)

    assert parsed == expected
    assert parsed.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2023-02-12 25:00", "「2023-02-12 25:00」的时间不存在。小时应在 0–23，分和秒在 0–59。"),
        ("2023-02-12 下午", "「2023-02-12 下午」的时间部分无法识别。请写成 2026-09-03 14:30:00。"),
        ("昨天", "「昨天」不是有效的时间。请写成 2026-09-03 14:30:00。"),
    ],
)
def test_parse_datetime_bad_input_rejected_with_fix(text: str, message: str) -> None:
    with pytest.raises(ValueProblem) as caught:
        parse_datetime(text)

    assert caught.value.message == message


@pytest.mark.parametrize(
    "text", ["=1+1", '=HYPERLINK("http://x","点我")', "@SUM(A1)", "+A1", "-2+3", "\tcmd"]
)
def test_safe_text_formula_kept_as_literal_text(text: str) -> None:
    assert safe_text(text) == text.strip()


def test_safe_text_control_characters_dropped() -> None:
    assert safe_text("张\x00三\x07") == "张三"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+A1", "'+A1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-2+3", "'-2+3"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("-12.50", "-12.50"),
        ("+10", "+10"),
        ("张三", "张三"),
        ("", ""),
    ],
)
def test_escape_formula_owasp_starts_prefixed(text: str, expected: str) -> None:
    assert escape_formula(text) == expected
