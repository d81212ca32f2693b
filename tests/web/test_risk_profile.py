import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.urls import reverse

from hrguard.cases.services import alert_dismiss
from hrguard.payments.models import PaymentTransaction
from hrguard.payroll.models import PayrollRecord
from hrguard.people.models import Employee
from hrguard.privacy.models import Consent, DataCategory, Reveal
from hrguard.privacy.roles import Action, Role
from hrguard.risk.models import AlertLevel, IndicatorResult, ScanRun
from hrguard.web.indicators import describe_result
from tests.factories import DepartmentFactory, EmployeeFactory
from tests.web.conftest import (
    AlertMaker,
    make_hr_user,
    no_loan_platforms_evidence,
    spend_income_evidence,
)

pytestmark = pytest.mark.django_db

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def add_pay_and_spending(employee: Employee, months: list[datetime.date]) -> None:
    for number, month in enumerate(months):
        PayrollRecord.objects.create(
            employee=employee, month=month, gross_pay=Decimal("10000"), net_pay=Decimal("8000")
        )
        PaymentTransaction.objects.create(
            employee=employee,
            source=PaymentTransaction.Source.ALIPAY,
            occurred_at=datetime.datetime(month.year, month.month, 10, 12, 0, tzinfo=SHANGHAI),
            direction=PaymentTransaction.Direction.EXPENSE,
            amount=Decimal("12000"),
            order_no=f"order-{number}",
            succeeded=True,
        )


def grant_payment_consent(employee: Employee) -> None:
    Consent.objects.create(
        employee=employee, category=DataCategory.PAYMENTS, granted_on=datetime.date(2026, 1, 5)
    )


def test_alert_detail_unknown_id_is_404(hr_client: Client) -> None:
    response = hr_client.get(reverse("web:alert_detail", args=[999]))

    assert response.status_code == 404


def test_employee_profile_unknown_id_is_404(hr_client: Client) -> None:
    response = hr_client.get(reverse("web:employee_profile", args=[999]))

    assert response.status_code == 404


def test_alert_detail_shows_summary_and_human_decision_note(
    hr_client: Client, make_alert: AlertMaker
) -> None:
    employee = EmployeeFactory(name="王小明", department=DepartmentFactory(name="销售部"))
    alert = make_alert(employee, level=AlertLevel.HIGH)

    response = hr_client.get(reverse("web:alert_detail", args=[alert.pk]))

    text = response.content.decode()
    assert response.status_code == 200
    assert f'员工风险画像 · <span class="pseudonym">{employee.pseudonym}</span>' in text
    assert "王小明" not in text
    assert "预警仅供参考，任何处理决定须由人作出。" in text
    assert '<span class="badge badge-large badge-high">高风险</span>' in text
    assert "<dt>状态</dt><dd>待处理</dd>" in text
    assert "<dt>规则集版本</dt><dd>2026.1</dd>" in text


def test_alert_detail_lists_hits_and_greyed_misses(
    hr_client: Client, make_alert: AlertMaker
) -> None:
    spending = spend_income_evidence(
        ["2026-09", "2026-10", "2026-11"], spending_fen=1_200_000, net_pay_fen=800_000
    )
    alert = make_alert(
        EmployeeFactory(),
        results={"spend_income_ratio": True, "loan_platforms": False},
        evidence={"spend_income_ratio": spending, "loan_platforms": no_loan_platforms_evidence()},
    )

    response = hr_client.get(reverse("web:alert_detail", args=[alert.pk]))

    hits = response.context["hits"]
    misses = response.context["misses"]
    assert [(row.code, row.label) for row in hits] == [("spend_income_ratio", "消费收入比")]
    assert [(row.code, row.label) for row in misses] == [("loan_platforms", "多头借贷")]
    assert hits[0].sentences == describe_result("spend_income_ratio", spending)
    assert misses[0].sentences == describe_result("loan_platforms", no_loan_platforms_evidence())
    text = response.content.decode()
    for sentence in hits[0].sentences + misses[0].sentences:
        assert f"<li>{sentence}</li>" in text
    assert '<li class="evidence evidence-miss">' in text
    assert "未命中指标" in text


