"""The language switcher: pages render in English after choosing it, Chinese by default."""

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse
from django.utils import translation

from hrguard.core.errors import NotFound
from hrguard.privacy.roles import Role
from hrguard.risk.models import AlertLevel

pytestmark = pytest.mark.django_db


def choose_language(client: Client, language: str, next_url: str) -> None:
    """Post to set_language as the switcher form in base.html does."""
    response = client.post(reverse("set_language"), {"language": language, "next": next_url})

    assert response.status_code == 302
    assert response["Location"] == next_url


def log_in_hr_manager(client: Client) -> None:
    user = User.objects.create_user(username="hr.li")
    user.groups.add(Group.objects.get(name=Role.HR_MANAGER.value))
    client.force_login(user)


def test_login_page_default_shows_chinese(client: Client) -> None:
    response = client.get(reverse("login"))

    text = response.content.decode()
    assert response.headers["Content-Language"] == "zh-hans"
    assert 'lang="zh-hans"' in text
    assert "登录人事风控" in text
    assert "用户名" in text
    assert "Log in" not in text


def test_login_page_english_shows_english(client: Client) -> None:
    choose_language(client, "en", reverse("login"))

    response = client.get(reverse("login"))

    text = response.content.decode()
    assert response.headers["Content-Language"] == "en"
    assert 'lang="en"' in text
    assert "<title>Log in · HR Risk Control</title>" in text
    assert "Log in to HR Risk Control" in text
    assert "Username" in text
    assert "Password" in text
    assert "登录" not in text


def test_login_page_switch_back_shows_chinese(client: Client) -> None:
    choose_language(client, "en", reverse("login"))
    choose_language(client, "zh-hans", reverse("login"))

    response = client.get(reverse("login"))

    text = response.content.decode()
    assert response.headers["Content-Language"] == "zh-hans"
    assert "登录人事风控" in text
    assert "Log in to HR Risk Control" not in text


def test_dashboard_english_shows_english_navigation(client: Client) -> None:
    log_in_hr_manager(client)
    choose_language(client, "en", reverse("web:dashboard"))

    response = client.get(reverse("web:dashboard"))

    text = response.content.decode()
    assert response.status_code == 200
    assert "Risk overview" in text
    assert "Log out" in text
    assert ">Alerts</a>" in text
    assert "风险概览" not in text
    assert "退出登录" not in text


def test_dashboard_default_shows_chinese_navigation(client: Client) -> None:
    log_in_hr_manager(client)

    response = client.get(reverse("web:dashboard"))

    text = response.content.decode()
    assert response.status_code == 200
    assert "风险概览" in text
    assert "退出登录" in text
    assert "Risk overview" not in text


def test_alert_level_labels_english_use_hr_terms() -> None:
    with translation.override("en"):
        labels = [str(level.label) for level in AlertLevel]

    assert labels == ["Watch", "Medium risk", "High risk"]


def test_error_message_english_keeps_placeholder_value() -> None:
    with translation.override("en"):
        error = NotFound(translation.gettext("员工 %(no)s 不存在。"), no="E0042")

    assert error.message == "Employee E0042 does not exist."
