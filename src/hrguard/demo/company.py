"""The demo company: people, pay, leave, reimbursements, consents and the planted cases.

Every value comes from `random.Random` instances seeded with the demo seed plus the
employee number, so one employee's data stays the same when the company size changes.
Amounts are integer fen.
"""

import calendar
import datetime
import random
from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.translation import gettext_lazy

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
)
GIVEN_NAME_CHARACTERS = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍鹏辉玲建国志宏博文浩宇子涵欣怡思远梓轩"
    "雨婷晓雪佳琪俊凯海燕雅婧天翔嘉怡晨阳佩瑶铭泽诗雯一鸣若曦东旭瑞雪立新慧颖振宇晴川书瑶"
)

# Department name, its positions, and its share of the head count.
DEPARTMENTS: tuple[tuple[str, tuple[str, ...], int], ...] = (
    ("研发部", ("后端工程师", "前端工程师", "测试工程师", "架构师", "研发经理"), 22),
    ("产品部", ("产品经理", "交互设计师", "产品助理"), 7),
    ("销售部", ("销售代表", "大客户经理", "销售主管"), 16),
    ("市场部", ("市场专员", "品牌经理", "新媒体运营"), 7),
    ("客服部", ("客服专员", "客服组长", "质检专员"), 12),
    ("运营部", ("运营专员", "数据分析师", "运营经理"), 9),
    ("仓储物流部", ("仓管员", "物流专员", "叉车司机", "仓储主管"), 11),
    ("财务部", ("会计", "出纳", "财务经理"), 5),
    ("人力资源部", ("招聘专员", "薪酬专员", "HRBP"), 5),
    ("行政部", ("行政专员", "前台", "行政主管"), 6),
)

MONTHS_OF_DATA = 6
EMPLOYEE_NO_START = 100001
MIN_EMPLOYEES = 20


class Role(StrEnum):
    """What the generator plants in one employee's data."""

    BACKGROUND = "background"
    # Planted risk cases: the scan must raise an alert with the expected indicators.
    OVERSPENDER = "overspender"
    MULTI_LENDER = "multi_lender"
    MULTI_LENDER_BORROWING_MORE = "multi_lender_borrowing_more"
    MULTI_LENDER_OVERSPENDER = "multi_lender_overspender"
    GAMBLER = "gambler"
    LEAVE_SPIKE = "leave_spike"
    REIMBURSEMENT_SPIKE = "reimbursement_spike"
    # Planted healthy cases: the scan must raise nothing.
    ONE_OFF_PURCHASE = "one_off_purchase"
    MATERNITY_LEAVE = "maternity_leave"
    SAVER = "saver"
    # NOTE: the import rejects these two employees' bills, because it checks the consent
    # on the import day, so the demo never reaches the scan's own consent check.
    SPENDER_WITHOUT_CONSENT = "spender_without_consent"
    SPENDER_CONSENT_WITHDRAWN = "spender_consent_withdrawn"


# Indicator codes each planted role must produce; an empty tuple means no alert.
EXPECTED_INDICATORS: dict[Role, tuple[str, ...]] = {
    Role.OVERSPENDER: ("spend_income_ratio",),
    Role.MULTI_LENDER: ("loan_platforms",),
    Role.MULTI_LENDER_BORROWING_MORE: ("loan_platforms",),
    Role.MULTI_LENDER_OVERSPENDER: ("loan_platforms", "spend_income_ratio"),
    Role.GAMBLER: ("gambling_spend",),
    Role.LEAVE_SPIKE: ("leave_spike",),
    Role.REIMBURSEMENT_SPIKE: ("reimbursement_spike",),
    Role.ONE_OFF_PURCHASE: (),
    Role.MATERNITY_LEAVE: (),
    Role.SAVER: (),
    Role.SPENDER_WITHOUT_CONSENT: (),
    Role.SPENDER_CONSENT_WITHDRAWN: (),
}

ROLE_TITLES = {
    Role.OVERSPENDER: gettext_lazy("实发 8,000 元，连续三个月每月消费 12,000 元"),
    Role.MULTI_LENDER: gettext_lazy("同一个月在 4 个网贷平台借款和还款"),
    Role.MULTI_LENDER_BORROWING_MORE: gettext_lazy("连续两个月在 3 个以上网贷平台借款和还款"),
    Role.MULTI_LENDER_OVERSPENDER: gettext_lazy(
        "多头借贷，同时连续三个月消费超过实发工资的 1.5 倍"
    ),
    Role.GAMBLER: gettext_lazy("每月多次购买彩票"),
    Role.LEAVE_SPIKE: gettext_lazy("最近一个月事假和旷工明显增多"),
    Role.REIMBURSEMENT_SPIKE: gettext_lazy("最近一个月报销金额远高于以往"),
    Role.ONE_OFF_PURCHASE: gettext_lazy("只有一个月有一笔大额消费（不应预警）"),
    Role.MATERNITY_LEAVE: gettext_lazy("休产假（受法律保护的假期，不应预警）"),
    Role.SAVER: gettext_lazy("大额转入余额宝、零钱通和还信用卡（不计收支，不应预警）"),
    Role.SPENDER_WITHOUT_CONSENT: gettext_lazy("消费很高但未授权支付记录（不得扫描，不应预警）"),
    Role.SPENDER_CONSENT_WITHDRAWN: gettext_lazy(
        "消费很高但已撤回支付记录授权（不得扫描，不应预警）"
    ),
}

