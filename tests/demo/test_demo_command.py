"""`hrguard demo` end to end: generate, import, scan, log in, serve."""

import datetime
import http.client
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command, load_command_class
from django.core.management.base import CommandError
from django.test import Client

from hrguard.demo import generate_company
from hrguard.demo.company import Role
from hrguard.ingest.models import ImportBatch
from hrguard.payments.models import PaymentTransaction
from hrguard.people.models import Employee
from hrguard.privacy.models import Consent, DataCategory
from hrguard.risk.models import Alert, AlertLevel

SMALL_COMPANY = 24
PASSWORD_LINE = re.compile(r"密码：(\S+)")
LOGIN_LINES = re.compile(r"用户名：(\S+)\n\s*密码：(\S+)")


def run_demo(*extra: str) -> str:
    out = StringIO()
    call_command("demo", "--no-serve", "--employees", str(SMALL_COMPANY), *extra, stdout=out)
    return out.getvalue()


def planted(tmp_path: Path, employees: int = SMALL_COMPANY):
    """Return the manifest the demo uses; the same seed always plants the same people."""
    return generate_company(
        tmp_path / "manifest", employees=employees, as_of=datetime.date(2026, 11, 30)
    )


def open_alerts() -> dict[str, set[str]]:
    return {
        alert.employee.employee_no: set(alert.indicators)
        for alert in Alert.objects.filter(status=Alert.Status.OPEN).select_related("employee")
    }


@pytest.mark.django_db
def test_demo_run_twice_flags_planted_only(tmp_path: Path) -> None:
    # given the demo company the command will generate
    manifest = planted(tmp_path)
    stacked = next(c.employee_no for c in manifest.cases if c.role is Role.MULTI_LENDER_OVERSPENDER)
    overspender = next(c.employee_no for c in manifest.cases if c.role is Role.OVERSPENDER)
    no_consent = {
        c.employee_no
        for c in manifest.cases
        if c.role in (Role.SPENDER_WITHOUT_CONSENT, Role.SPENDER_CONSENT_WITHDRAWN)
    }

    # when the demo runs without serving
    output = run_demo()

    # then exactly the planted risk cases have alerts, with the planted indicators
    alerts = open_alerts()
    assert alerts == {no: set(indicators) for no, indicators in manifest.flagged.items()}
    for employee_no in manifest.healthy:
        assert employee_no not in alerts
    assert Alert.objects.get(employee__employee_no=stacked).level == AlertLevel.MEDIUM
    assert Alert.objects.get(employee__employee_no=overspender).level == AlertLevel.WATCH

    # and only the bills of employees without a consent in force were rejected
    rejected = ImportBatch.objects.filter(status=ImportBatch.Status.REJECTED)
    assert {batch.employee.employee_no for batch in rejected} == no_consent
    committed = ImportBatch.objects.filter(status=ImportBatch.Status.COMMITTED)
    assert committed.count() == len(manifest.files) - 2

    # and the summary and a working random login are printed
    first_password = PASSWORD_LINE.search(output)[1]
    assert f"员工：{SMALL_COMPANY} 人，10 个部门。" in output
    assert "未通过校验 2 个" in output
    assert output.count("单独同意，不能导入其账单") == 2
    assert "网址：http://127.0.0.1:8000/" in output
    assert "用户名：hr_manager" in output
    assert len(first_password) >= 20
    user = authenticate(username="hr_manager", password=first_password)
    assert user is not None
    assert user.groups.filter(name="HR经理").exists()

    # when it runs a second time
    batches = ImportBatch.objects.count()
    output = run_demo()

    # then the imports add no rows, the alerts stay, and only the new password works
    second_password = PASSWORD_LINE.search(output)[1]
    assert "本次新增 0 行" in output
    assert ImportBatch.objects.count() == 2 * batches
    assert open_alerts() == alerts
    assert second_password != first_password
    assert authenticate(username="hr_manager", password=first_password) is None
    assert authenticate(username="hr_manager", password=second_password) is not None


def printed_logins(output: str) -> dict[str, str]:
    return dict(LOGIN_LINES.findall(output))


def logged_in(username: str, password: str) -> Client:
    client = Client()
    response = client.post("/login/", {"username": username, "password": password})
    assert response.status_code == 302, f"login of {username} failed"
    return client