def test_alert_detail_incomplete_evidence_shows_raw_values(
    hr_client: Client, make_alert: AlertMaker
) -> None:
    alert = make_alert(
        EmployeeFactory(),
        results={"spend_income_ratio": True},
        evidence={"spend_income_ratio": {"spending_fen": 1_200_000}},
    )

    response = hr_client.get(reverse("web:alert_detail", args=[alert.pk]))

    assert response.status_code == 200
    assert response.context["hits"][0].sentences == ["spending_fen：1,200,000"]


def test_alert_detail_without_payment_consent_hides_spending(
    hr_client: Client, make_alert: AlertMaker
) -> None:
    employee = EmployeeFactory()
    add_pay_and_spending(employee, [datetime.date(2026, 11, 1)])
    alert = make_alert(employee)

    response = hr_client.get(reverse("web:alert_detail", args=[alert.pk]))

    assert response.context["spending"] is None
    text = response.content.decode()
    assert "未授权支付记录" in text
    assert '<td class="num">12,000.00</td>' not in text
    assert "echarts.min.js" not in text


def test_alert_detail_with_consent_charts_six_months(
    hr_client: Client, make_alert: AlertMaker
) -> None:
    employee = EmployeeFactory()
    grant_payment_consent(employee)
    add_pay_and_spending(
        employee,
        [datetime.date(2026, 9, 1), datetime.date(2026, 10, 1), datetime.date(2026, 11, 1)],
    )
    alert = make_alert(employee)

    response = hr_client.get(reverse("web:alert_detail", args=[alert.pk]))

    option = response.context["spending_chart"]
    assert option["xAxis"]["data"] == [
        "2026-06",
        "2026-07",
        "2026-08",
        "2026-09",
        "2026-10",
        "2026-11",
    ]
    assert option["series"][0]["data"] == [0.0, 0.0, 0.0, 12000.0, 12000.0, 12000.0]
    assert option["series"][1]["data"] == [None, None, None, 8000.0, 8000.0, 8000.0]
    text = response.content.decode()
    assert '<td class="num">12,000.00</td>' in text
    assert '<td class="num">1.50</td>' in text
    assert 'data-chart="spending-chart"' in text


def test_employee_profile_shows_open_alert(hr_client: Client, make_alert: AlertMaker) -> None:
    employee = EmployeeFactory()
    alert = make_alert(employee, level=AlertLevel.MEDIUM)

    response = hr_client.get(reverse("web:employee_profile", args=[employee.pk]))

    assert response.context["alert"] == alert
    assert [row.code for row in response.context["hits"]] == ["spend_income_ratio"]


def test_employee_profile_without_alert_or_scan(hr_client: Client) -> None:
    employee = EmployeeFactory()

    response = hr_client.get(reverse("web:employee_profile", args=[employee.pk]))

    text = response.content.decode()
    assert "<dt>级别</dt><dd>尚未扫描</dd>" in text
    assert "还没有扫描过这名员工的数据。" in text
    assert "最近一次扫描没有命中任何指标。" not in text


def test_employee_profile_scanned_without_hit(hr_client: Client, scan: ScanRun) -> None:
    employee = EmployeeFactory()

    response = hr_client.get(reverse("web:employee_profile", args=[employee.pk]))

    text = response.content.decode()
    assert "<dt>级别</dt><dd>无预警</dd>" in text
    assert f"<dt>最近扫描</dt><dd>{scan.as_of:%Y-%m-%d}</dd>" in text
    assert "最近一次扫描没有命中任何指标。" in text


def test_alert_detail_outside_department_scope_is_404(
    client: Client, make_alert: AlertMaker
) -> None:
    alert = make_alert(EmployeeFactory(department=DepartmentFactory(name="财务部")))
    client.force_login(make_hr_user("hr.li", Role.HR_SPECIALIST, DepartmentFactory(name="销售部")))

    assert client.get(reverse("web:alert_detail", args=[alert.pk])).status_code == 404
    assert client.get(reverse("web:employee_profile", args=[alert.employee.pk])).status_code == 404


