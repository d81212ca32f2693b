import pytest
from django.test import Client
from django.urls import reverse

from hrguard.privacy.roles import Role
from hrguard.risk.models import AlertLevel
from hrguard.web.navigation import navigation_items
from tests.factories import DepartmentFactory, EmployeeFactory
from tests.web.conftest import PASSWORD, AlertMaker, make_hr_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        reverse("web:dashboard"),
        reverse("web:alert_list"),
        reverse("web:alert_detail", args=[1]),
        reverse("web:employee_profile", args=[1]),
    ],
)
def test_page_anonymous_redirects_to_login(client: Client, url: str) -> None:
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


def test_login_page_renders_form_in_chinese(client: Client) -> None:
    response = client.get(reverse("login"))

    assert response.status_code == 200
    assert response.headers["Content-Language"] == "zh-hans"
    text = response.content.decode()
    assert "登录人事风控" in text
    assert "用户名" in text
    assert 'lang="zh-hans"' in text


def test_login_form_valid_password_opens_dashboard(client: Client) -> None:
    make_hr_user("hr.zhang")

    response = client.post(
        reverse("login"), {"username": "hr.zhang", "password": PASSWORD}, follow=True
    )

    assert response.redirect_chain == [(reverse("web:dashboard"), 302)]
    assert "风险概览" in response.content.decode()


def test_login_form_wrong_password_shows_error(client: Client) -> None:
    make_hr_user("hr.zhang")

    response = client.post(reverse("login"), {"username": "hr.zhang", "password": "wrong"})

    assert response.status_code == 200
    assert "请输入一个正确的用户名和密码。注意，两者都区分大小写。" in response.content.decode()


def test_base_page_shows_user_logout_and_languages(hr_client: Client) -> None:
    text = hr_client.get(reverse("web:dashboard")).content.decode()

    assert "hr.zhang" in text
    assert f'action="{reverse("logout")}"' in text
    assert f'action="{reverse("set_language")}"' in text
    assert '<option value="zh-hans" selected>简体中文</option>' in text
    assert '<option value="en">English</option>' in text


def test_base_page_loads_vendored_htmx_not_a_cdn(hr_client: Client) -> None:
    text = hr_client.get(reverse("web:dashboard")).content.decode()

    assert 'src="/static/vendor/htmx/htmx.min.js"' in text
    assert "https://" not in text


def test_navigation_skips_unresolvable_url_names(rf) -> None:
    request = rf.get("/")
    request.resolver_match = None
    entries = [
        ("web:dashboard", "首页"),
        ("nowhere:page", "不存在"),
        ("web:alert_list", "预警列表"),
    ]

    items = navigation_items(request, entries)

    assert [(item.url, item.label) for item in items] == [("/", "首页"), ("/alerts/", "预警列表")]


def test_navigation_marks_current_page_active(hr_client: Client) -> None:
    text = hr_client.get(reverse("web:alert_list")).content.decode()

    assert '<a href="/alerts/" class="active" aria-current="page">预警列表</a>' in text
    assert '<a href="/">首页</a>' in text


def test_dashboard_counts_open_alerts_by_level(hr_client: Client, make_alert: AlertMaker) -> None:
    sales = DepartmentFactory(name="销售部")
    make_alert(EmployeeFactory(department=sales), level=AlertLevel.HIGH)
    make_alert(EmployeeFactory(department=sales), level=AlertLevel.WATCH)
    make_alert(EmployeeFactory(department=sales), level=AlertLevel.WATCH)
    make_alert(EmployeeFactory(department=sales), level=AlertLevel.MEDIUM, status="dismissed")

    response = hr_client.get(reverse("web:dashboard"))

    assert response.context["by_level"] == [("high", 1), ("medium", 0), ("watch", 2)]
    assert response.context["open_total"] == 3
    text = response.content.decode()
    assert "高风险" in text
    assert 'href="/alerts/?level=high"' in text


def test_dashboard_department_chart_stacks_levels(
    hr_client: Client, make_alert: AlertMaker
) -> None:
    finance = DepartmentFactory(name="财务部")
    make_alert(EmployeeFactory(department=finance), level="medium")
    sales = DepartmentFactory(name="销售部")
    make_alert(EmployeeFactory(department=sales), level="high")
    make_alert(EmployeeFactory(department=sales), level="watch")

    response = hr_client.get(reverse("web:dashboard"))

    assert response.context["department_links"] == [
        f"/alerts/?department={sales.pk}",
        f"/alerts/?department={finance.pk}",
    ]
    option = response.context["department_chart"]

    assert option["yAxis"]["data"] == ["销售部", "财务部"]
    assert [series["name"] for series in option["series"]] == ["关注", "中风险", "高风险"]
    assert [series["data"] for series in option["series"]] == [[1, 0], [0, 1], [1, 0]]


def test_dashboard_trend_and_latest_scan(hr_client: Client, make_alert: AlertMaker, scan) -> None:
    scan.alerts_watch, scan.alerts_high = 4, 1
    scan.save()

    response = hr_client.get(reverse("web:dashboard"))

    option = response.context["trend_chart"]
    assert option["xAxis"]["data"] == ["2026-11-30"]
    assert [series["data"] for series in option["series"]] == [[4], [0], [1]]
    text = response.content.decode()
    assert "2026-11-30" in text
    assert "2026.1" in text
    assert "高风险 1，中风险 0，关注 4" in text
    assert 'src="/static/vendor/echarts/echarts.min.js"' in text


def test_dashboard_without_scans_says_so(hr_client: Client) -> None:
    response = hr_client.get(reverse("web:dashboard"))

    assert response.context["trend_chart"] is None
    text = response.content.decode()
    assert "尚未运行扫描。导入数据后运行 hrguard scan。" in text
    assert "目前没有待处理预警。" in text


def test_language_switch_to_english_sets_page_language(hr_client: Client) -> None:
    response = hr_client.post(
        reverse("set_language"), {"language": "en", "next": reverse("web:alert_list")}
    )

    assert response["Location"] == reverse("web:alert_list")
    text = hr_client.get(reverse("web:alert_list")).content.decode()
    assert '<html lang="en">' in text
    assert '<option value="en" selected>English</option>' in text


def test_base_page_sends_csrf_token_with_htmx_requests(hr_client: Client) -> None:
    response = hr_client.get(reverse("web:dashboard"))

    token = response.context["csrf_token"]
    assert f"""<body hx-headers='{{"X-CSRFToken": "{token}"}}'>""" in response.content.decode()


def test_page_user_without_alert_capability_is_forbidden(client: Client) -> None:
    client.force_login(make_hr_user("admin.sun", Role.SYSTEM_ADMIN))

    for url in [reverse("web:dashboard"), reverse("web:alert_list")]:
        assert client.get(url).status_code == 403


def test_dashboard_counts_only_alerts_in_scope(client: Client, make_alert: AlertMaker) -> None:
    sales = DepartmentFactory(name="销售部")
    make_alert(EmployeeFactory(department=sales), level=AlertLevel.HIGH)
    make_alert(EmployeeFactory(department=DepartmentFactory(name="财务部")), level=AlertLevel.HIGH)
    client.force_login(make_hr_user("hr.li", Role.HR_SPECIALIST, sales))

    response = client.get(reverse("web:dashboard"))

    assert response.context["open_total"] == 1
    assert response.context["department_chart"]["yAxis"]["data"] == ["销售部"]
