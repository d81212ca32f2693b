import pytest
from django.contrib.auth.models import User
from django.test import Client

from hrguard.privacy.roles import Role
from tests.web.conftest import make_hr_user

pytestmark = pytest.mark.django_db


def test_unknown_page_shows_chinese_404(hr_client: Client) -> None:
    response = hr_client.get("/no-such-page/")

    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_user_without_role_gets_403_with_logout(client: Client) -> None:
    client.force_login(User.objects.create_user(username="nobody", password="x" * 12))

    response = client.get("/alerts/")

    text = response.content.decode()
    assert response.status_code == 403
    assert "没有权限" in text
    assert "退出登录" in text


def test_employee_start_page_is_self_service(client: Client) -> None:
    user = make_hr_user("emp.wang", Role.EMPLOYEE)
    client.force_login(user)

    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/privacy/"


def test_privacy_officer_start_page_is_privacy(client: Client) -> None:
    client.force_login(make_hr_user("pipo.li", Role.PRIVACY_OFFICER))

    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/privacy/"
