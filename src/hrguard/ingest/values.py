"""Parse the cell values people type into spreadsheets and exports into typed Python values.

Every parser takes the text of one cell, cleans it with `clean_cell` and either returns a
value or raises `ValueProblem` with a Chinese message that states what to change. Callers
turn that message into a `RowIssue` that names the file, row and column.
"""

import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

SHANGHAI = ZoneInfo("Asia/Shanghai")

# Day zero of Excel's 1900 date system once its fictitious 1900-02-29 is accounted for,
# so serial 1 is 1899-12-31 and serial 60 is skipped: serials from 61 on are exact.
EXCEL_EPOCH = date(1899, 12, 30)
# Serials outside this range are read as ordinary numbers, not dates:
# 20000 is 1954-10-03 and 80000 is 2119-01-10.
EXCEL_SERIAL_MIN = 20000
EXCEL_SERIAL_MAX = 80000

_EDGE_JUNK = " \t\r\n\u00a0\u3000\ufeff\u200b"
# Full-width ASCII forms U+FF01..U+FF5E map to U+0021..U+007E.
_FULL_WIDTH_TO_ASCII = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FULL_WIDTH_TO_ASCII[0x3000] = 0x20
_FULL_WIDTH = re.compile("[\uff01-\uff5e\u3000]")
# C0 control characters other than tab and line feed. PostgreSQL rejects NUL in text.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

_CURRENCY_PREFIXES = ("\\¥", "¥", "￥", "RMB", "CNY")
_CURRENCY_SUFFIXES = ("元", "RMB", "CNY")
_PLAIN_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_GROUPED_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_CENT = Decimal("0.01")

_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_MONTH = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?")
_COMPACT_MONTH = re.compile(r"(\d{4})(\d{2})")
_SERIAL = re.compile(r"\d+(?:\.\d+)?")
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6})\d*)?)?")
_TIME_ZONE = re.compile(r"(Z|[+-]\d{2}:?\d{2})$")

# The OWASP CSV-injection list: a spreadsheet may run a cell that starts with these.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_SIGNED_NUMBER = re.compile(r"[+-]\d+(?:\.\d+)?")


class ValueProblem(ValueError):
    """A cell value that cannot be read, with a Chinese message that states how to fix it."""

    @property
    def message(self) -> str:
        return str(self)


def clean_cell(text: str) -> str:
    """Strip padding at both ends and turn full-width ASCII forms into ASCII.

    Padding is spaces, tabs, CR/LF, NBSP, the ideographic space, zero-width space and
    the BOM. Full-width forms (`１２３`, `．`, `，`, `－`, `（`) become their ASCII
    twins, so `１，２３４．５０` reads as `1,234.50` and `金额（元）` as `金额(元)`.
    `¥` and `￥` are left alone.
    """
    if text.isascii():
        return text.strip(" \t\r\n")
    if _FULL_WIDTH.search(text):
        text = text.translate(_FULL_WIDTH_TO_ASCII)
    return text.strip(_EDGE_JUNK)


def safe_text(text: str) -> str:
    """Return the text to store: cleaned, control characters dropped, never evaluated.

    A value such as `=HYPERLINK(...)` stays the literal text it was; use
    `escape_formula` when writing it back into a spreadsheet or CSV.
    """
    cleaned = clean_cell(text)
    if cleaned.isprintable():
        return cleaned
    return _CONTROL_CHARS.sub("", cleaned)


def escape_formula(text: str) -> str:
    """Prefix `'` to text that a spreadsheet would run as a formula (CSV injection).

    A plain signed number such as `-12.50` or `+10` is left as it is, so amounts stay
    numbers in the exported sheet: it cannot call a function or reference a cell.
    An import does not strip the apostrophe again, because in a CSV typed by hand a
    leading apostrophe is data. Workbooks use a quote-prefixed text cell instead, so
    they need no apostrophe (see `selectors.batch_rejected_rows_xlsx`).
    """
    if not text.startswith(_FORMULA_STARTS):
        return text
    if _SIGNED_NUMBER.fullmatch(text):
        return text
    return "'" + text


