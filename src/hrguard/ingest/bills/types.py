"""The rows and totals read from an employee's own Alipay or WeChat Pay bill."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Literal

Source = Literal["alipay", "wechat"]
Direction = Literal["income", "expense", "neutral"]
DIRECTIONS: tuple[Direction, ...] = ("income", "expense", "neutral")


@dataclass(frozen=True)
class BillRow:
    """One transaction of a bill, in the same shape whatever the source and layout.

    `amount` is positive; `direction` carries the sign. `succeeded` is true when the
    money actually moved (for example 交易成功 or 支付成功), including partly refunded
    payments, whose refunded part is in `refunded`. `refund` marks a row that is itself
    a refund (交易分类 退款 or 商品说明 `退款-…`); such a row is never spending.
    """

    line: int
    occurred_at: datetime
    category: str
    counterparty: str
    description: str
    direction: Direction
    amount: Decimal
    method: str
    status: str
    order_no: str
    merchant_order_no: str
    note: str
    succeeded: bool
    refund: bool = False
    refunded: Decimal | None = None


@dataclass(frozen=True)
class DeclaredTotal:
    """The count and sum that a bill states for one direction; None where it is masked."""

    count: int | None
    amount: Decimal | None
    line: int
    label: str


@dataclass(frozen=True)
class DeclaredTotals:
    """The totals a bill states about itself in its preamble or trailer.

    `records` is the `共N笔记录` count and `records_line` the line that states it.
    """

    records: int | None = None
    records_line: int | None = None
    income: DeclaredTotal | None = None
    expense: DeclaredTotal | None = None
    neutral: DeclaredTotal | None = None

    def for_direction(self, direction: Direction) -> DeclaredTotal | None:
        return {"income": self.income, "expense": self.expense, "neutral": self.neutral}[direction]