@pytest.mark.django_db
def test_demo_employee_login_sees_own_data(tmp_path: Path, settings) -> None:
    # given two-factor login enforced as in production, and the demo's planted saver
    settings.HRGUARD_OTP_REQUIRED = True
    saver_no = next(c.employee_no for c in planted(tmp_path).cases if c.role is Role.SAVER)

    # when the demo runs
    output = run_demo()

    # then three logins are printed, each with what it is for and the page to open
    logins = printed_logins(output)
    assert sorted(logins) == ["employee", "hr_manager", "privacy_officer"]
    assert f"员工自助（关联工号 {saver_no}，一名没有预警的演示员工）" in output
    assert "登录后打开：http://127.0.0.1:8000/privacy/me/" in output
    assert "登录后打开：http://127.0.0.1:8000/privacy/requests/" in output
    assert output.count("完成双因素认证") == 2
    assert output.count("登录不需要双因素认证") == 1

    # when the employee logs in with the printed password and opens self-service
    client = logged_in("employee", logins["employee"])
    response = client.get("/privacy/me/")

    # then the page opens without a second factor and shows only the saver's data
    saver = Employee.objects.get(employee_no=saver_no)
    counts = dict(response.context["counts"])
    assert response.status_code == 200
    assert response.context["employee"] == saver
    assert counts["支付记录"] == PaymentTransaction.objects.filter(employee=saver).count()
    assert 0 < counts["支付记录"] < PaymentTransaction.objects.count()
    assert counts["个人信息授权"] == Consent.objects.filter(employee=saver).count()
    payments_state = next(
        state for state in response.context["consents"] if state.category == DataCategory.PAYMENTS
    )
    assert payments_state.in_force is not None

    # and the privacy officer is sent to set up a second factor before the requests page
    officer = logged_in("privacy_officer", logins["privacy_officer"])
    response = officer.get("/privacy/requests/")
    assert response.status_code == 302
    assert response["Location"].startswith("/privacy/otp/setup/")

    # when the demo runs again
    second = printed_logins(run_demo())

    # then every password is new and the employee login stays linked to the saver
    assert all(second[name] != logins[name] for name in logins)
    assert authenticate(username="employee", password=logins["employee"]) is None
    client = logged_in("employee", second["employee"])
    assert client.get("/privacy/me/").context["employee"] == saver


@pytest.mark.django_db
def test_demo_home_option_differs_raises(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="--home 必须在 Django 启动前生效"):
        run_demo("--home", str(tmp_path / "elsewhere"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_login_page(port: int, server: subprocess.Popen[bytes]) -> int:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert server.poll() is None, "hrguard serve exited early"
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/login/")
            return connection.getresponse().status
        except OSError:
            time.sleep(0.3)
    raise AssertionError("hrguard serve did not respond within 30 seconds")


@pytest.mark.slow
def test_hrguard_demo_full_company_then_serve(tmp_path: Path) -> None:
    # given the real entry point, with its own SQLite database under --home
    home = tmp_path / "home"
    hrguard = Path(sys.executable).with_name("hrguard")
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.pop("HRGUARD_HOME", None)
    manifest = planted(tmp_path, employees=300)

    # when `hrguard demo --home DIR --no-serve` runs
    demo = subprocess.run(
        [hrguard, "demo", "--home", str(home), "--no-serve"],
        capture_output=True,
        env=env,
        timeout=600,
        check=False,
    )

    # then it succeeds and flags exactly the planted cases in that database
    output = demo.stdout.decode()
    assert demo.returncode == 0, demo.stderr.decode()[-3000:]
    assert "员工：300 人，10 个部门。" in output
    with sqlite3.connect(home / "hrguard.sqlite3") as database:
        rows = database.execute(
            "SELECT e.employee_no FROM risk_alert a JOIN people_employee e ON e.id = a.employee_id "
            "WHERE a.status = 'open'"
        ).fetchall()
    assert {row[0] for row in rows} == set(manifest.flagged)

    # and `hrguard serve` returns the login page on 127.0.0.1
    port = free_port()
    server = subprocess.Popen(
        [hrguard, "serve", "--home", str(home), "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert wait_for_login_page(port, server) == 200
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.parametrize("name", ["demo", "serve"])
def test_command_help_renders(name: str) -> None:
    command = load_command_class("hrguard.demo", name)

    text = command.create_parser("hrguard", name).format_help()

    assert "--home HOME" in text
    assert "--port PORT" in text
    assert "127.0.0.1" in text