def parse_amount(text: str, *, allow_negative: bool = False) -> Decimal:
    """Parse a money amount in yuan into a Decimal with two decimal places.

    Accepts `1,234.00`, `¥88`, `￥88`, `88元`, `¥ 88.5`, `+10.00`, full-width digits and,
    with `allow_negative`, `-12.50` or `¥-12.50`. More than two decimals is rejected
    unless the extra digits are zeros, because rounding would silently change the money.
    """
    raw = clean_cell(text)
    if not raw:
        raise ValueProblem(_("金额为空。请填写数字，例如 1234.50。"))

    body, negative = _strip_sign(raw)
    body = _strip_currency(body)
    if body.startswith(("+", "-")):
        body, inner_negative = _strip_sign(body)
        negative = negative or inner_negative

    if not (_PLAIN_NUMBER.fullmatch(body) or _GROUPED_NUMBER.fullmatch(body)):
        raise ValueProblem(
            _("「%(value)s」不是有效的金额。请只填写数字，例如 1234.50 或 ¥88。") % {"value": raw}
        )
    try:
        amount = Decimal(body.replace(",", ""))
    except InvalidOperation as error:  # pragma: no cover - the patterns above rule this out
        raise ValueProblem(_("「%(value)s」不是有效的金额。") % {"value": raw}) from error

    if amount != amount.quantize(_CENT):
        raise ValueProblem(
            _("金额「%(value)s」的小数超过两位。请保留到分（两位小数），例如 12.35。")
            % {"value": raw}
        )
    if negative and amount:
        if not allow_negative:
            raise ValueProblem(
                _("金额「%(value)s」是负数，这里只接受正数。请填写金额的绝对值。") % {"value": raw}
            )
        amount = -amount
    return amount.quantize(_CENT)


def _strip_sign(text: str) -> tuple[str, bool]:
    if text.startswith("-"):
        return text[1:].strip(), True
    if text.startswith("+"):
        return text[1:].strip(), False
    return text, False


def _strip_currency(text: str) -> str:
    for prefix in _CURRENCY_PREFIXES:
        if text.startswith(prefix):
            text = text[len(prefix) :].strip()
            break
    for suffix in _CURRENCY_SUFFIXES:
        if text.endswith(suffix):
            text = text[: -len(suffix)].strip()
            break
    return text


def parse_date(text: str) -> date:
    """Parse a calendar date.

    Accepts `2026-09-03`, `2026/9/3`, `2026.9.3`, `2026年9月3日`, `20260903`, a date
    followed by a time, and an Excel serial number (`46268` or `46268.5`) between
    20000 and 80000.
    """
    raw = clean_cell(text)
    if not raw:
        raise ValueProblem(_("日期为空。请填写日期，例如 2026-09-03。"))

    match = _DATE.match(raw)
    if match and _is_date_end(raw[match.end() :]):
        return _make_date(raw, int(match[1]), int(match[2]), int(match[3]))
    match = _COMPACT_DATE.fullmatch(raw)
    if match:
        return _make_date(raw, int(match[1]), int(match[2]), int(match[3]))
    serial = _excel_serial(raw)
    if serial is not None:
        return EXCEL_EPOCH + timedelta(days=int(serial))
    raise ValueProblem(
        _("「%(value)s」不是有效的日期。请写成 2026-09-03、2026/9/3 或 2026年9月3日。")
        % {"value": raw}
    )


def _is_date_end(rest: str) -> bool:
    """Tell whether what follows a date is nothing or a time of day."""
    rest = rest.strip()
    if not rest:
        return True
    if rest[0] in "Tt":
        rest = rest[1:]
    return bool(_TIME.match(rest))


