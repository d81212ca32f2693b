"""Build a small company in the database, row by row, for scan tests."""

import datetime
import itertools
from decimal import Decimal
from zoneinfo import ZoneInfo

from hrguard.attendance.models import LeaveRecord
from hrguard.payments.models import PaymentTransaction
from hrguard.payroll.models import PayrollRecord
from hrguard.people.models import Employee
from hrguard.privacy.models import Consent, DataCategory
from tests.factories import DepartmentFactory, EmployeeFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
AS_OF = datetime.date(2026, 7, 31)
# First days of February … July 2026, the window of AS_OF.
MONTHS = [datetime.date(2026, month, 1) for month in range(2, 8)]
_ORDER_NUMBERS = itertools.count(1)


def employee(
    employee_no: str,
    *,
    consent_from: datetime.date | None = datetime.date(2026, 1, 1),
    withdrawn_on: datetime.date | None = None,
    net_pay: str = "8000",
    department: str = "销售部",
    status: str = Employee.Status.ACTIVE,
) -> Employee:
    """Create an employee paid `net_pay` every window month, with payment consent from `consent_from`."""
    person = EmployeeFactory(
        employee_no=employee_no, department=DepartmentFactory(name=department), status=status
    )
    if consent_from is not None:
        Consent.objects.create(
            employee=person,
            category=DataCategory.PAYMENTS,
            granted_on=consent_from,
            withdrawn_on=withdrawn_on,
        )
    for month in MONTHS:
        PayrollRecord.objects.create(
            employee=person, month=month, gross_pay=Decimal(net_pay) * 2, net_pay=Decimal(net_pay)
        )
    return person


def pay(
    person: Employee,
    day: datetime.date,
    yuan: str,
    *,
    counterparty: str = "某商场",
    description: str = "购物",
    direction: str = PaymentTransaction.Direction.EXPENSE,
    hour: int = 12,
) -> PaymentTransaction:
    return PaymentTransaction.objects.create(
        employee=person,
        source=PaymentTransaction.Source.ALIPAY,
        occurred_at=datetime.datetime.combine(day, datetime.time(hour), tzinfo=SHANGHAI),
        category="日用百货",
        counterparty=counterparty,
        description=description,
        direction=direction,
        amount=Decimal(yuan),
        status="交易成功",
        order_no=f"O{next(_ORDER_NUMBERS):08d}",
        succeeded=True,
    )


def overspend(person: Employee, months: list[datetime.date], yuan: str = "12000") -> None:
    for month in months:
        pay(person, month.replace(day=10), yuan)


def borrow_from_three_platforms(person: Employee, day: datetime.date) -> None:
    for platform in ("蚂蚁借呗", "分期乐", "洋钱罐"):
        pay(
            person,
            day,
            "1000",
            counterparty=platform,
            description="借款",
            direction=PaymentTransaction.Direction.NEUTRAL,
        )


def gamble(person: Employee, day: datetime.date, yuan: str = "800") -> None:
    pay(person, day, yuan, counterparty="中国体育彩票", description="竞彩足球")


def take_leave(person: Employee, month: datetime.date, days: int, leave_type: str = "事假") -> None:
    for day in range(1, days + 1):
        LeaveRecord.objects.create(
            employee=person, date=month.replace(day=day), leave_type=leave_type, days=Decimal("1")
        )
