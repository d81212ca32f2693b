"""Deployment settings, response headers and the login lockout."""

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

PASSWORD = "correct-horse-battery"


def _settings_in_subprocess(home: Path, **environment: str) -> subprocess.CompletedProcess[str]:
    """Import the settings module in a fresh interpreter with only the given HRGUARD_* variables."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("HRGUARD_")}
    env.pop("DATABASE_URL", None)
    env.update({"HRGUARD_HOME": str(home), **environment})
    code = (
        "import hrguard.config.settings as s; "
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE if hasattr(s, 'SESSION_COOKIE_SECURE') else None, "
        "getattr(s, 'CSRF_COOKIE_SECURE', None), getattr(s, 'SECURE_HSTS_SECONDS', 0), "
        "s.ALLOWED_HOSTS)"
    )
    return subprocess.run(  # noqa: S603 - fixed interpreter and code, no user input
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )


def test_settings_default_debug_off(hrguard_home: Path) -> None:
    result = _settings_in_subprocess(hrguard_home)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "False"


def test_settings_production_without_secret_fails(hrguard_home: Path) -> None:
    result = _settings_in_subprocess(
        hrguard_home, HRGUARD_ENV="production", HRGUARD_ALLOWED_HOSTS="hr.example.com"
    )

    assert result.returncode == 1
    assert "HRGUARD_SECRET_KEY must be set" in result.stderr


def test_settings_production_without_hosts_fails(hrguard_home: Path) -> None:
    result = _settings_in_subprocess(
        hrguard_home, HRGUARD_ENV="production", HRGUARD_SECRET_KEY="k" * 50
    )

    assert result.returncode == 1
    assert "HRGUARD_ALLOWED_HOSTS must be set" in result.stderr


def test_settings_production_secure_cookies_debug_off(hrguard_home: Path) -> None:
    result = _settings_in_subprocess(
        hrguard_home,
        HRGUARD_ENV="production",
        HRGUARD_SECRET_KEY="k" * 50,
        HRGUARD_ALLOWED_HOSTS="hr.example.com",
        HRGUARD_DEBUG="1",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False True True 31536000 ['hr.example.com']"


@pytest.mark.django_db
def test_login_page_security_headers_present() -> None:
    response = Client().get("/login/")

    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_login_five_failures_locks_account(settings: Any) -> None:
    # given an account and django-axes with its configured limit
    assert "axes" in settings.INSTALLED_APPS
    User.objects.create_user(username="hr.wang", password=PASSWORD)
    client = Client()

    # when someone guesses wrong as many times as the limit allows
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post("/login/", {"username": "hr.wang", "password": "wrong-guess"})
    response = client.post("/login/", {"username": "hr.wang", "password": PASSWORD})

    # then even the right password no longer logs in
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_login_lockout_other_address_still_locked(settings: Any) -> None:
    # given a lockout reached from one address
    User.objects.create_user(username="hr.wang", password=PASSWORD)
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        Client(REMOTE_ADDR="10.0.0.1").post(
            "/login/", {"username": "hr.wang", "password": "wrong-guess"}
        )

    # when the right password comes from another address
    client = Client(REMOTE_ADDR="10.0.0.2")
    response = client.post("/login/", {"username": "hr.wang", "password": PASSWORD})

    # then the account stays locked, because the limit counts per user name
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
