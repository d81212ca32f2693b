"""Transactions in the demo employees' own Alipay and WeChat Pay bills.

A transaction is platform-neutral here; `layouts` renders it in each platform's
vocabulary. Merchants are fictional. The lending platforms are real product names,
because the `loan_platforms` indicator recognises them by name.
"""

import datetime
import random
from dataclasses import dataclass
from enum import StrEnum

from hrguard.demo.company import ALIPAY, DemoEmployee, Role, employee_rng, month_end


class Kind(StrEnum):
    PURCHASE = "purchase"  # spending: counts against pay
    GIFT_IN = "gift_in"  # a friend's red packet or transfer
    SAVINGS = "savings"  # into 余额宝 / 零钱通: neither income nor spending
    CARD_REPAYMENT = "card_repayment"  # credit-card bill: neither income nor spending
    LOAN_IN = "loan_in"  # an online loan paid out to the employee
    LOAN_REPAYMENT = "loan_repayment"


@dataclass(frozen=True)
class Transaction:
    occurred_at: datetime.datetime  # China Standard Time, as the platforms print it
    kind: Kind
    category: str  # Alipay's 交易分类
    counterparty: str
    description: str
    amount_fen: int
    closed: bool = False  # an order that was never paid (交易关闭)
    refunded_at: datetime.datetime | None = None  # when the whole amount came back


@dataclass(frozen=True)
class Merchant:
    category: str
    name: str
    items: tuple[str, ...]
    low_fen: int
    high_fen: int
    weight: int


MERCHANTS = (
    Merchant("餐饮美食", "禾丰小馆", ("午餐套餐", "晚餐"), 1_800, 9_000, 8),
    Merchant("餐饮美食", "一口鲜面馆", ("牛肉面", "炸酱面加蛋"), 1_500, 4_500, 5),
    Merchant("餐饮美食", "街角咖啡", ("拿铁", "美式咖啡"), 1_600, 3_800, 3),
    Merchant("餐饮美食", "青檬便利店", ("便当", "饮料零食"), 800, 4_200, 4),
    Merchant("餐饮美食", "鲜到家外卖", ("外卖订单",), 2_500, 8_800, 8),
    Merchant("交通出行", "云途出行", ("快车行程",), 1_200, 6_500, 5),
    Merchant("交通出行", "城市地铁乘车码", ("地铁出行",), 300, 900, 2),
    Merchant("日用百货", "悦享超市", ("超市购物",), 8_000, 42_000, 10),
    Merchant("日用百货", "青禾优选商城", ("家居收纳", "洗护用品", "零食礼盒"), 5_000, 60_000, 8),
    Merchant("服饰装扮", "橙舍服饰", ("针织衫", "运动鞋", "外套"), 9_000, 59_000, 6),
    Merchant("数码电器", "优品数码", ("耳机", "充电器", "移动硬盘"), 5_900, 49_900, 3),
    Merchant("文化休闲", "星河影城", ("电影票",), 4_000, 12_000, 3),
    Merchant("文化休闲", "远山书店", ("图书",), 3_000, 16_000, 2),
    Merchant("充值缴费", "城市燃气缴费", ("燃气费",), 5_000, 15_000, 1),
    Merchant("充值缴费", "话费充值中心", ("手机充值",), 5_000, 10_000, 1),
)
MERCHANT_WEIGHTS = [merchant.weight for merchant in MERCHANTS]
RENT = Merchant("住房物业", "安居公寓管理", ("月租金",), 200_000, 450_000, 0)
BIG_PURCHASE = Merchant("数码电器", "优品数码", ("笔记本电脑", "冰箱"), 1_500_000, 1_500_000, 0)
LOTTERY = (
    Merchant("文化休闲", "体彩投注站(滨江路店)", ("体育彩票 竞彩足球",), 10_000, 80_000, 0),
    Merchant("文化休闲", "福利彩票投注站(新华街店)", ("福利彩票 双色球",), 5_000, 50_000, 0),
)

# Platform name and how its loan-in and repayment rows are described.
LENDING_PLATFORMS = (
    ("借呗", "借呗借款-放款至余额", "借呗还款"),
    ("微粒贷", "微粒贷借款到账", "微粒贷还款"),
    ("京东金条", "京东金条借款到账", "京东金条-账单还款"),
    ("360借条", "360借条借款到账", "360借条-按期还款"),
    ("度小满", "度小满有钱花借款", "度小满-还款"),
    ("分期乐", "分期乐借款到账", "分期乐-账单还款"),
    ("安逸花", "安逸花借款到账", "安逸花-还款"),
    ("美团借钱", "美团借钱借款到账", "美团借钱-还款"),
    ("招联", "招联好期贷借款", "招联好期贷还款"),
)

