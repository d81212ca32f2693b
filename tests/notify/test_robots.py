"""The three group robots, signed and sent to a local server that checks them like the platform."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest

from hrguard.notify.channels import dingtalk_sign, feishu_sign
from hrguard.notify.models import Channel, ChannelKind, Delivery
from hrguard.notify.services import alert_notify, channel_create, deliveries_send_due
from hrguard.people.models import Employee
from hrguard.risk.models import AlertLevel
from tests.cases.builders import make_alert
from tests.notify.robot_server import DINGTALK_SECRET, FEISHU_SECRET, RobotServer

SendAlert = Callable[[Channel], Delivery]


@pytest.fixture
def send_alert(
    employee: Employee, hr_user: Any, django_capture_on_commit_callbacks: Any
) -> SendAlert:
    def send(channel: Channel) -> Delivery:
        alert = make_alert(
            employee, level=AlertLevel.HIGH, indicators=("loan_platforms", "gambling_spend")
        )
        with django_capture_on_commit_callbacks(execute=True):
            alert_notify(alert=alert)
        return Delivery.objects.get(channel=channel)

    return send


def _assert_no_personal_details(body: bytes, employee: Employee) -> None:
    text = body.decode("utf-8")
    assert employee.name not in text
    assert employee.phone not in text
    assert employee.employee_no not in text
    assert "元" not in text
    assert "¥" not in text


def test_dingtalk_sign_matches_published_algorithm() -> None:
    # Expected value from: printf '1700000000000\nsecret' | openssl dgst -sha256 -hmac secret -binary | base64
    assert dingtalk_sign("secret", 1700000000000) == "OuzzJR5+xZ4/EYwqtNt6sMYZQMTa/HEGvc9miJe7XzY="


def test_feishu_sign_uses_timestamp_and_secret_as_key() -> None:
    # Expected value from openssl: HMAC-SHA256 of an empty message under the key "1700000000\nsecret".
    assert feishu_sign("secret", 1700000000) == "fiWS2+gh28DOydAv7hzONH/mDn9+b1Y4Y5ivXWXy8vA="


@pytest.mark.django_db
def test_wecom_markdown_reaches_robot(
    robots: RobotServer, employee: Employee, send_alert: SendAlert
) -> None:
    channel = channel_create(kind=ChannelKind.WECOM, name="HR 群", webhook_url=robots.wecom_url)

    delivery = send_alert(channel)

    assert delivery.status == Delivery.Status.SENT
    assert delivery.attempts == 1
    [request] = robots.state.requests
    assert request.path == "/cgi-bin/webhook/send"
    body = request.json
    assert body["msgtype"] == "markdown"
    content = body["markdown"]["content"]
    assert content.startswith("**人事风控：高风险预警**\n")
    assert f"> 员工：{employee.pseudonym}" in content
    assert "> 命中指标：2 项" in content
    assert "[查看详情](http://127.0.0.1:8000/" in content
    _assert_no_personal_details(request.body, employee)


@pytest.mark.django_db
def test_dingtalk_signed_markdown_reaches_robot(
    robots: RobotServer, employee: Employee, send_alert: SendAlert
) -> None:
    channel = channel_create(
        kind=ChannelKind.DINGTALK,
        name="钉钉 HR 群",
        webhook_url=robots.dingtalk_url,
        secret=DINGTALK_SECRET,
    )

    delivery = send_alert(channel)

    assert delivery.status == Delivery.Status.SENT
    assert delivery.last_error == ""
    [request] = robots.state.requests
    assert request.path == "/robot/send"
    assert set(request.query) == {"access_token", "timestamp", "sign"}
    body = request.json
    assert body["msgtype"] == "markdown"
    assert body["markdown"]["title"] == "人事风控：高风险预警"
    assert f"- 员工：{employee.pseudonym}" in body["markdown"]["text"]
    _assert_no_personal_details(request.body, employee)


@pytest.mark.django_db
def test_feishu_signed_text_reaches_robot(
    robots: RobotServer, employee: Employee, send_alert: SendAlert
) -> None:
    channel = channel_create(
        kind=ChannelKind.FEISHU,
        name="飞书 HR 群",
        webhook_url=robots.feishu_url,
        secret=FEISHU_SECRET,
    )

    delivery = send_alert(channel)

    assert delivery.status == Delivery.Status.SENT
    [request] = robots.state.requests
    body = request.json
    assert set(body) == {"timestamp", "sign", "msg_type", "content"}
    assert body["msg_type"] == "text"
    assert body["content"]["text"].startswith("人事风控：高风险预警\n")
    assert f"员工：{employee.pseudonym}" in body["content"]["text"]
    _assert_no_personal_details(request.body, employee)


@pytest.mark.django_db
def test_dingtalk_wrong_secret_stays_queued_with_error(
    robots: RobotServer, send_alert: SendAlert
) -> None:
    channel = channel_create(
        kind=ChannelKind.DINGTALK, name="钉钉", webhook_url=robots.dingtalk_url, secret="SECwrong"
    )

    delivery = send_alert(channel)

    assert delivery.status == Delivery.Status.PENDING
    assert delivery.attempts == 1
    assert delivery.last_error == "dingtalk rejected the message: code 310000, sign not match"


@pytest.mark.django_db
def test_flaky_robot_retries_with_backoff_then_sends(
    robots: RobotServer, employee: Employee
) -> None:
    channel = channel_create(
        kind=ChannelKind.WECOM, name="不稳定的群", webhook_url=robots.flaky_url
    )
    # Queue without running the on-commit send, so every attempt's time is the test's.
    alert_notify(alert=make_alert(employee))
    delivery = Delivery.objects.get(channel=channel)
    start = delivery.next_attempt_at

    first = deliveries_send_due(now=start)
    delivery.refresh_from_db()
    after_first = (
        delivery.status,
        delivery.attempts,
        delivery.next_attempt_at,
        delivery.last_error,
    )
    early = deliveries_send_due(now=start + datetime.timedelta(seconds=59))
    second = deliveries_send_due(now=start + datetime.timedelta(seconds=60))
    delivery.refresh_from_db()
    after_second = (delivery.status, delivery.attempts, delivery.next_attempt_at)
    third = deliveries_send_due(now=start + datetime.timedelta(seconds=180))
    delivery.refresh_from_db()

    assert (first.sent, first.failed) == (0, 1)
    assert after_first == (
        Delivery.Status.PENDING,
        1,
        start + datetime.timedelta(seconds=60),
        "HTTP 500 Internal Server Error",
    )
    assert (early.sent, early.failed) == (0, 0)
    assert (second.sent, second.failed) == (0, 1)
    assert after_second == (Delivery.Status.PENDING, 2, start + datetime.timedelta(seconds=180))
    assert (third.sent, third.failed) == (1, 0)
    assert delivery.status == Delivery.Status.SENT
    assert delivery.attempts == 3
    assert delivery.sent_at == start + datetime.timedelta(seconds=180)
    assert robots.state.flaky_calls == 3