def test_alert_reveal_name_with_reason_shows_name_on_that_alert_only(
    hr_client: Client, hr_user: User, make_alert: AlertMaker
) -> None:
    employee = EmployeeFactory(name="王小明")
    alert = make_alert(employee)
    detail = reverse("web:alert_detail", args=[alert.pk])

    response = hr_client.post(
        reverse("web:alert_reveal_name", args=[alert.pk]), {"reason": "约谈前核对身份"}, follow=True
    )

    assert response.redirect_chain == [(detail, 302)]
    text = response.content.decode()
    assert '<span class="pseudonym">王小明</span>' in text
    assert "已显示该员工的姓名，本次查看已记入审计日志。" in text
    assert 'class="reveal-form"' not in text
    reveal = Reveal.objects.get()
    assert (reveal.user, reveal.employee, reveal.reason) == (hr_user, employee, "约谈前核对身份")
    assert "王小明" not in hr_client.get(reverse("web:alert_list")).content.decode()


def test_alert_reveal_name_blank_reason_is_rejected(
    hr_client: Client, make_alert: AlertMaker
) -> None:
    alert = make_alert(EmployeeFactory(name="王小明"))

    response = hr_client.post(
        reverse("web:alert_reveal_name", args=[alert.pk]), {"reason": "  "}, follow=True
    )

    text = response.content.decode()
    assert "请填写查看姓名的理由。" in text
    assert "王小明" not in text
    assert Reveal.objects.count() == 0


def test_alert_reveal_name_get_is_not_allowed(hr_client: Client, make_alert: AlertMaker) -> None:
    alert = make_alert(EmployeeFactory())

    response = hr_client.get(reverse("web:alert_reveal_name", args=[alert.pk]))

    assert response.status_code == 405


def test_alert_detail_offers_reveal_only_with_permission(
    hr_client: Client, make_alert: AlertMaker
) -> None:
    alert = make_alert(EmployeeFactory())
    url = reverse("web:alert_detail", args=[alert.pk])
    viewer = User.objects.create_user(username="viewer.zhou")
    viewer.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="privacy",
            codename__in=[Action.VIEW_ALERTS, Action.VIEW_ALL_EMPLOYEES],
        )
    )
    client = Client()
    client.force_login(viewer)

    assert 'class="reveal-form"' in hr_client.get(url).content.decode()
    assert 'class="reveal-form"' not in client.get(url).content.decode()
    assert (
        client.post(
            reverse("web:alert_reveal_name", args=[alert.pk]), {"reason": "核对"}
        ).status_code
        == 302
    )
    assert Reveal.objects.count() == 0


def test_alert_detail_later_scan_without_hits_shows_its_misses(
    hr_client: Client, make_alert: AlertMaker, scan: ScanRun
) -> None:
    alert = make_alert(EmployeeFactory(), results={"spend_income_ratio": True})
    later = ScanRun.objects.create(
        as_of=datetime.date(2026, 12, 31), rule_set=scan.rule_set, finished_at=scan.finished_at
    )
    IndicatorResult.objects.create(
        scan=later,
        alert=alert,
        employee=alert.employee,
        code="spend_income_ratio",
        hit=False,
        evidence=spend_income_evidence(["2026-12"], spending_fen=400_000, net_pay_fen=800_000),
    )

    response = hr_client.get(reverse("web:alert_detail", args=[alert.pk]))

    assert response.context["scan"] == later
    assert response.context["hits"] == []
    assert [row.code for row in response.context["misses"]] == ["spend_income_ratio"]
    text = response.content.decode()
    assert "<dt>最近命中扫描</dt><dd>2026-11-30</dd>" in text
    assert "<dt>最近扫描</dt><dd>2026-12-31</dd>" in text
    assert "命中指标（2026-12-31 扫描）" in text
    assert "最近一次扫描没有命中任何指标。" in text


def test_alert_detail_shows_dismissal_reason(
    hr_client: Client, hr_user: User, make_alert: AlertMaker
) -> None:
    alert = make_alert(EmployeeFactory())
    alert_dismiss(alert=alert, user=hr_user, reason_code="data_error", note="工资表月份填错")

    response = hr_client.get(reverse("web:alert_detail", args=[alert.pk]))

    text = response.content.decode()
    assert "<dt>排除原因</dt><dd>数据错误</dd>" in text
    assert "<dt>排除说明</dt><dd>工资表月份填错</dd>" in text