# Which bill exports each planted role gets, so every file layout shows up in a small demo.
ALIPAY = "alipay"
WECHAT_CSV = "wechat_csv"
WECHAT_XLSX = "wechat_xlsx"
PLANTED_BILLS: dict[Role, tuple[str, ...]] = {
    Role.OVERSPENDER: (ALIPAY,),
    Role.MULTI_LENDER: (ALIPAY, WECHAT_CSV),
    Role.MULTI_LENDER_BORROWING_MORE: (ALIPAY, WECHAT_XLSX),
    Role.MULTI_LENDER_OVERSPENDER: (ALIPAY, WECHAT_CSV),
    Role.GAMBLER: (WECHAT_XLSX,),
    Role.LEAVE_SPIKE: (),
    Role.REIMBURSEMENT_SPIKE: (),
    Role.ONE_OFF_PURCHASE: (ALIPAY,),
    Role.MATERNITY_LEAVE: (),
    Role.SAVER: (ALIPAY, WECHAT_CSV),
    Role.SPENDER_WITHOUT_CONSENT: (ALIPAY,),
    Role.SPENDER_CONSENT_WITHDRAWN: (WECHAT_CSV,),
}

# Monthly net pay of the planted roles whose ratio of spending to pay matters, in fen.
PLANTED_NET_PAY = {
    Role.OVERSPENDER: 800_000,
    Role.MULTI_LENDER_OVERSPENDER: 900_000,
    Role.ONE_OFF_PURCHASE: 1_200_000,
    Role.SAVER: 1_000_000,
    Role.SPENDER_WITHOUT_CONSENT: 850_000,
    Role.SPENDER_CONSENT_WITHDRAWN: 950_000,
}


@dataclass(frozen=True)
class ConsentGrant:
    category: str  # the Chinese label written in the file: 支付记录, 征信报告 or 聊天记录
    granted_on: datetime.date
    withdrawn_on: datetime.date | None = None


@dataclass(frozen=True)
class LeaveEntry:
    date: datetime.date
    leave_type: str
    days: str  # as written in the file, e.g. "0.5"


@dataclass(frozen=True)
class ReimbursementEntry:
    date: datetime.date
    amount_fen: int
    category: str
    description: str


@dataclass
class DemoEmployee:
    employee_no: str
    name: str
    department: str
    position: str
    hire_date: datetime.date
    phone: str
    status: str  # 在职 or 试用, as written in the roster
    role: Role
    net_pay_fen: dict[datetime.date, int] = field(default_factory=dict)
    gross_pay_fen: dict[datetime.date, int] = field(default_factory=dict)
    leave: list[LeaveEntry] = field(default_factory=list)
    reimbursements: list[ReimbursementEntry] = field(default_factory=list)
    consents: list[ConsentGrant] = field(default_factory=list)
    bills: tuple[str, ...] = ()

    @property
    def pays_consent_in_force(self) -> bool:
        """Whether a 支付记录 consent exists and was never withdrawn."""
        return any(c.category == "支付记录" and c.withdrawn_on is None for c in self.consents)


def employee_rng(seed: int, employee_no: str, topic: str) -> random.Random:
    """Return the random source for one topic of one employee's data."""
    return random.Random(f"{seed}:{employee_no}:{topic}")  # noqa: S311 - fictional data, not security


