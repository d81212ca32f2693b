"""Queue notifications for alerts, due case steps and checkpoints, and send the queue.

Callers queue inside their own transaction: the in-app inbox entries and the
Delivery rows commit with the change that caused them, and sending starts
only after commit (`transaction.on_commit`), so a rolled-back change sends
nothing. A failed send stays queued and is retried with exponential back-off;
`hrguard notify send-due` (or the Celery task) drains whatever is due.
"""

import datetime
import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext

from hrguard.cases.models import Case, FollowUpCheckpoint, InterventionKind, InterventionStep
from hrguard.cases.selectors import checkpoints_due, steps_due
from hrguard.core.errors import NotFound, ValidationFailed
from hrguard.notify import channels
from hrguard.notify.models import Channel, ChannelKind, Delivery, Notification
from hrguard.people.models import Employee
from hrguard.privacy.roles import PERMISSION_APP_LABEL, Action
from hrguard.privacy.scopes import employees_visible_to
from hrguard.risk.models import LEVEL_ORDER, Alert, AlertLevel

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
BACKOFF_BASE_SECONDS = 60
BACKOFF_MAX_SECONDS = 6 * 60 * 60


def inbox_min_level() -> str:
    """Return the lowest alert level for the in-app inbox (setting HRGUARD_NOTIFY_MIN_LEVEL)."""
    return str(settings.HRGUARD_NOTIFY_MIN_LEVEL)


def _level_reaches(level: str, threshold: str) -> bool:
    return LEVEL_ORDER[AlertLevel(level)] >= LEVEL_ORDER[AlertLevel(threshold)]


def absolute_url(path: str) -> str:
    """Prefix a site path with HRGUARD_BASE_URL, the address HR opens the system at."""
    base = str(settings.HRGUARD_BASE_URL).rstrip("/")
    return base + path


def _path(name: str, object_id: int, fallback: str) -> str:
    try:
        return reverse(name, args=[object_id])
    except NoReverseMatch:
        return fallback


def alert_path(alert: Alert) -> str:
    return _path("web:alert_detail", alert.pk, f"/alerts/{alert.pk}/")


def case_path(case_id: int) -> str:
    return _path("cases:case_detail", case_id, f"/cases/{case_id}/")


def backoff_delay(attempts: int) -> datetime.timedelta:
    """Wait before the next try after `attempts` failures: 1, 2, 4 … minutes, at most 6 hours."""
    seconds = BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return datetime.timedelta(seconds=min(seconds, BACKOFF_MAX_SECONDS))


def alert_recipients(employee: Employee) -> list[Any]:
    """Return the active users who may view alerts and have the employee in their data scope."""
    permission = Permission.objects.filter(
        codename=Action.VIEW_ALERTS.value, content_type__app_label=PERMISSION_APP_LABEL
    ).first()
    if permission is None:
        return []
    candidates = (
        get_user_model()
        .objects.filter(Q(user_permissions=permission) | Q(groups__permissions=permission))
        .filter(is_active=True)
        .distinct()
        .order_by("pk")
    )
    return [
        user for user in candidates if employees_visible_to(user).filter(pk=employee.pk).exists()
    ]


def notification_create(
    *, recipient: Any, title: str, body: str, link: str, dedupe_key: str = ""
) -> Notification | None:
    """Put a message in a user's inbox; return None if this occasion is already there."""
    if (
        dedupe_key
        and Notification.objects.filter(recipient=recipient, dedupe_key=dedupe_key).exists()
    ):
        return None
    try:
        with transaction.atomic():
            return Notification.objects.create(
                recipient=recipient, title=title, body=body, link=link, dedupe_key=dedupe_key
            )
    except IntegrityError:
        # Another process inserted the same occasion between the check and the insert.
        return None


