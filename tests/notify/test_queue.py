"""The inbox, the e-mail channel, reminders for due steps and the delivery queue."""

import datetime
import io
import socket
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection, transaction

from hrguard.cases.models import InterventionKind
from hrguard.cases.services import case_open_from_alert, plan_step_add
from hrguard.core.errors import NotFound, ValidationFailed
from hrguard.notify.models import ChannelKind, Delivery, Notification
from hrguard.notify.selectors import notification_unread_count, notifications_for_user
from hrguard.notify.services import (
    MAX_ATTEMPTS,
    alert_notify,
    backoff_delay,
    channel_create,
    deliveries_requeue_failed,
    deliveries_send_due,
    notification_mark_read,
    notifications_collect_due,
    step_due_notify,
)
from hrguard.notify.tasks import send_due_deliveries
from hrguard.people.models import Employee
from hrguard.privacy.roles import Role
from hrguard.risk.models import Alert, AlertLevel
from tests.cases.builders import make_alert, make_user
from tests.factories import DepartmentFactory


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_backoff_delay_doubles_up_to_six_hours() -> None:
    delays = [backoff_delay(attempts).total_seconds() for attempts in (1, 2, 3, 4, 10, 20)]

    assert delays == [60, 120, 240, 480, 21600, 21600]


@pytest.mark.django_db
def test_alert_notify_medium_alert_reaches_inbox_once(employee: Employee, hr_user: Any) -> None:
    alert = make_alert(employee, level=AlertLevel.MEDIUM, indicators=("loan_platforms",))
    make_user("auditor", Role.AUDITOR)

    first = alert_notify(alert=alert)
    second = alert_notify(alert=alert)

    assert (first, second) == (1, 0)
    notification = Notification.objects.get()
    assert notification.recipient == hr_user
    assert notification.title == "人事风控：中风险预警"
    assert notification.body == f"员工：{employee.pseudonym}\n级别：中风险\n命中指标：1 项"
    assert notification.link == f"http://127.0.0.1:8000/alerts/{alert.pk}/"


@pytest.mark.django_db
def test_alert_notify_watch_level_below_default_sends_nothing(
    employee: Employee, hr_user: Any
) -> None:
    channel_create(kind=ChannelKind.EMAIL, name="HR 邮箱", email_to=["hr@example.com"])

    queued = alert_notify(alert=make_alert(employee, level=AlertLevel.WATCH))

    assert queued == 0
    assert not Notification.objects.exists()
    assert not Delivery.objects.exists()


@pytest.mark.django_db
def test_alert_notify_level_setting_lowers_threshold(
    employee: Employee, hr_user: Any, settings: Any
) -> None:
    settings.HRGUARD_NOTIFY_MIN_LEVEL = AlertLevel.WATCH

    queued = alert_notify(alert=make_alert(employee, level=AlertLevel.WATCH))

    assert queued == 1
    assert Notification.objects.get().title == "人事风控：关注预警"


@pytest.mark.django_db
def test_alert_notify_raised_level_notifies_again(employee: Employee, hr_user: Any) -> None:
    alert = make_alert(employee, level=AlertLevel.MEDIUM)
    alert_notify(alert=alert)
    Alert.objects.filter(pk=alert.pk).update(level=AlertLevel.HIGH)
    alert.refresh_from_db()

    alert_notify(alert=alert)

    assert list(Notification.objects.order_by("pk").values_list("title", flat=True)) == [
        "人事风控：中风险预警",
        "人事风控：高风险预警",
    ]