# Spending as a share of net pay for staff with nothing planted.
BACKGROUND_SPEND_RATIO = (0.35, 0.8)


def monthly_spend_targets(
    person: DemoEmployee, rng: random.Random, months: list[datetime.date]
) -> dict[datetime.date, int]:
    """Return the fen each employee spends on purchases per month."""
    ratio = rng.uniform(*BACKGROUND_SPEND_RATIO)
    targets = {
        month: int(person.net_pay_fen[month] * ratio * rng.uniform(0.9, 1.1)) for month in months
    }
    last_three = months[-3:]
    if person.role is Role.OVERSPENDER:
        targets.update(dict.fromkeys(last_three, 1_200_000))
    elif person.role is Role.MULTI_LENDER_OVERSPENDER:
        targets.update(dict.fromkeys(last_three, 1_500_000))
    elif person.role in (Role.SPENDER_WITHOUT_CONSENT, Role.SPENDER_CONSENT_WITHDRAWN):
        targets.update(dict.fromkeys(last_three, 2 * person.net_pay_fen[last_three[0]]))
    elif person.role in (Role.MULTI_LENDER, Role.MULTI_LENDER_BORROWING_MORE):
        # Repayments come on top of purchases, so purchases stay well below pay.
        targets = {month: int(person.net_pay_fen[month] * 0.45) for month in months}
    return targets