def _make_date(raw: str, year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError as error:
        raise ValueProblem(
            _("「%(value)s」不是日历上存在的日期。请检查年、月、日。") % {"value": raw}
        ) from error


def _excel_serial(raw: str) -> float | None:
    if not _SERIAL.fullmatch(raw):
        return None
    serial = float(raw)
    if EXCEL_SERIAL_MIN <= serial <= EXCEL_SERIAL_MAX:
        return serial
    return None


def parse_month(text: str) -> date:
    """Parse a month into the first day of that month.

    Accepts `2026-09`, `2026/9`, `2026年9月`, `202609`, any full date that `parse_date`
    reads, and an Excel serial number.
    """
    raw = clean_cell(text)
    if not raw:
        raise ValueProblem(_("月份为空。请填写月份，例如 2026-09。"))

    match = _MONTH.fullmatch(raw) or _COMPACT_MONTH.fullmatch(raw)
    if match:
        return _make_date(raw, int(match[1]), int(match[2]), 1)
    try:
        return parse_date(raw).replace(day=1)
    except ValueProblem as error:
        raise ValueProblem(
            _("「%(value)s」不是有效的月份。请写成 2026-09、2026/9 或 2026年9月。") % {"value": raw}
        ) from error


def parse_datetime(text: str) -> datetime:
    """Parse a date and time into an aware datetime in Asia/Shanghai.

    Accepts `2023-02-12 21:32:14`, `2023-02-12 21:32`, `2025/12/03  14:06:51`, ISO 8601
    with `T` and an offset (converted to Shanghai time), a bare date (midnight) and an
    Excel serial with a fraction of a day. A time without an offset is Shanghai time.
    """
    raw = clean_cell(text)
    if not raw:
        raise ValueProblem(_("时间为空。请填写时间，例如 2026-09-03 14:30:00。"))

    match = _DATE.match(raw)
    if match:
        day = _make_date(raw, int(match[1]), int(match[2]), int(match[3]))
        rest = raw[match.end() :].strip()
        return _combine(raw, day, rest)

    serial = _excel_serial(raw)
    if serial is not None:
        naive = datetime.combine(EXCEL_EPOCH, time()) + timedelta(days=serial)
        # Excel stores times as fractions of a day, so round away float noise to the second.
        naive = (naive + timedelta(milliseconds=500)).replace(microsecond=0)
        return naive.replace(tzinfo=SHANGHAI)

    match = _COMPACT_DATE.fullmatch(raw)
    if match:
        day = _make_date(raw, int(match[1]), int(match[2]), int(match[3]))
        return datetime.combine(day, time(), tzinfo=SHANGHAI)
    raise ValueProblem(
        _("「%(value)s」不是有效的时间。请写成 2026-09-03 14:30:00。") % {"value": raw}
    )


def _combine(raw: str, day: date, rest: str) -> datetime:
    if not rest:
        return datetime.combine(day, time(), tzinfo=SHANGHAI)
    if rest[0] in "Tt":
        rest = rest[1:]

    zone_match = _TIME_ZONE.search(rest)
    zone_text = zone_match[1] if zone_match else ""
    if zone_match:
        rest = rest[: zone_match.start()].strip()

    match = _TIME.fullmatch(rest)
    if not match:
        raise ValueProblem(
            _("「%(value)s」的时间部分无法识别。请写成 2026-09-03 14:30:00。") % {"value": raw}
        )
    fraction = (match[4] or "").ljust(6, "0")
    try:
        clock = time(int(match[1]), int(match[2]), int(match[3] or 0), int(fraction or 0))
    except ValueError as error:
        raise ValueProblem(
            _("「%(value)s」的时间不存在。小时应在 0–23，分和秒在 0–59。") % {"value": raw}
        ) from error

    if not zone_text:
        return datetime.combine(day, clock, tzinfo=SHANGHAI)
    aware = datetime.fromisoformat(f"{day.isoformat()}T{clock.isoformat()}{_iso_zone(zone_text)}")
    return aware.astimezone(SHANGHAI)


def _iso_zone(zone_text: str) -> str:
    if zone_text == "Z":
        return "+00:00"
    if ":" not in zone_text:
        return f"{zone_text[:3]}:{zone_text[3:]}"
    return zone_text