@pytest.mark.django_db
def test_alert_notify_email_after_commit_without_personal_details(
    employee: Employee, hr_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    channel_create(kind=ChannelKind.EMAIL, name="HR 邮箱", email_to=["hr@example.com"])
    alert = make_alert(employee, level=AlertLevel.HIGH, indicators=("court_enforcement",))

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        alert_notify(alert=alert)
    sent_before_commit = len(mail.outbox)
    for callback in callbacks:
        callback()

    assert sent_before_commit == 0
    [message] = mail.outbox
    assert message.to == ["hr@example.com"]
    assert message.subject == "人事风控：高风险预警"
    assert message.body == (
        f"员工：{employee.pseudonym}\n级别：高风险\n命中指标：1 项\n\n"
        f"http://127.0.0.1:8000/alerts/{alert.pk}/"
    )
    for text in (message.subject, message.body):
        assert employee.name not in text
        assert employee.phone not in text
        assert employee.employee_no not in text
    assert Delivery.objects.get().status == Delivery.Status.SENT


@pytest.mark.django_db
def test_alert_notify_rolled_back_sends_nothing(
    employee: Employee, hr_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    channel_create(kind=ChannelKind.EMAIL, name="HR 邮箱", email_to=["hr@example.com"])
    alert = make_alert(employee, level=AlertLevel.HIGH)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                alert_notify(alert=alert)
                raise RuntimeError("scan failed after queueing")
        except RuntimeError:
            pass

    assert callbacks == []
    assert not Delivery.objects.exists()
    assert not Notification.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_delivery_to_channel_that_is_down_stays_queued(employee: Employee, hr_user: Any) -> None:
    port = _closed_port()
    channel_create(
        kind=ChannelKind.WECOM,
        name="断线的群",
        webhook_url=f"http://127.0.0.1:{port}/cgi-bin/webhook/send?key=k",
    )
    alert_notify(alert=make_alert(employee))
    start = Delivery.objects.get().next_attempt_at

    report = deliveries_send_due(now=start)

    delivery = Delivery.objects.get()
    assert (report.sent, report.failed) == (0, 1)
    assert delivery.status == Delivery.Status.PENDING
    assert delivery.attempts == 1
    assert delivery.last_error.startswith("connection failed:")
    assert delivery.next_attempt_at == start + datetime.timedelta(minutes=1)


@pytest.mark.django_db
def test_delivery_max_attempts_gives_up_then_requeues(employee: Employee, hr_user: Any) -> None:
    port = _closed_port()
    channel_create(
        kind=ChannelKind.WECOM,
        name="断线的群",
        webhook_url=f"http://127.0.0.1:{port}/cgi-bin/webhook/send?key=k",
    )
    alert_notify(alert=make_alert(employee))
    now = Delivery.objects.get().next_attempt_at

    for _ in range(MAX_ATTEMPTS):
        deliveries_send_due(now=now)
        now = Delivery.objects.get().next_attempt_at
    given_up = Delivery.objects.get()
    requeued = deliveries_requeue_failed(now=now)

    assert given_up.status == Delivery.Status.FAILED
    assert given_up.attempts == MAX_ATTEMPTS
    assert requeued == 1
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.PENDING, 0)


@pytest.mark.django_db
def test_channel_webhook_and_secret_are_encrypted_at_rest() -> None:
    channel = channel_create(
        kind=ChannelKind.DINGTALK,
        name="钉钉",
        webhook_url="https://oapi.dingtalk.com/robot/send?access_token=plain-token",
        secret="SECplain-secret",
    )

    with connection.cursor() as cursor:
        cursor.execute("SELECT webhook_url, secret FROM notify_channel WHERE id = %s", [channel.pk])
        stored_url, stored_secret = cursor.fetchone()

    assert "plain-token" not in stored_url
    assert "plain-secret" not in stored_secret
    assert stored_url.startswith("hg1:")


@pytest.mark.django_db
def test_channel_create_bad_url_raises_without_echoing_it() -> None:
    with pytest.raises(ValidationFailed) as raised:
        channel_create(kind=ChannelKind.WECOM, name="企业微信", webhook_url="ftp://key-in-url")

    assert str(raised.value) == "Webhook 地址无效，应以 http:// 或 https:// 开头并包含主机名。"


@pytest.mark.django_db
def test_collect_due_reminds_step_owner_once(employee: Employee, hr_user: Any) -> None:
    owner = make_user("hr-li")
    case = case_open_from_alert(alert=make_alert(employee, level=AlertLevel.WATCH), user=hr_user)
    plan_step_add(
        case=case,
        user=hr_user,
        kind=InterventionKind.INTERVIEW,
        owner=owner,
        due_date=datetime.date(2026, 12, 4),
        today=datetime.date(2026, 12, 1),
    )

    not_yet = notifications_collect_due(today=datetime.date(2026, 12, 3))
    due = notifications_collect_due(today=datetime.date(2026, 12, 4))
    again = notifications_collect_due(today=datetime.date(2026, 12, 5))

    assert (not_yet, due, again) == (0, 1, 0)
    reminder = Notification.objects.get(recipient=owner)
    assert reminder.title == "人事风控：干预步骤到期"
    assert reminder.body == f"员工：{employee.pseudonym}\n步骤：与员工谈话\n期限：2026-12-04"
    assert reminder.link == f"http://127.0.0.1:8000/cases/{case.pk}/"


@pytest.mark.django_db
def test_send_due_command_queues_unannounced_alert_and_sends(
    employee: Employee, hr_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    channel_create(kind=ChannelKind.EMAIL, name="HR 邮箱", email_to=["hr@example.com"])
    make_alert(employee, level=AlertLevel.HIGH)
    output = io.StringIO()

    with django_capture_on_commit_callbacks() as callbacks:
        call_command("notify", "send-due", stdout=output)

    assert output.getvalue() == (
        "新排队 2 条，重新排队 0 条，发送成功 1 条，发送失败 0 条（其中 0 条已停止重试）。\n"
    )
    assert len(mail.outbox) == 1
    assert Notification.objects.filter(recipient=hr_user).count() == 1
    # The command sends the queue itself, so nothing waits for a commit.
    assert callbacks == []


@pytest.mark.django_db
def test_celery_task_runs_same_send_in_process(employee: Employee, hr_user: Any) -> None:
    channel_create(kind=ChannelKind.EMAIL, name="HR 邮箱", email_to=["hr@example.com"])
    alert_notify(alert=make_alert(employee, level=AlertLevel.HIGH), send_now=False)

    sent = send_due_deliveries.apply().get()

    assert sent == 1
    assert Delivery.objects.get().status == Delivery.Status.SENT


@pytest.mark.django_db
def test_alert_notify_inbox_respects_scope(employee: Employee) -> None:
    in_scope = make_user("hr-in", Role.HR_SPECIALIST, departments=(employee.department,))
    make_user("hr-out", Role.HR_SPECIALIST, departments=(DepartmentFactory(name="财务部"),))
    make_user("privacy-officer", Role.PRIVACY_OFFICER)

    alert_notify(alert=make_alert(employee, level=AlertLevel.HIGH))

    assert list(Notification.objects.values_list("recipient__username", flat=True)) == [
        in_scope.username
    ]


@pytest.mark.django_db
def test_step_reminder_to_group_leaves_out_step_kind(employee: Employee, hr_user: Any) -> None:
    channel_create(kind=ChannelKind.EMAIL, name="HR 邮箱", email_to=["hr@example.com"])
    case = case_open_from_alert(alert=make_alert(employee, level=AlertLevel.WATCH), user=hr_user)
    step = plan_step_add(
        case=case,
        user=hr_user,
        kind=InterventionKind.DEBT_NEGOTIATION,
        owner=hr_user,
        due_date=datetime.date(2026, 12, 4),
        today=datetime.date(2026, 12, 1),
    )

    step_due_notify(step=step)

    payload = Delivery.objects.get().payload
    assert payload["body"] == (
        f"员工：{employee.pseudonym}\n期限：2026-12-04\n\nhttp://127.0.0.1:8000/cases/{case.pk}/"
    )
    assert "协商" not in Notification.objects.get().title
    assert "协助与出借方协商" in Notification.objects.get().body


@pytest.mark.django_db
def test_notification_mark_read_other_users_raises(employee: Employee, hr_user: Any) -> None:
    alert_notify(alert=make_alert(employee))
    notification = Notification.objects.get(recipient=hr_user)
    other = make_user("hr-other")

    with pytest.raises(NotFound):
        notification_mark_read(notification=notification, user=other)
    marked = notification_mark_read(notification=notification, user=hr_user)

    assert marked.read_at is not None
    assert notification_unread_count(user=hr_user) == 0
    assert list(notifications_for_user(user=hr_user)) == [marked]