def notification_mark_read(*, notification: Notification, user: Any) -> Notification:
    if notification.recipient_id != user.pk:
        raise NotFound(
            gettext("通知 %(notification_id)s 不存在。"), notification_id=notification.pk
        )
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user: Any) -> int:
    """Mark every unread notification of the user as read and return how many changed."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def _queue(
    *, channel: Channel, message: channels.Message, dedupe_key: str, send_now: bool
) -> Delivery | None:
    if Delivery.objects.filter(channel=channel, dedupe_key=dedupe_key).exists():
        return None
    try:
        with transaction.atomic():
            delivery = Delivery.objects.create(
                channel=channel,
                payload=channels.payload_for(channel.kind, message),
                dedupe_key=dedupe_key,
                next_attempt_at=timezone.now(),
            )
    except IntegrityError:
        return None
    if send_now:
        transaction.on_commit(lambda: deliveries_dispatch(delivery_ids=[delivery.pk]))
    return delivery


def alert_notify(*, alert: Alert, send_now: bool = True) -> int:
    """Notify about an alert once per level it reaches; return the number of messages queued.

    Call it after creating an alert or raising its level. `hrguard notify
    send-due` also calls it for every open alert, so an alert that was not
    announced yet is announced on the next run. With `send_now` the deliveries
    are sent after commit; without, they wait for the next queue drain.
    The recipients and channels are those configured when the level is first
    announced, so a user or channel added later does not get older alerts.
    """
    dedupe_key = f"alert:{alert.pk}:{alert.level}"
    # A scan calls this for every alert it creates or updates, so return early
    # once this level was announced instead of checking every user's scope again.
    if (
        Notification.objects.filter(dedupe_key=dedupe_key).exists()
        or Delivery.objects.filter(dedupe_key=dedupe_key).exists()
    ):
        return 0

    employee = alert.employee
    level_label = AlertLevel(alert.level).label
    link = absolute_url(alert_path(alert))
    # Only the pseudonym, the level and a count: group chats and mailboxes are
    # outside the system's access control (PIPL art. 51).
    title = gettext("人事风控：%(level)s预警") % {"level": level_label}
    lines = (
        gettext("员工：%(pseudonym)s") % {"pseudonym": employee.pseudonym},
        gettext("级别：%(level)s") % {"level": level_label},
        gettext("命中指标：%(count)s 项") % {"count": len(alert.indicators)},
    )
    message = channels.Message(title=title, lines=lines, link=link)

    queued = 0
    if _level_reaches(alert.level, inbox_min_level()):
        for user in alert_recipients(employee):
            created = notification_create(
                recipient=user, title=title, body="\n".join(lines), link=link, dedupe_key=dedupe_key
            )
            queued += created is not None
    for channel in Channel.objects.filter(enabled=True):
        if _level_reaches(alert.level, channel.min_level):
            queued += (
                _queue(channel=channel, message=message, dedupe_key=dedupe_key, send_now=send_now)
                is not None
            )
    return queued


def step_due_notify(*, step: InterventionStep, send_now: bool = True) -> int:
    """Remind the step's owner (and the case's assignee) that a planned step is due."""
    case = step.case
    dedupe_key = f"step-due:{step.pk}"
    link = absolute_url(case_path(case.pk))
    title = gettext("人事风控：干预步骤到期")
    pseudonym_line = gettext("员工：%(pseudonym)s") % {"pseudonym": case.employee.pseudonym}
    due_line = gettext("期限：%(due_date)s") % {"due_date": step.due_date.isoformat()}
    kind_line = gettext("步骤：%(kind)s") % {"kind": InterventionKind(step.kind).label}
    lines = (pseudonym_line, kind_line, due_line)
    # Group chats get no step kind, because "协助与出借方协商" beside a pseudonym
    # would reveal the employee's debts to everyone in the group.
    message = channels.Message(title=title, lines=(pseudonym_line, due_line), link=link)

    queued = 0
    recipients: dict[int, Any] = {step.owner_id: step.owner}
    if case.assignee is not None:
        recipients[case.assignee.pk] = case.assignee
    for user in recipients.values():
        created = notification_create(
            recipient=user, title=title, body="\n".join(lines), link=link, dedupe_key=dedupe_key
        )
        queued += created is not None
    for channel in Channel.objects.filter(enabled=True, send_step_reminders=True):
        queued += (
            _queue(channel=channel, message=message, dedupe_key=dedupe_key, send_now=send_now)
            is not None
        )
    return queued


def case_assigned_notify(*, case: Case) -> Notification | None:
    """Tell the new assignee in the inbox; assignments do not go to group channels."""
    if case.assignee is None:
        return None
    return notification_create(
        recipient=case.assignee,
        title=gettext("人事风控：你被指派为案件负责人"),
        body=gettext("员工：%(pseudonym)s") % {"pseudonym": case.employee.pseudonym},
        link=absolute_url(case_path(case.pk)),
        dedupe_key=f"case-assigned:{case.pk}:{case.assignee_id}",
    )


def case_reopened_notify(*, case: Case) -> Notification | None:
    """Tell the assignee in the inbox that a scan moved their case back from follow-up."""
    if case.assignee is None:
        return None
    # One message per reopening: the case's event count makes each occasion distinct.
    occasion = case.events.count()
    return notification_create(
        recipient=case.assignee,
        title=gettext("人事风控：跟踪中的案件再次出现预警"),
        body=gettext("员工：%(pseudonym)s") % {"pseudonym": case.employee.pseudonym},
        link=absolute_url(case_path(case.pk)),
        dedupe_key=f"case-reopened:{case.pk}:{occasion}",
    )


def checkpoint_due_notify(*, checkpoint: FollowUpCheckpoint, send_now: bool = True) -> int:
    """Remind the case's assignee, or the user who started the follow-up, that a checkpoint is due."""
    follow_up = checkpoint.follow_up
    case = follow_up.case
    dedupe_key = f"checkpoint-due:{checkpoint.pk}"
    link = absolute_url(case_path(case.pk))
    title = gettext("人事风控：跟踪回访到期")
    pseudonym_line = gettext("员工：%(pseudonym)s") % {"pseudonym": case.employee.pseudonym}
    due_line = gettext("期限：%(due_date)s") % {"due_date": checkpoint.due_date.isoformat()}
    day_line = gettext("回访：跟踪第 %(days)s 天") % {"days": checkpoint.days_after}
    message = channels.Message(title=title, lines=(pseudonym_line, due_line), link=link)

    recipient = case.assignee or follow_up.started_by
    created = notification_create(
        recipient=recipient,
        title=title,
        body="\n".join((pseudonym_line, day_line, due_line)),
        link=link,
        dedupe_key=dedupe_key,
    )
    queued = int(created is not None)
    for channel in Channel.objects.filter(enabled=True, send_step_reminders=True):
        queued += (
            _queue(channel=channel, message=message, dedupe_key=dedupe_key, send_now=send_now)
            is not None
        )
    return queued


