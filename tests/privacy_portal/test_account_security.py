"""Account security: Argon2 hashes, lock-out after failed logins, TOTP for personal-data roles."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from hrguard.privacy.models import AuditEntry
from hrguard.privacy.roles import Role
from tests.factories import EmployeeFactory
from tests.privacy_portal.helpers import (
    PASSWORD,
    make_employee_user,
    make_user,
    totp_code,
    totp_device,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_password_hasher(settings: object, request: pytest.FixtureRequest) -> None:
    """Hash with MD5 except in the Argon2 test, because Argon2 takes most of a second per user."""
    if "argon2" not in request.node.name:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


def log_in(client: Client, username: str, password: str = PASSWORD) -> object:
    return client.post("/login/", {"username": username, "password": password})


def test_new_password_uses_argon2() -> None:
    user = User.objects.create_user(username="hr.argon2", password=PASSWORD)

    assert user.password.startswith("argon2$")


def test_lockout_after_five_failed_logins(client: Client) -> None:
    make_user("staff.lock", Role.EMPLOYEE)

    for _ in range(5):
        response = log_in(client, "staff.lock", "wrong-password-1")
    locked = log_in(client, "staff.lock")

    assert response.status_code == 429  # type: ignore[attr-defined]
    assert locked.status_code == 429  # type: ignore[attr-defined]
    assert "登录失败次数过多，账号已暂时锁定。" in locked.content.decode()  # type: ignore[attr-defined]
    assert "_auth_user_id" not in client.session


def test_four_failures_then_correct_password_logs_in(client: Client) -> None:
    make_user("staff.ok", Role.EMPLOYEE)

    for _ in range(4):
        log_in(client, "staff.ok", "wrong-password-1")
    response = log_in(client, "staff.ok")

    assert response.status_code == 302  # type: ignore[attr-defined]
    assert "_auth_user_id" in client.session


@pytest.mark.parametrize(
    "role", [Role.HR_SPECIALIST, Role.HRBP, Role.HR_MANAGER, Role.LEGAL, Role.PRIVACY_OFFICER]
)
def test_personal_data_role_without_device_goes_to_setup(client: Client, role: Role) -> None:
    make_user("person", role)
    log_in(client, "person")

    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/privacy/otp/setup/?next=%2F"


def test_setup_confirms_device_and_opens_page(client: Client) -> None:
    # Given
    user = make_user("hr.zhang", Role.HR_MANAGER)
    log_in(client, "hr.zhang")
    page = client.get("/privacy/otp/setup/?next=/privacy/notice/")
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed is False

    # When
    response = client.post(
        "/privacy/otp/setup/?next=/privacy/notice/", {"token": totp_code(device)}
    )

    # Then
    assert response["Location"] == "/privacy/notice/"
    device.refresh_from_db()
    assert device.confirmed is True
    assert client.get("/privacy/notice/").status_code == 200
    assert AuditEntry.objects.filter(action="account.otp_enrol").count() == 1


def test_enrolled_user_must_verify_and_wrong_code_fails(client: Client) -> None:
    # Given
    user = make_user("legal.li", Role.LEGAL)
    device = totp_device(user)
    log_in(client, "legal.li")
    assert (
        client.get("/privacy/notice/")["Location"]
        == "/privacy/otp/verify/?next=%2Fprivacy%2Fnotice%2F"
    )
    assert client.get("/privacy/otp/setup/").status_code == 302

    # When
    wrong_code = "000000" if totp_code(device) != "000000" else "111111"
    wrong = client.post("/privacy/otp/verify/", {"token": wrong_code})
    # A failure makes django-otp refuse codes for a second; skip that wait.
    device.refresh_from_db()
    device.throttle_reset()
    right = client.post("/privacy/otp/verify/?next=/privacy/notice/", {"token": totp_code(device)})

    # Then
    assert "验证码不正确或已过期" in wrong.content.decode()
    assert right["Location"] == "/privacy/notice/"


def test_employee_role_needs_no_second_factor(client: Client) -> None:
    make_employee_user(EmployeeFactory(), username="staff.wu")
    log_in(client, "staff.wu")

    response = client.get("/privacy/me/")

    assert response.status_code == 200


def test_pages_send_secure_headers(client: Client) -> None:
    response = client.get("/login/")

    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