def data_months(as_of: datetime.date) -> list[datetime.date]:
    """Return the first days of the six complete months that end on or before `as_of`."""
    last_day = calendar.monthrange(as_of.year, as_of.month)[1]
    year, month = as_of.year, as_of.month
    if as_of.day != last_day:
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    months = []
    for _ in range(MONTHS_OF_DATA):
        months.append(datetime.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def month_end(month: datetime.date) -> datetime.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def assign_roles(seed: int, employees: int) -> list[Role]:
    """Spread the planted roles over the company; everyone else is background."""
    planted = [role for role in Role if role is not Role.BACKGROUND]
    rng = random.Random(f"{seed}:roles")  # noqa: S311 - fictional data, not security
    slots = rng.sample(range(employees), len(planted))
    roles = [Role.BACKGROUND] * employees
    for slot, role in zip(slots, planted, strict=True):
        roles[slot] = role
    return roles


def build_employees(*, seed: int, employees: int, as_of: datetime.date) -> list[DemoEmployee]:
    """Create the roster with pay, leave, reimbursements and consents for every employee."""
    if employees < MIN_EMPLOYEES:
        raise ValueError(
            f"the demo company needs at least {MIN_EMPLOYEES} employees, got {employees}"
        )

    months = data_months(as_of)
    roles = assign_roles(seed, employees)
    department_cycle = [name for name, _, share in DEPARTMENTS for _ in range(share)]
    people = []
    taken_names: set[str] = set()
    for index, role in enumerate(roles):
        employee_no = str(EMPLOYEE_NO_START + index)
        rng = employee_rng(seed, employee_no, "person")
        department = department_cycle[(index * 37) % len(department_cycle)]
        positions = next(p for name, p, _ in DEPARTMENTS if name == department)
        person = DemoEmployee(
            employee_no=employee_no,
            name=_unique_name(rng, taken_names),
            department=department,
            position=rng.choice(positions),
            hire_date=_hire_date(rng, months[0]),
            phone=f"1700000{index:04d}",
            status="在职",
            role=role,
        )
        if person.hire_date >= months[0] - datetime.timedelta(days=60):
            person.status = "试用"
        _add_pay(person, rng, months)
        _add_leave(person, employee_rng(seed, employee_no, "leave"), months)
        _add_reimbursements(person, employee_rng(seed, employee_no, "reimbursements"), months)
        _add_consents_and_bills(person, employee_rng(seed, employee_no, "consent"), months)
        people.append(person)
    return people


def _unique_name(rng: random.Random, taken: set[str]) -> str:
    while True:
        given_length = 1 if rng.random() < 0.3 else 2
        name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN_NAME_CHARACTERS, k=given_length))
        if name not in taken:
            taken.add(name)
            return name


def _hire_date(rng: random.Random, first_month: datetime.date) -> datetime.date:
    if rng.random() < 0.06:
        # A recent hire, still on probation (at most six months under the Labour Contract Law).
        return first_month - datetime.timedelta(days=rng.randint(5, 50))
    start = datetime.date(2014, 3, 1)
    span = (first_month - datetime.timedelta(days=120) - start).days
    return start + datetime.timedelta(days=rng.randint(0, span))


