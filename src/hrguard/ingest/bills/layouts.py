"""The known layouts of Alipay and WeChat Pay bill exports, recognised by their header names.

Column names are as `hrguard.ingest.readers.normalize_header` returns them, so the
full-width brackets of `金额（元）` are already ASCII.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from hrguard.ingest.bills.types import Direction, Source
from hrguard.ingest.values import ValueProblem, parse_amount

# BillRow field → header name. Fields missing from a layout read as "".
_ALIPAY_COLUMNS = {
    "occurred_at": "交易时间",
    "category": "交易分类",
    "counterparty": "交易对方",
    "description": "商品说明",
    "direction": "收/支",
    "amount": "金额",
    "method": "收/付款方式",
    "status": "交易状态",
    "order_no": "交易订单号",
    "merchant_order_no": "商家订单号",
    "note": "备注",
}
_ALIPAY_2021_COLUMNS = {key: name for key, name in _ALIPAY_COLUMNS.items() if key != "note"}
_ALIPAY_2019_COLUMNS = {
    "occurred_at": "交易创建时间",
    "category": "类型",
    "counterparty": "交易对方",
    "description": "商品名称",
    "direction": "收/支",
    "amount": "金额(元)",
    "status": "交易状态",
    "order_no": "交易号",
    "merchant_order_no": "商家订单号",
    "note": "备注",
    "refunded": "成功退款(元)",
}
_WECHAT_COLUMNS = {
    "occurred_at": "交易时间",
    "category": "交易类型",
    "counterparty": "交易对方",
    "description": "商品",
    "direction": "收/支",
    "amount": "金额(元)",
    "method": "支付方式",
    "status": "当前状态",
    "order_no": "交易单号",
    "merchant_order_no": "商户单号",
    "note": "备注",
}

_DIRECTIONS: dict[str, Direction] = {
    "收入": "income",
    "支出": "expense",
    "不计收支": "neutral",
    "其他": "neutral",
    # WeChat writes "/" for 中性交易 (top-ups, withdrawals, 理财通, 零钱通).
    "/": "neutral",
    "": "neutral",
}

_ALIPAY_SUCCEEDED = frozenset(["交易成功", "支付成功"])
_WECHAT_SUCCEEDED = frozenset(
    [
        "支付成功",
        "已支付",
        "已转账",
        "已收钱",
        "朋友已收钱",
        "对方已收钱",
        "已存入零钱",
        "已到账",
        "提现已到账",
        "充值成功",
        "充值完成",
    ]
)
# WeChat marks a partly refunded payment `已退款￥742.00` or `已退款(￥5.00)`; the payment
# itself went through. A full refund is `已全额退款` and does not match.
_PARTLY_REFUNDED = re.compile(r"已退款\(?\s*([¥￥]?\s*[\d,.]+)\s*\)?")


@dataclass(frozen=True)
class BillLayout:
    """One known export layout: its source, its name and where each field comes from."""

    name: str
    source: Source
    columns: dict[str, str]
    # Header names that tell this layout apart from the others.
    signature: frozenset[str] = field(default_factory=frozenset)

    @property
    def required(self) -> frozenset[str]:
        return frozenset(self.columns.values()) | self.signature

    def direction_of(self, text: str) -> Direction | None:
        return _DIRECTIONS.get(text)

    def outcome_of(self, status: str) -> tuple[bool, Decimal | None]:
        """Return whether a row with this status moved money, and the refunded part."""
        if self.source == "alipay":
            return status in _ALIPAY_SUCCEEDED, None
        if status in _WECHAT_SUCCEEDED:
            return True, None
        match = _PARTLY_REFUNDED.fullmatch(status)
        if match:
            try:
                return True, parse_amount(match[1])
            except ValueProblem:
                return True, None
        return False, None


ALIPAY_2023 = BillLayout("alipay-2023", "alipay", _ALIPAY_COLUMNS)
ALIPAY_2021 = BillLayout("alipay-2021", "alipay", _ALIPAY_2021_COLUMNS)
ALIPAY_2019 = BillLayout(
    "alipay-2019", "alipay", _ALIPAY_2019_COLUMNS, frozenset(["付款时间", "资金状态"])
)
WECHAT = BillLayout("wechat-csv", "wechat", _WECHAT_COLUMNS)

# TODO: the 12-column Alipay export of the mobile app is rejected as unknown, because
# no sample of it was available to take the column names from.
# Most specific first: the 2023 header is the 2021 header plus 备注.
LAYOUTS = (ALIPAY_2019, ALIPAY_2023, ALIPAY_2021, WECHAT)
KNOWN_HEADERS = frozenset(name for layout in LAYOUTS for name in layout.required)


def match_layout(header: set[str]) -> BillLayout | None:
    """Return the first layout whose columns all appear in `header`."""
    for layout in LAYOUTS:
        if layout.required <= header:
            return layout
    return None