def transactions_for(
    person: DemoEmployee, *, seed: int, months: list[datetime.date]
) -> dict[str, list[Transaction]]:
    """Return each bill export's transactions for one consenting employee, newest first."""
    rng = employee_rng(seed, person.employee_no, "bills")
    targets = monthly_spend_targets(person, rng, months)
    rent = rng.randint(20, 45) * 10_000 if rng.random() < 0.5 else 0
    transactions: list[Transaction] = []
    for index, month in enumerate(months):
        month_rent = min(rent, targets[month] * 2 // 5)
        transactions += _purchases(rng, month, targets[month], month_rent)
        transactions += _everyday_extras(rng, month, exact=person.role is not Role.BACKGROUND)
        transactions += _planted(person, rng, month, months_before_end=len(months) - 1 - index)

    by_bill: dict[str, list[Transaction]] = {bill: [] for bill in person.bills}
    for transaction in transactions:
        bill = (
            person.bills[0] if len(person.bills) == 1 else _bill_for(rng, transaction, person.bills)
        )
        by_bill[bill].append(transaction)
    for rows in by_bill.values():
        rows.sort(key=lambda t: t.occurred_at, reverse=True)
    return by_bill


def _bill_for(rng: random.Random, transaction: Transaction, bills: tuple[str, ...]) -> str:
    """Route a transaction to the platform it belongs to when an employee uses both."""
    if transaction.counterparty in ("借呗", "余额宝") or transaction.category == "住房物业":
        return ALIPAY
    if transaction.counterparty in ("微粒贷", "零钱通"):
        return bills[1]
    return bills[0] if rng.random() < 0.55 else bills[1]


def _moment(
    rng: random.Random, month: datetime.date, *, first_day: int = 1, last_day: int = 0
) -> datetime.datetime:
    end = month_end(month).day if last_day == 0 else last_day
    day = month.replace(day=rng.randint(first_day, end))
    seconds = rng.randint(7 * 3600, 23 * 3600 + 1800)
    return datetime.datetime.combine(day, datetime.time()) + datetime.timedelta(seconds=seconds)


def _purchases(
    rng: random.Random, month: datetime.date, target_fen: int, rent_fen: int
) -> list[Transaction]:
    """Draw purchases that add up to exactly `target_fen`."""
    rows = []
    if rent_fen:
        rows.append(_buy(rng, month, RENT, rent_fen, last_day=5))
    remaining = target_fen - rent_fen
    while remaining > 0:
        merchant = rng.choices(MERCHANTS, weights=MERCHANT_WEIGHTS)[0]
        amount = rng.randint(merchant.low_fen, merchant.high_fen)
        if amount >= remaining - 500:
            amount = remaining
        rows.append(_buy(rng, month, merchant, amount))
        remaining -= amount
    return rows


def _buy(
    rng: random.Random,
    month: datetime.date,
    merchant: Merchant,
    amount_fen: int,
    *,
    last_day: int = 0,
) -> Transaction:
    return Transaction(
        occurred_at=_moment(rng, month, last_day=last_day),
        kind=Kind.PURCHASE,
        category=merchant.category,
        counterparty=merchant.name,
        description=rng.choice(merchant.items),
        amount_fen=amount_fen,
    )


def _everyday_extras(rng: random.Random, month: datetime.date, *, exact: bool) -> list[Transaction]:
    """Add red packets and, for background staff, closed orders and refunds.

    Closed orders and refunds are left out for planted roles, so their spending is
    exactly the planted amount however a reader treats those rows.
    """
    rows = []
    for _ in range(rng.randint(0, 2)):
        rows.append(
            Transaction(
                occurred_at=_moment(rng, month),
                kind=Kind.GIFT_IN,
                category="转账红包",
                counterparty=rng.choice(("小*", "阿*", "老*")) + rng.choice("明华静伟丽"),
                description=rng.choice(("红包", "转账", "AA 收款")),
                amount_fen=rng.randint(10, 300) * 100,
            )
        )
    if exact:
        return rows

    if rng.random() < 0.3:
        merchant = rng.choices(MERCHANTS, weights=MERCHANT_WEIGHTS)[0]
        rows.append(
            Transaction(
                occurred_at=_moment(rng, month),
                kind=Kind.PURCHASE,
                category=merchant.category,
                counterparty=merchant.name,
                description=merchant.items[0],
                amount_fen=rng.randint(merchant.low_fen, merchant.high_fen),
                closed=True,
            )
        )
    if rng.random() < 0.2:
        bought_at = _moment(rng, month, last_day=20)
        rows.append(
            Transaction(
                occurred_at=bought_at,
                kind=Kind.PURCHASE,
                category="服饰装扮",
                counterparty="橙舍服饰",
                description="连帽卫衣",
                amount_fen=rng.randint(90, 400) * 100,
                refunded_at=bought_at
                + datetime.timedelta(days=rng.randint(2, 7), minutes=rng.randint(5, 600)),
            )
        )
    return rows


def _planted(
    person: DemoEmployee, rng: random.Random, month: datetime.date, *, months_before_end: int
) -> list[Transaction]:
    """Add the rows that make a planted role what it is; the latest month is 0 months before the end."""
    role = person.role
    last = months_before_end == 0
    second_last = months_before_end == 1
    rows: list[Transaction] = []
    if role is Role.MULTI_LENDER and last:
        rows += _lending(rng, month, LENDING_PLATFORMS[:4])
    elif role is Role.MULTI_LENDER_BORROWING_MORE and (last or second_last):
        platforms = LENDING_PLATFORMS[4:8] if last else LENDING_PLATFORMS[5:8]
        rows += _lending(rng, month, platforms)
    elif role is Role.MULTI_LENDER_OVERSPENDER and months_before_end < 3:
        rows += _lending(
            rng, month, (LENDING_PLATFORMS[0], LENDING_PLATFORMS[1], LENDING_PLATFORMS[8])
        )
    elif role is Role.GAMBLER and months_before_end < 4:
        for _ in range(rng.randint(4, 7)):
            rows.append(_buy(rng, month, rng.choice(LOTTERY), rng.randint(10, 80) * 1_000))
    elif role is Role.ONE_OFF_PURCHASE and months_before_end == 2:
        rows.append(_buy(rng, month, BIG_PURCHASE, BIG_PURCHASE.low_fen))
    elif role is Role.SAVER:
        rows.append(_neutral(rng, month, Kind.SAVINGS, "余额宝", "余额宝-自动转入", 2_000_000))
        rows.append(_neutral(rng, month, Kind.SAVINGS, "零钱通", "转入零钱通-来自零钱", 500_000))
        rows.append(
            _neutral(
                rng, month, Kind.CARD_REPAYMENT, "信用卡还款", "信用卡还款-建设银行(5510)", 800_000
            )
        )
    return rows


def _neutral(
    rng: random.Random,
    month: datetime.date,
    kind: Kind,
    counterparty: str,
    description: str,
    amount_fen: int,
) -> Transaction:
    return Transaction(
        occurred_at=_moment(rng, month, first_day=10, last_day=15),
        kind=kind,
        category="投资理财" if kind is Kind.SAVINGS else "信用借还",
        counterparty=counterparty,
        description=description,
        amount_fen=amount_fen,
    )


def _lending(
    rng: random.Random, month: datetime.date, platforms: tuple[tuple[str, str, str], ...]
) -> list[Transaction]:
    """Borrow from the first half of the platforms and repay every one of them."""
    rows = []
    for position, (platform, loan_text, repayment_text) in enumerate(platforms):
        if position % 2 == 0:
            rows.append(
                Transaction(
                    occurred_at=_moment(rng, month, first_day=2, last_day=12),
                    kind=Kind.LOAN_IN,
                    category="信用借还",
                    counterparty=platform,
                    description=loan_text,
                    amount_fen=rng.randint(3, 10) * 100_000,
                )
            )
        rows.append(
            Transaction(
                occurred_at=_moment(rng, month, first_day=15, last_day=25),
                kind=Kind.LOAN_REPAYMENT,
                category="信用借还",
                counterparty=platform,
                description=repayment_text,
                amount_fen=rng.randint(80, 160) * 1_000,
            )
        )
    return rows