def _add_pay(person: DemoEmployee, rng: random.Random, months: list[datetime.date]) -> None:
    fixed_net = PLANTED_NET_PAY.get(person.role)
    # Net pay between 6,000 and 30,000 yuan, most people near the low end.
    base_net = fixed_net or round(rng.triangular(6_000, 30_000, 9_000)) * 100
    for month in months:
        net = fixed_net or base_net + rng.choice((0, 0, 0, 1, -1)) * rng.randint(1, 8) * 10_000
        # Social insurance, housing fund and income tax take roughly a fifth of gross pay.
        gross = (net * 100 // 78) // 1000 * 1000
        person.net_pay_fen[month] = net
        person.gross_pay_fen[month] = gross


def _add_leave(person: DemoEmployee, rng: random.Random, months: list[datetime.date]) -> None:
    for index, month in enumerate(months):
        workdays = _workdays(month)
        # Background personal leave only in the first half of the window, so nobody's
        # latest month rises above their own baseline by chance.
        if index < 3 and rng.random() < 0.25:
            _take(person, rng, workdays, "事假", rng.choice(("0.5", "1")))
        if rng.random() < 0.3:
            _take(person, rng, workdays, "年假", rng.choice(("1", "1", "2")))
        if rng.random() < 0.12:
            _take(person, rng, workdays, "病假", rng.choice(("0.5", "1", "2")))
        if rng.random() < 0.15:
            _take(person, rng, workdays, "调休", "1")

    if person.role is Role.LEAVE_SPIKE:
        baseline = ("0.5", "1", "0", "0.5", "1")
        for month, days in zip(months[:-1], baseline, strict=True):
            if days != "0":
                _take(person, rng, _workdays(month), "事假", days)
        last = _workdays(months[-1])
        for day in rng.sample(last[5:], 6):
            _take(person, rng, [day], "事假", "1")
        for day in rng.sample([d for d in last if not _taken(person, d)], 2):
            _take(person, rng, [day], "旷工", "1")
    elif person.role is Role.MATERNITY_LEAVE:
        # 98 days of 产假 (the national minimum) starting in the fourth month, recorded
        # as one approved request the way HR systems export it.
        start = _workdays(months[3])[2]
        person.leave.append(LeaveEntry(start, "产假", "98"))
    person.leave.sort(key=lambda entry: (entry.date, entry.leave_type))


def _workdays(month: datetime.date) -> list[datetime.date]:
    end = month_end(month)
    days = [month + datetime.timedelta(days=n) for n in range((end - month).days + 1)]
    return [day for day in days if day.weekday() < 5]


def _taken(person: DemoEmployee, day: datetime.date) -> bool:
    return any(entry.date == day for entry in person.leave)


def _take(
    person: DemoEmployee,
    rng: random.Random,
    days: list[datetime.date],
    leave_type: str,
    length: str,
) -> None:
    free = [day for day in days if not _taken(person, day)]
    if free:
        person.leave.append(LeaveEntry(rng.choice(free), leave_type, length))


REIMBURSEMENT_KINDS = (
    ("差旅", "出差高铁票", 30_000, 90_000),
    ("差旅", "出差住宿", 25_000, 80_000),
    ("交通", "外出拜访客户打车", 3_000, 15_000),
    ("餐饮", "客户接待餐费", 20_000, 60_000),
    ("办公用品", "打印纸和文具", 5_000, 20_000),
    ("通讯", "手机话费补贴", 10_000, 20_000),
)
TRAVELLING_DEPARTMENTS = frozenset({"销售部", "市场部", "运营部", "仓储物流部"})


def _add_reimbursements(
    person: DemoEmployee, rng: random.Random, months: list[datetime.date]
) -> None:
    travels = person.department in TRAVELLING_DEPARTMENTS or person.role is Role.REIMBURSEMENT_SPIKE
    if not travels and rng.random() > 0.25:
        return

    claims_per_month = [rng.randint(1, 3) if travels else rng.randint(0, 1) for _ in months]
    # Cap the latest two months' claims at the earlier median and their amounts at
    # mid-range, so background staff do not look like a spike by chance.
    early_median = sorted(claims_per_month[:4])[1]
    claims_per_month[4] = min(claims_per_month[4], early_median)
    claims_per_month[5] = min(claims_per_month[5], early_median)
    kinds = REIMBURSEMENT_KINDS if travels else REIMBURSEMENT_KINDS[4:]
    for index, (month, claims) in enumerate(zip(months, claims_per_month, strict=True)):
        for day in sorted(rng.sample(_workdays(month), claims)):
            category, description, low, high = rng.choice(kinds)
            amount = rng.randint(low // 100, high // 100) * 100
            if person.role is Role.REIMBURSEMENT_SPIKE or index >= 4:
                amount = min(amount, (low + high) // 2)
            person.reimbursements.append(ReimbursementEntry(day, amount, category, description))

    if person.role is Role.REIMBURSEMENT_SPIKE:
        last = _workdays(months[-1])
        spike = (
            ("差旅", "外地项目差旅住宿（15 晚）", 1_260_000),
            ("餐饮", "客户接待餐费", 386_000),
            ("差旅", "往返机票", 412_000),
        )
        for day, (category, description, amount) in zip(last[8::4], spike, strict=False):
            person.reimbursements.append(ReimbursementEntry(day, amount, category, description))
    person.reimbursements.sort(key=lambda entry: (entry.date, entry.amount_fen))


CONSENT_DATES = (
    datetime.date(2025, 3, 3),
    datetime.date(2025, 9, 1),
    datetime.date(2026, 1, 5),
)


def _add_consents_and_bills(
    person: DemoEmployee, rng: random.Random, months: list[datetime.date]
) -> None:
    granted_on = max(rng.choice(CONSENT_DATES), person.hire_date)
    if person.role in PLANTED_BILLS:
        bills = PLANTED_BILLS[person.role]
        pays_consent = bool(bills) and person.role is not Role.SPENDER_WITHOUT_CONSENT
    else:
        pays_consent = rng.random() < 0.45
        choice = rng.random()
        if choice < 0.4:
            bills = (ALIPAY,)
        elif choice < 0.6:
            bills = (WECHAT_CSV,)
        elif choice < 0.75:
            bills = (WECHAT_XLSX,)
        else:
            bills = (ALIPAY, rng.choice((WECHAT_CSV, WECHAT_XLSX)))
        bills = bills if pays_consent else ()

    if pays_consent:
        withdrawn_on = None
        if person.role is Role.SPENDER_CONSENT_WITHDRAWN:
            withdrawn_on = months[-2] + datetime.timedelta(days=19)
        person.consents.append(ConsentGrant("支付记录", granted_on, withdrawn_on))
    if rng.random() < 0.2:
        person.consents.append(ConsentGrant("征信报告", granted_on))
    if rng.random() < 0.3 or person.role is Role.SPENDER_WITHOUT_CONSENT:
        person.consents.append(ConsentGrant("聊天记录", granted_on))
    person.bills = bills
