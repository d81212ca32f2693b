"""Users, OTP devices and employees for the privacy portal tests."""

from typing import TYPE_CHECKING

from django.contrib.auth.models import Group, User
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from hrguard.people.models import Employee
from hrguard.privacy.models import EmployeeAccount
from hrguard.privacy.roles import Role

if TYPE_CHECKING:
    from playwright.sync_api import Page

PASSWORD = "correct-horse-battery"


def make_user(username: str, role: Role) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD)
    user.groups.add(Group.objects.get(name=role.value))
    return user


def make_employee_user(employee: Employee, username: str = "staff") -> User:
    """Create a self-service login (role 员工) linked to `employee`."""
    user = make_user(username, Role.EMPLOYEE)
    EmployeeAccount.objects.create(user=user, employee=employee)
    return user


def totp_device(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="test", confirmed=True)


def totp_code(device: TOTPDevice) -> str:
    """Return the code an authenticator app would show for `device` now."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def force_login_verified(client: Client, user: User) -> Client:
    """Log `user` in with a session that passed the OTP step, as after a real login."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or totp_device(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def browser_log_in_with_totp(page: "Page", *, base_url: str, user: User) -> None:
    """Log in through the login form and the two-factor step, then wait for the dashboard."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or totp_device(user)
    page.goto(f"{base_url}/login/")
    page.get_by_label("用户名").fill(user.get_username())
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base_url}/privacy/otp/verify/?next=%2F")
    page.get_by_label("验证码").fill(totp_code(device))
    page.get_by_role("button", name="验证").click()
    page.wait_for_url(f"{base_url}/")
