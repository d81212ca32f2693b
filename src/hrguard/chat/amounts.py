"""Find money amounts in chat text as people type them: 2000, 2,000, 两千, 1.5万, 2k, 1w.

Input is text already normalised by the lexicon (half-width, lower-case,
simplified). Chinese numerals are converted with cn2an.

A range ("两三千", "3-5千", "2000到3000") yields its lower bound: the
sender asks for at least that much, and the lower bound never overstates a
request. Vague amounts ("几千", "十几万") yield no amount.
"""

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

import cn2an

_DIGIT_CHARS = "零〇一二两三四五六七八九壹贰叁肆伍陆柒捌玖"
_UNIT_CHARS = "十百千万亿拾佰仟迁"
# "十" may start a number ("十五万"), the other units may not ("千万别借").
_NUMBER = (
    rf"(?:\d{{1,3}}(?:,\d{{3}})+(?!\d)|\d+)(?:\.\d+)?[{_DIGIT_CHARS}{_UNIT_CHARS}\dkw]*"
    rf"|[{_DIGIT_CHARS}十拾][{_DIGIT_CHARS}{_UNIT_CHARS}\dkw]*"
)
_RANGE_SEPARATOR = r"\s*(?:-|~|～|—|到|至)\s*"
_CURRENCY = r"块钱|块|元|大洋|米|rmb|bucks|yuan|刀"
_AMOUNT = re.compile(
    rf"(?:(?P<prefix>[¥$])\s*)?"
    rf"(?P<first>{_NUMBER})"
    rf"(?:{_RANGE_SEPARATOR}(?P<second>{_NUMBER}))?"
    rf"(?:个(?=[kw万千亿]))?(?P<unit>[kw](?![a-z]))?"
    rf"(?:\s*(?P<currency>{_CURRENCY}))?"
)
_PLAIN_NUMBER = re.compile(r"\d+(?:\.\d+)?")
# Approximate amounts with a leading unit: "千把块" is about a thousand.
_APPROXIMATE = re.compile(r"(?<![\d零〇一二两三四五六七八九])(?P<unit>[百千万])把")

# A number directly before these is a date, time, count or rate, not money.
_NOT_MONEY_AFTER = re.compile(
    r"\s*(?:号|日|天|月|周(?!转)|年|点|个|次|%|岁|楼|层|分|小时|期|倍|折|成|人|位|张|条|份|家|口)"
    r"|[a-jl-vx-z]"
)
# ... and after these: 周五, 星期一, 第三. A digit right after a letter is a name: Q1, iPhone15.
_NOT_MONEY_BEFORE = re.compile(r"(?:周|星期|礼拜|第|初)\s*$")
_LETTER_BEFORE = re.compile(r"[a-z]$")
# Idioms that contain numerals but no amount.
_IDIOMS = re.compile(r"十万火急|百分之|一万个|千万别|千万不|千万要|一分钱")

_CHINESE_DIGIT_VALUES = {
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


@dataclass(frozen=True)
class AmountMatch:
    """An amount in yuan and where it sits in the text."""

    start: int
    end: int
    value: Decimal


@lru_cache(maxsize=4096)
def amount_parse(number: str) -> Decimal | None:
    """Convert one number as typed ("两千五", "1.2w", "2,000", "两三千") to yuan."""
    cleaned = number.replace(",", "")
    if _PLAIN_NUMBER.fullmatch(cleaned):
        return _as_yuan(Decimal(cleaned))

    cleaned = cleaned.replace("k", "千").replace("w", "万").replace("迁", "千")
    cleaned = _range_lower_bound(cleaned)
    try:
        value = cn2an.cn2an(cleaned, "smart")
    except (ValueError, KeyError, IndexError):
        return None
    return _as_yuan(value)


def _range_lower_bound(number: str) -> str:
    """Keep the first digit of an adjacent-digit range: "两三千" becomes "两千"."""
    if len(number) < 3:
        return number
    first = _CHINESE_DIGIT_VALUES.get(number[0])
    second = _CHINESE_DIGIT_VALUES.get(number[1])
    if first is not None and second is not None and second > first and number[2] in _UNIT_CHARS:
        return number[0] + number[2:]
    return number


def _as_yuan(value: float | int | Decimal) -> Decimal:
    amount = Decimal(str(value))
    if amount == amount.to_integral_value():
        return amount.quantize(Decimal(1))
    return amount.quantize(Decimal("0.01"))


def amounts_find(text: str) -> list[AmountMatch]:
    """Return every amount of money in normalised text, in order of position."""
    masked = _IDIOMS.sub(lambda match: "_" * len(match.group()), text)
    found = []

    for match in _AMOUNT.finditer(masked):
        value = _match_value(match, masked)
        if value is not None and value > 0:
            found.append(AmountMatch(match.start(), match.end(), value))

    for match in _APPROXIMATE.finditer(masked):
        value = amount_parse("一" + match.group("unit"))
        if value is not None:
            found.append(AmountMatch(match.start(), match.end(), value))

    return sorted(found, key=lambda amount: amount.start)


def _match_value(match: re.Match[str], text: str) -> Decimal | None:
    first = match.group("first")
    second = match.group("second")
    unit = match.group("unit") or ""
    has_marker = bool(match.group("prefix") or match.group("currency") or unit)

    if _NOT_MONEY_BEFORE.search(text, 0, match.start()):
        return None
    if first[0].isdigit() and _LETTER_BEFORE.search(text, 0, match.start()):
        return None
    if not match.group("currency") and _NOT_MONEY_AFTER.match(text, match.end()):
        return None

    if second is None:
        return _single_value(first + unit, has_marker)

    # "2到3千": the unit written once belongs to both ends of the range.
    second_value = amount_parse(second + unit)
    trailing_unit = (second + unit)[-1]
    if trailing_unit in _UNIT_CHARS + "kw" and first[-1] not in _UNIT_CHARS + "kw":
        with_unit = amount_parse(first + trailing_unit)
        if with_unit is not None and second_value is not None and with_unit <= second_value:
            return with_unit
    return amount_parse(first)


def _single_value(number: str, has_marker: bool) -> Decimal | None:
    # A lone Chinese digit without unit or currency is a word: 一下, 一点, 十几.
    is_lone_chinese_digit = len(number) == 1 and not number.isdigit()
    if is_lone_chinese_digit and not has_marker:
        return None
    return amount_parse(number)


def amount_nearest(text: str, position: int) -> Decimal | None:
    """Return the amount closest to a position (the trigger word), or None."""
    amounts = amounts_find(text)
    if not amounts:
        return None
    nearest = min(amounts, key=lambda amount: _distance(amount, position))
    return nearest.value


def _distance(amount: AmountMatch, position: int) -> tuple[int, int]:
    if amount.start >= position:
        return (amount.start - position, 0)
    # Prefer an amount after the trigger on a tie: "借我两千，月底还你两千二".
    return (position - amount.end, 1)
