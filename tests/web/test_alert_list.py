import pytest
from django.test import Client
from django.urls import reverse

from hrguard.privacy.roles import Role
from hrguard.risk.models import AlertLevel
from tests.factories import DepartmentFactory, EmployeeFactory
from tests.web.conftest import AlertMaker, make_hr_user

pytestmark = pytest.mark.django_db

URL = reverse("web:alert_list")


def pseudonyms(response) -> list[str]:
    return [alert.employee.pseudonym for alert in response.context["page"].object_list]


def test_alert_list_shows_pseudonym_never_name(hr_client: Client, make_alert: AlertMaker) -> None:
    employee = EmployeeFactory(name="王小明", department=DepartmentFactory(name="销售部"))
    make_alert(employee, level=AlertLevel.MEDIUM)

    response = hr_client.get(URL)

    text = response.content.decode()
    assert employee.pseudonym in text
    assert "王小明" not in text
    assert "销售部" in text
    assert '<span class="badge badge-medium">中风险</span>' in text
    assert '<span class="tag">消费收入比</span>' in text
    assert "2026-11-30" in text
    assert "共 1 条预警" in text


def test_alert_list_default_shows_open_alerts_only(
    hr_client: Client, make_alert: AlertMaker
) -> None:
    open_alert = make_alert(EmployeeFactory())
    make_alert(EmployeeFactory(), status="dismissed")

    response = hr_client.get(URL)

    assert pseudonyms(response) == [open_alert.employee.pseudonym]


def test_alert_list_filter_by_status(hr_client: Client, make_alert: AlertMaker) -> None:
    make_alert(EmployeeFactory())
    dismissed = make_alert(EmployeeFactory(), status="dismissed")

    response = hr_client.get(URL, {"status": "dismissed"})

    assert pseudonyms(response) == [dismissed.employee.pseudonym]


def test_alert_list_filter_by_level(hr_client: Client, make_alert: AlertMaker) -> None:
    high = make_alert(EmployeeFactory(), level=AlertLevel.HIGH)
    make_alert(EmployeeFactory(), level=AlertLevel.WATCH)

    response = hr_client.get(URL, {"level": "high"})

    assert pseudonyms(response) == [high.employee.pseudonym]


def test_alert_list_filter_by_department(hr_client: Client, make_alert: AlertMaker) -> None:
    finance = DepartmentFactory(name="财务部")
    in_finance = make_alert(EmployeeFactory(department=finance))
    make_alert(EmployeeFactory(department=DepartmentFactory(name="销售部")))

    response = hr_client.get(URL, {"department": finance.pk})

    assert pseudonyms(response) == [in_finance.employee.pseudonym]


def test_alert_list_filter_by_indicator(hr_client: Client, make_alert: AlertMaker) -> None:
    lending = make_alert(
        EmployeeFactory(), results={"loan_platforms": True, "spend_income_ratio": False}
    )
    make_alert(EmployeeFactory(), results={"loan_platforms": False, "spend_income_ratio": True})

    response = hr_client.get(URL, {"indicator": "loan_platforms"})

    assert pseudonyms(response) == [lending.employee.pseudonym]
    assert '<option value="loan_platforms" selected>多头借贷</option>' in response.content.decode()


def test_alert_list_invalid_filter_shows_error(hr_client: Client, make_alert: AlertMaker) -> None:
    high = make_alert(EmployeeFactory(), level=AlertLevel.HIGH)
    make_alert(EmployeeFactory(), level=AlertLevel.WATCH)

    response = hr_client.get(URL, {"level": "high", "indicator": "no_such_code"})

    assert pseudonyms(response) == [high.employee.pseudonym]
    assert "选择一个有效的选项。 no_such_code 不在可用的选项中。" in response.content.decode()


def test_alert_list_htmx_request_returns_table_only(
    hr_client: Client, make_alert: AlertMaker
) -> None:
    alert = make_alert(EmployeeFactory())

    response = hr_client.get(
        URL, {"level": "watch"}, headers={"HX-Request": "true", "HX-Target": "alert-table"}
    )

    text = response.content.decode()
    assert text.lstrip().startswith('<section class="card table-card"')
    assert "<html" not in text
    assert alert.employee.pseudonym in text
    assert "HX-Target" in response["Vary"]


def test_alert_list_htmx_history_restore_returns_whole_page(hr_client: Client) -> None:
    response = hr_client.get(
        URL, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )

    assert "<html" in response.content.decode()


def test_alert_list_paginates_25_per_page(hr_client: Client, make_alert: AlertMaker) -> None:
    for _ in range(27):
        make_alert(EmployeeFactory(), level=AlertLevel.WATCH)

    first = hr_client.get(URL, {"level": "watch"})
    second = hr_client.get(URL, {"level": "watch", "page": 2})

    assert len(first.context["page"].object_list) == 25
    assert len(second.context["page"].object_list) == 2
    assert "第 1 / 2 页" in first.content.decode()
    assert 'href="?level=watch&amp;page=2"' in first.content.decode()
    assert 'href="?level=watch&amp;page=1"' in second.content.decode()


def test_alert_list_links_each_row_to_its_detail(hr_client: Client, make_alert: AlertMaker) -> None:
    alert = make_alert(EmployeeFactory())

    text = hr_client.get(URL).content.decode()

    assert f'href="{reverse("web:alert_detail", args=[alert.pk])}"' in text


def test_alert_list_orders_highest_level_first(hr_client: Client, make_alert: AlertMaker) -> None:
    watch = make_alert(EmployeeFactory(), level=AlertLevel.WATCH)
    high = make_alert(EmployeeFactory(), level=AlertLevel.HIGH)
    medium = make_alert(EmployeeFactory(), level=AlertLevel.MEDIUM)
    newer_watch = make_alert(EmployeeFactory(), level=AlertLevel.WATCH)

    response = hr_client.get(URL)

    assert pseudonyms(response) == [
        alert.employee.pseudonym for alert in [high, medium, newer_watch, watch]
    ]


def test_alert_list_department_choices_follow_scope(client: Client) -> None:
    sales = DepartmentFactory(name="销售部")
    EmployeeFactory(department=sales)
    EmployeeFactory(department=DepartmentFactory(name="财务部"))
    client.force_login(make_hr_user("hr.li", Role.HR_SPECIALIST, sales))

    response = client.get(URL)

    choices = list(response.context["form"].fields["department"].queryset)
    assert choices == [sales]