def notifications_collect_due(*, today: datetime.date | None = None) -> int:
    """Queue what is due but not yet announced: alerts at a notified level, steps, checkpoints.

    The deliveries are left for `deliveries_send_due`, which the caller runs next.
    """
    today = today or timezone.localdate()
    levels = [
        inbox_min_level(),
        *Channel.objects.filter(enabled=True).values_list("min_level", flat=True),
    ]
    lowest = min(levels, key=lambda level: LEVEL_ORDER[AlertLevel(level)])
    notified_levels = [level for level in AlertLevel.values if _level_reaches(level, lowest)]

    queued = 0
    with transaction.atomic():
        alerts = Alert.objects.filter(
            status=Alert.Status.OPEN, level__in=notified_levels
        ).select_related("employee")
        for alert in alerts:
            queued += alert_notify(alert=alert, send_now=False)
        for step in steps_due(day=today).select_related("case__assignee"):
            queued += step_due_notify(step=step, send_now=False)
        for checkpoint in checkpoints_due(day=today):
            queued += checkpoint_due_notify(checkpoint=checkpoint, send_now=False)
    return queued


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0
    gave_up: int = 0
    errors: list[str] = field(default_factory=list)


def delivery_attempt(*, delivery: Delivery, now: datetime.datetime) -> bool:
    """Try one delivery once and record the outcome; return whether it was sent."""
    delivery.attempts += 1
    try:
        channels.send(delivery.channel, delivery.payload, now)
    except channels.DeliveryError as error:
        delivery.last_error = str(error)[:1000]
        if delivery.attempts >= MAX_ATTEMPTS:
            delivery.status = Delivery.Status.FAILED
            logger.error(
                "delivery %s to channel %s failed for good after %s attempts: %s",
                delivery.pk,
                delivery.channel_id,
                delivery.attempts,
                error,
            )
        else:
            delivery.next_attempt_at = now + backoff_delay(delivery.attempts)
            logger.warning(
                "delivery %s to channel %s failed (attempt %s), retrying at %s: %s",
                delivery.pk,
                delivery.channel_id,
                delivery.attempts,
                delivery.next_attempt_at.isoformat(),
                error,
            )
        delivery.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
        return False

    delivery.status = Delivery.Status.SENT
    delivery.sent_at = now
    delivery.save(update_fields=["attempts", "status", "sent_at"])
    logger.info("delivery %s sent to channel %s", delivery.pk, delivery.channel_id)
    return True


