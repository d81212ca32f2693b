import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser, User

from hrguard.core.errors import NotFound
from hrguard.payments.models import PaymentTransaction
from hrguard.payroll.models import PayrollRecord
from hrguard.privacy.models import AuditEntry, Consent, DataCategory
from hrguard.privacy.roles import Role
from hrguard.risk import selectors
from hrguard.risk.selectors import MonthlySpending
from tests.factories import DepartmentFactory, EmployeeFactory
from tests.web.conftest import AlertMaker, make_hr_user

pytestmark = pytest.mark.django_db

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def payment(employee, when: datetime.datetime, amount: str, **fields) -> PaymentTransaction:
    values = {
        "source": PaymentTransaction.Source.WECHAT,
        "direction": PaymentTransaction.Direction.EXPENSE,
        "succeeded": True,
        "order_no": f"{when.isoformat()}-{amount}",
    }
    values.update(fields)
    return PaymentTransaction.objects.create(
        employee=employee, occurred_at=when, amount=Decimal(amount), **values
    )


def test_monthly_spending_counts_succeeded_expenses_in_local_months(hr_user: User) -> None:
    employee = EmployeeFactory()
    Consent.objects.create(
        employee=employee, category=DataCategory.PAYMENTS, granted_on=datetime.date(2026, 1, 1)
    )
    PayrollRecord.objects.create(
        employee=employee,
        month=datetime.date(2026, 11, 1),
        gross_pay=Decimal("9500.00"),
        net_pay=Decimal("8000.00"),
    )
    # 1 November 00:30 in Shanghai is still 31 October in UTC.
    payment(employee, datetime.datetime(2026, 11, 1, 0, 30, tzinfo=SHANGHAI), "100.50")
    payment(employee, datetime.datetime(2026, 11, 20, 9, 0, tzinfo=SHANGHAI), "200.00")
    payment(employee, datetime.datetime(2026, 10, 31, 23, 0, tzinfo=SHANGHAI), "7.00")
    payment(employee, datetime.datetime(2026, 11, 2, tzinfo=SHANGHAI), "999.00", succeeded=False)
    payment(
        employee,
        datetime.datetime(2026, 11, 3, tzinfo=SHANGHAI),
        "5000.00",
        direction=PaymentTransaction.Direction.INCOME,
    )
    payment(employee, datetime.datetime(2026, 12, 1, tzinfo=SHANGHAI), "50.00")

    months = selectors.employee_monthly_spending(
        user=hr_user, employee=employee, end=datetime.date(2026, 11, 30), months=2
    )

    assert months == [
        MonthlySpending(datetime.date(2026, 10, 1), Decimal("7.00"), None),
        MonthlySpending(datetime.date(2026, 11, 1), Decimal("300.50"), Decimal("8000.00")),
    ]
    assert months[1].ratio == Decimal("0.04")
    assert months[0].ratio is None


def test_monthly_spending_withdrawn_consent_returns_none(hr_user: User) -> None:
    employee = EmployeeFactory()
    Consent.objects.create(
        employee=employee,
        category=DataCategory.PAYMENTS,
        granted_on=datetime.date(2026, 1, 1),
        withdrawn_on=datetime.date(2026, 2, 1),
    )
    payment(employee, datetime.datetime(2026, 1, 10, tzinfo=SHANGHAI), "10.00")

    months = selectors.employee_monthly_spending(
        user=hr_user, employee=employee, end=datetime.date(2026, 1, 31)
    )

    assert months is None


def test_monthly_spending_other_consent_category_returns_none(hr_user: User) -> None:
    employee = EmployeeFactory()
    Consent.objects.create(
        employee=employee, category=DataCategory.CHAT, granted_on=datetime.date(2026, 1, 1)
    )

    months = selectors.employee_monthly_spending(
        user=hr_user, employee=employee, end=datetime.date(2026, 1, 31)
    )

    assert months is None


def test_monthly_spending_window_crosses_year_end(hr_user: User) -> None:
    employee = EmployeeFactory()
    Consent.objects.create(
        employee=employee, category=DataCategory.PAYMENTS, granted_on=datetime.date(2025, 1, 1)
    )

    months = selectors.employee_monthly_spending(
        user=hr_user, employee=employee, end=datetime.date(2026, 2, 15)
    )

    assert [row.month for row in months] == [
        datetime.date(2025, 9, 1),
        datetime.date(2025, 10, 1),
        datetime.date(2025, 11, 1),
        datetime.date(2025, 12, 1),
        datetime.date(2026, 1, 1),
        datetime.date(2026, 2, 1),
    ]


def test_alert_get_for_user_anonymous_raises_not_found(make_alert: AlertMaker) -> None:
    alert = make_alert(EmployeeFactory())

    with pytest.raises(NotFound) as raised:
        selectors.alert_get_for_user(alert_id=alert.pk, user=AnonymousUser())

    assert raised.value.message == f"预警 {alert.pk} 不存在。"


def test_alert_list_indicator_filter_matches_whole_code(
    hr_user: User, make_alert: AlertMaker
) -> None:
    alert = make_alert(EmployeeFactory(), results={"loan_platforms": True})

    assert list(selectors.alert_list_for_user(user=hr_user, indicator="loan")) == []
    assert list(selectors.alert_list_for_user(user=hr_user, indicator="loan_platforms")) == [alert]


def test_alert_list_department_scope_limits_hr_specialist(make_alert: AlertMaker) -> None:
    sales = DepartmentFactory(name="销售部")
    child = DepartmentFactory(name="华东销售组", parent=sales)
    in_sales = make_alert(EmployeeFactory(department=sales))
    in_child = make_alert(EmployeeFactory(department=child))
    make_alert(EmployeeFactory(department=DepartmentFactory(name="财务部")))
    specialist = make_hr_user("hr.li", Role.HR_SPECIALIST, sales)

    alerts = selectors.alert_list_for_user(user=specialist)

    assert set(alerts) == {in_sales, in_child}


def test_alert_list_user_without_alert_capability_sees_none(make_alert: AlertMaker) -> None:
    make_alert(EmployeeFactory())
    legal = make_hr_user("legal.wang", Role.LEGAL)

    assert list(selectors.alert_list_for_user(user=legal)) == []


def test_monthly_spending_read_is_audited(hr_user: User) -> None:
    employee = EmployeeFactory(employee_no="E0042")
    Consent.objects.create(
        employee=employee, category=DataCategory.PAYMENTS, granted_on=datetime.date(2026, 1, 1)
    )

    selectors.employee_monthly_spending(
        user=hr_user, employee=employee, end=datetime.date(2026, 11, 30)
    )

    entry = AuditEntry.objects.get()
    assert entry.actor_id == hr_user.pk
    assert entry.action == "payments.view_monthly_spending"
    assert entry.target_type == "employee"
    assert entry.target_id == "E0042"
    assert entry.after == {"first_month": "2026-06-01", "months": 6}


def test_monthly_spending_without_consent_writes_no_audit(hr_user: User) -> None:
    employee = EmployeeFactory()

    selectors.employee_monthly_spending(
        user=hr_user, employee=employee, end=datetime.date(2026, 11, 30)
    )

    assert AuditEntry.objects.count() == 0


def test_indicator_codes_in_use_come_from_latest_scan(make_alert: AlertMaker) -> None:
    make_alert(EmployeeFactory(), results={"spend_income_ratio": True, "leave_spike": False})

    assert selectors.indicator_codes_in_use() == ["leave_spike", "spend_income_ratio"]