def deliveries_send_due(
    *, now: datetime.datetime | None = None, limit: int = 200, delivery_ids: list[int] | None = None
) -> SendReport:
    """Send pending deliveries whose next attempt is due, oldest first."""
    now = now or timezone.now()
    report = SendReport()
    due = Delivery.objects.filter(
        status=Delivery.Status.PENDING, next_attempt_at__lte=now, channel__enabled=True
    ).select_related("channel")
    if delivery_ids is not None:
        due = due.filter(pk__in=delivery_ids)

    for delivery_id in list(
        due.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit]
    ):
        with transaction.atomic():
            # Lock the row so two workers draining the queue never send it twice;
            # on SQLite the write lock of the transaction serialises them instead.
            delivery = (
                Delivery.objects.select_for_update()
                .select_related("channel")
                .filter(pk=delivery_id, status=Delivery.Status.PENDING)
                .first()
            )
            if delivery is None:
                continue
            if delivery_attempt(delivery=delivery, now=now):
                report.sent += 1
            else:
                report.failed += 1
                report.gave_up += delivery.status == Delivery.Status.FAILED
                report.errors.append(f"{delivery.pk}: {delivery.last_error}")
    return report


def deliveries_dispatch(*, delivery_ids: list[int]) -> None:
    """Send just-committed deliveries: through Celery when a broker is set, else in-process."""
    if getattr(settings, "CELERY_BROKER_URL", ""):
        from hrguard.notify.tasks import send_due_deliveries

        send_due_deliveries.delay(delivery_ids=delivery_ids)
        return
    deliveries_send_due(delivery_ids=delivery_ids)


def deliveries_requeue_failed(*, now: datetime.datetime | None = None) -> int:
    """Queue deliveries that had given up again, e.g. after a channel was fixed."""
    now = now or timezone.now()
    return Delivery.objects.filter(status=Delivery.Status.FAILED).update(
        status=Delivery.Status.PENDING, attempts=0, next_attempt_at=now
    )


def channel_create(
    *,
    kind: str,
    name: str,
    webhook_url: str = "",
    secret: str = "",
    email_to: list[str] | None = None,
    min_level: str = AlertLevel.MEDIUM,
    send_step_reminders: bool = True,
) -> Channel:
    """Configure an outgoing channel after checking that it can be used."""
    if kind not in ChannelKind.values:
        raise ValidationFailed(gettext("通知渠道类型“%(kind)s”无效。"), kind=kind)
    if min_level not in AlertLevel.values:
        raise ValidationFailed(gettext("通知级别“%(level)s”无效。"), level=min_level)
    if kind == ChannelKind.EMAIL:
        if not email_to:
            raise ValidationFailed(gettext("电子邮件渠道至少需要一个收件人。"))
    else:
        try:
            channels.validate_webhook_url(webhook_url)
        except ValueError:
            # The URL is left out of the message because a WeCom URL contains the robot's key.
            raise ValidationFailed(
                gettext("Webhook 地址无效，应以 http:// 或 https:// 开头并包含主机名。")
            ) from None

    return Channel.objects.create(
        kind=kind,
        name=name,
        webhook_url=webhook_url,
        secret=secret,
        email_to=list(email_to or []),
        min_level=min_level,
        send_step_reminders=send_step_reminders,
    )
